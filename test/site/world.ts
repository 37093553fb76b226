// A small company for the `lantrust site` tests: its name-constrained root, a simulated Axis camera
// with a certificate from it, an unrelated "intranet" root whose certificate serves the page over
// https, and a static file server like the intranet's (any sub-path, ordinary MIME types).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { extname, join, normalize, sep } from 'node:path';
import { initCa, issueCertificate } from '../../src/main/ca/index.js';
import { listenLoopback } from '../../src/main/listen.js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { findTool } from '../helpers/oracles.js';

export interface Ca {
  dir: string;
  rootPem: string;
}

export async function makeCa(dir: string, name: string, permit: { permitDns?: string[]; permitCidr?: string[] }): Promise<Ca> {
  const ca = await initCa({ dir, name, ...permit, passphrase: null });
  return { dir, rootPem: ca.files.root };
}

/** A certificate + key for 127.0.0.1 from `ca`, as PEM strings. */
export async function leafFor(ca: Ca, label: string, out: string): Promise<{ key: Buffer; cert: Buffer }> {
  const d = await issueCertificate({ dir: ca.dir, label, ip: ['127.0.0.1'], out });
  return { key: readFileSync(d.files.key), cert: readFileSync(d.files.chain) };
}

export async function camera(ca: Ca, label: string, out: string, port?: number): Promise<SimCamera> {
  return startCamera({ ...(await leafFor(ca, label, out)), ...(port ? { port } : {}) });
}

/** The root's SHA-256 fingerprint as OpenSSL prints it (the oracle, not lantrust's own code). */
export function opensslFingerprint(pemOrDerFile: string, inform: 'PEM' | 'DER' = 'PEM'): string {
  const out = execFileSync(findTool('openssl'), ['x509', '-inform', inform, '-in', pemOrDerFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return out.trim().split('=')[1]!;
}

/** SHA-256 of a file as `openssl dgst` prints it, lower-case hex. */
export function opensslSha256(file: string): string {
  const out = execFileSync(findTool('openssl'), ['dgst', '-sha256', '-r', file], { encoding: 'utf8' });
  return out.trim().split(/\s+/)[0]!.toLowerCase();
}

export function writeProfile(path: string, profile: Record<string, unknown>): string {
  writeFileSync(path, JSON.stringify(profile, null, 2));
  return path;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.cer': 'application/x-x509-ca-cert',
  '.pem': 'application/x-pem-file',
  '.mobileconfig': 'application/x-apple-aspen-config',
  '.exe': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  origin: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` under `mount` (e.g. "/" or "/intranet/trust/") over https, like a plain intranet server. */
export async function serveFolder(dir: string, mount: string, tls: { key: Buffer; cert: Buffer }): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer(tls, (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    if (!path.startsWith(mount)) {
      res.writeHead(404).end('not found');
      return;
    }
    const rel = path.slice(mount.length) || 'index.html';
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    readFile(file).then(
      (data) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(data),
      () => res.writeHead(404).end('not found'),
    );
  });
  const { port, close } = await listenLoopback(server);
  return { origin: `https://127.0.0.1:${port}`, requests, close };
}
