// A small world for scan-page tests, all on 127.0.0.1: a test root trusted by an NSS db, cameras
// (https, good and bad certificates; plain http), an intranet page, and a forwarding proxy so
// Chromium can be given non-loopback URLs (http://192.168.1.50/...) without any traffic leaving
// 127.0.0.1 — the proxy sends every request to 127.0.0.1 at the same port.
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { listenLoopback } from '../../src/main/listen.js';
import { join } from 'node:path';
import * as x from '../../src/main/ca/x509.js';
import { buildConstraints } from '../../src/main/constraints/model.js';

export interface Issued {
  keyPem: string;
  certPem: string;
}

export interface TestRoot {
  key: KeyObject;
  pub: KeyObject;
  subject: [string, string][];
  pem: string;
  issue(names: { dns?: string[]; ip?: string[] }, opts?: { expired?: boolean }): Issued;
}

export function makeRoot(name: string, constraints?: { permitDns: string[]; permitCidr: string[] }): TestRoot {
  const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Date.now();
  const subject: [string, string][] = [['O', name], ['CN', `${name} Root`]];
  const der = x.buildCertificate({
    subject,
    notBefore: new Date(now - 3600e3),
    notAfter: new Date(now + 365 * 864e5),
    publicKey: k.publicKey,
    signingKey: k.privateKey,
    extensions: [
      x.basicConstraints(true, 0),
      x.keyUsage(['keyCertSign', 'cRLSign']),
      x.subjectKeyIdentifier(k.publicKey),
      ...(constraints ? [x.nameConstraints(buildConstraints(constraints))] : []),
    ],
  });
  return {
    key: k.privateKey,
    pub: k.publicKey,
    subject,
    pem: new X509Certificate(der).toString(),
    issue(names, opts) {
      const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const leafDer = x.buildCertificate({
        subject: [['CN', names.dns?.[0] ?? names.ip?.[0] ?? 'leaf']],
        issuer: subject,
        notBefore: new Date(now - (opts?.expired ? 40 : 1) * 864e5),
        notAfter: new Date(now + (opts?.expired ? -2 : 90) * 864e5),
        publicKey: leaf.publicKey,
        signingKey: k.privateKey,
        extensions: [
          x.basicConstraints(false, undefined, true),
          x.keyUsage(['digitalSignature']),
          x.extKeyUsage(['serverAuth']),
          x.subjectAltName(names),
          x.authorityKeyIdentifier(k.publicKey),
        ],
      });
      return { keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem: new X509Certificate(leafDer).toString() };
    },
  };
}

export function writeRoot(dir: string, root: TestRoot, file = 'root.pem'): string {
  const p = join(dir, file);
  writeFileSync(p, root.pem);
  return p;
}

export interface Served {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Served> {
  server.on('tlsClientError', () => {});
  return listenLoopback(server);
}

export type Handler = (path: string) => { type: string; body: string | Buffer } | undefined;

/** An http or https server on 127.0.0.1 answering from `handler` (404 otherwise). */
export function serve(handler: Handler, tls?: Issued): Promise<Served> {
  const onRequest = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const r = handler((req.url ?? '/').split('?')[0]!);
    if (!r) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': r.type, 'Cache-Control': 'no-store' });
    res.end(r.body);
  };
  const server = tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, onRequest) : createHttpServer(onRequest);
  return listen(server as unknown as Server);
}

/**
 * A forwarding proxy on 127.0.0.1: a request (http GET or CONNECT) for one of `ports` goes to
 * 127.0.0.1 at that port, whatever its host; anything else (Chromium's own background requests)
 * is refused. Records what Chromium asked for.
 */
export async function startProxy(ports: () => number[]): Promise<Served & { seen: string[] }> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    let u: URL;
    try {
      u = new URL(req.url ?? '');
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    seen.push(`http ${u.host}`);
    if (!ports().includes(Number(u.port || 80))) {
      res.writeHead(403);
      res.end();
      return;
    }
    const up = httpRequest({ host: '127.0.0.1', port: Number(u.port || 80), path: `${u.pathname}${u.search}`, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    seen.push(`connect ${host}:${port}`);
    if (!ports().includes(Number(port))) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const up = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  const s = await listen(server);
  return { ...s, seen };
}
