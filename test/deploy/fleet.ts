// A company CA, simulated Axis cameras on 127.0.0.1 and the devices.csv that lists them, for the deploy
// tests: the CLI runs as a user runs it (a child process), the cameras run in the test process.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { initCa, type InitCaResult } from '../../src/main/ca/index.js';
import type { DeployResult } from '../../src/main/deploy/index.js';
import { startAxisCamera, type AxisCameraOptions, type SimAxisCamera } from '../../src/main/sim/camera.js';
import { tempDir } from '../helpers/certs.js';
import { cliAsync, type CliResult } from '../helpers/cli.js';
import { findTool } from '../helpers/oracles.js';

export const CAM_PASSWORD = 'camera s3cret pass';
export const CA_PASSPHRASE = 'fleet ca passphrase';

export interface Fleet {
  base: string;
  ca: InitCaResult;
  /** ca/ */
  dir: string;
  passwordFile: string;
  passphraseFile: string;
  cams: SimAxisCamera[];
  /** Starts a camera with the fleet's account (Digest, root / CAM_PASSWORD unless `auth` says otherwise). */
  camera(opts?: AxisCameraOptions): Promise<SimAxisCamera>;
  /** devices.csv with one row per camera: name, 127.0.0.1, NAME.cams.demo.test, port. */
  csv(rows: { name: string; cam?: SimAxisCamera; ip?: string; dns?: string; port?: number; extra?: Record<string, string> }[], file?: string): string;
  deploy(args: string[], opts?: { timeout?: number }): Promise<CliResult & { json?: { results: DeployResult[] } }>;
  close(): Promise<void>;
}

export async function makeFleet(opts: { intermediate?: boolean } = {}): Promise<Fleet> {
  const base = tempDir('lantrust-deploy-');
  const dir = join(base, 'ca');
  const ca = await initCa({ dir, name: 'Demo Company', permitDns: ['cams.demo.test'], permitCidr: ['127.0.0.0/8'], passphrase: CA_PASSPHRASE, ...(opts.intermediate ? { intermediate: true } : {}) });
  const passwordFile = join(base, 'camera-password.txt');
  const passphraseFile = join(base, 'ca-passphrase.txt');
  writeFileSync(passwordFile, `${CAM_PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(passphraseFile, `${CA_PASSPHRASE}\n`, { mode: 0o600 });
  const cams: SimAxisCamera[] = [];
  const fleet: Fleet = {
    base,
    ca,
    dir,
    passwordFile,
    passphraseFile,
    cams,
    async camera(o = {}) {
      const cam = await startAxisCamera({ auth: { scheme: 'digest', user: 'root', password: CAM_PASSWORD }, ...o });
      cams.push(cam);
      return cam;
    },
    csv(rows, file = 'devices.csv') {
      const extraCols = [...new Set(rows.flatMap((r) => Object.keys(r.extra ?? {})))];
      const lines = [['name', 'ip', 'dns', 'port', ...extraCols].join(',')];
      for (const r of rows) lines.push([r.name, r.ip ?? '127.0.0.1', r.dns ?? `${r.name}.cams.demo.test`, String(r.port ?? r.cam?.port ?? 443), ...extraCols.map((c) => r.extra?.[c] ?? '')].join(','));
      const p = join(base, file);
      writeFileSync(p, `${lines.join('\n')}\n`);
      return p;
    },
    async deploy(args, o = {}) {
      const r = await cliAsync(['deploy', '--dir', dir, '--passphrase-file', passphraseFile, ...args], { timeout: o.timeout ?? 120_000 });
      let json: { results: DeployResult[] } | undefined;
      if (args.includes('--json')) {
        try {
          json = JSON.parse(r.stdout) as { results: DeployResult[] };
        } catch {
          throw new Error(`deploy --json printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
        }
      }
      return { ...r, ...(json ? { json } : {}) };
    },
    async close() {
      for (const c of cams) await c.close();
    },
  };
  return fleet;
}

/** A fleet for one test file (made before its tests, closed after): call the returned function for it. */
export function fleetPerFile(opts: { intermediate?: boolean } = {}): () => Fleet {
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    fleet = await makeFleet(opts);
  }, 60_000);
  afterAll(async () => fleet?.close());
  return () => fleet!;
}

/** The camera account options; a generous budget where nothing should time out (this machine is shared), tests of hangs pass a short one. */
export function credentials(fleet: Fleet, timeout = 20000): string[] {
  return ['--user', 'root', '--password-file', fleet.passwordFile, '--timeout', String(timeout)];
}

export function byLabel(results: DeployResult[]): Record<string, DeployResult> {
  return Object.fromEntries(results.map((r) => [r.label, r]));
}

export function journal(dir: string): Record<string, unknown>[] {
  if (!existsSync(join(dir, 'deploy.jsonl'))) return [];
  return readFileSync(join(dir, 'deploy.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const run = promisify(execFile);

/** What OpenSSL sees on the camera's HTTPS port: the presented chain (PEM, leaf first). */
export async function opensslServedChain(port: number, servername?: string): Promise<string[]> {
  // stdin from /dev/null: s_client ends after the handshake instead of waiting for input.
  const stdout = await new Promise<string>((resolve) => {
    const p = spawn(findTool('openssl'), ['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts', ...(servername ? ['-servername', servername] : [])], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('close', () => (clearTimeout(t), resolve(out)));
  });
  return [...stdout.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/** `openssl verify` of a served chain against the company root: "OK" or OpenSSL's complaint. */
export async function opensslVerify(base: string, rootPem: string, chain: string[], name: string): Promise<string> {
  const leaf = join(base, `verify-${name}-leaf.pem`);
  const untrusted = join(base, `verify-${name}-chain.pem`);
  writeFileSync(leaf, chain[0] ?? '');
  writeFileSync(untrusted, chain.slice(1).join('') || chain[0] || '');
  const args = ['verify', '-CAfile', rootPem, '-untrusted', untrusted, ...(name.includes('.') ? ['-verify_hostname', name] : ['-verify_ip', name]), leaf];
  const r = await run(findTool('openssl'), args).then(
    (o) => o.stdout,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  return /: OK\s*$/.test(r.trim()) ? 'OK' : r.trim();
}
