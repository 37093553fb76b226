// A corpus of TLS endpoints on 127.0.0.1 (and ::1 for IPv6 hosts), one per Chrome rule, built at test time (no committed keys).
// The expected verdict of each is asked of real Chromium by the tests; nothing here says what it is.
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttps } from 'node:https';
import { createServer as createHttp } from 'node:http';
import { createServer as createNet, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { Duplex } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x from '../../src/main/ca/x509.js';
import { tlv, TAG } from '../../src/main/cert/der.js';
import { toPem } from '../../src/main/cert/read.js';
import { buildConstraints, type ConstraintInput, type ConstraintSet } from '../../src/main/constraints/model.js';
import { findTool } from '../helpers/oracles.js';

const DAY = 86_400_000;
type KP = { publicKey: KeyObject; privateKey: KeyObject };
const kpCache = new Map<string, KP>();
export type KeyKind = 'ec' | 'p384' | 'p521' | 'ed25519' | 'rsapss' | 'rsa2048' | 'rsa1024' | 'rsa768' | 'rsa512';
export function kp(kind: KeyKind = 'ec', slot = ''): KP {
  const k = `${kind}${slot}`;
  let v = kpCache.get(k);
  if (!v) {
    v =
      kind === 'ec' || kind === 'p384' || kind === 'p521'
        ? generateKeyPairSync('ec', { namedCurve: { ec: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' }[kind] })
        : kind === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : kind === 'rsapss'
            ? generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
            : generateKeyPairSync('rsa', { modulusLength: Number(kind.slice(3)) });
    kpCache.set(k, v);
  }
  return v;
}

/** authorityInfoAccess with caIssuers URLs (RFC 5280 4.2.2.1). */
export function aiaExtension(urls: string[]): x.Extension {
  const ads = urls.map((u) => tlv(TAG.SEQUENCE, x.encodeOid('1.3.6.1.5.5.7.48.2'), tlv(0x86, Buffer.from(u, 'latin1'))));
  return { oid: '1.3.6.1.5.5.7.1.1', critical: false, value: tlv(TAG.SEQUENCE, ...ads) };
}

export interface Issuer {
  name: [string, string][];
  key: KP;
  der: Buffer;
  pem: string;
}

export interface CaSpec {
  name: string;
  parent?: Issuer;
  key?: KP;
  ca?: boolean | null;
  pathLen?: number;
  keyUsage?: string[] | null;
  eku?: string[];
  constraints?: ConstraintInput;
  notBefore?: Date;
  notAfter?: Date;
  /** Any further extensions, e.g. an unknown critical one. */
  extra?: x.Extension[];
  constraintsCritical?: boolean;
  /** Subtrees exactly as given (no closing of the other name type, unlike `constraints`). */
  constraintSet?: ConstraintSet;
  /** Hash of the certificate's own signature (a root's self-signature, or the parent's over an intermediate). */
  hash?: x.Hash;
  /** Subject name; default O=Corpus, CN=name. */
  subject?: [string, string][];
  /** caIssuers URLs (authorityInfoAccess). */
  aia?: string[];
  /** Leave out the authorityKeyIdentifier. */
  noAki?: boolean;
}

export function makeCa(s: CaSpec): Issuer {
  const key = s.key ?? kp('ec', s.name);
  const name: [string, string][] = s.subject ?? [['O', 'Corpus'], ['CN', s.name]];
  const ext: x.Extension[] = [];
  if (s.ca !== null) ext.push(x.basicConstraints(s.ca ?? true, s.pathLen));
  if (s.keyUsage !== null) ext.push(x.keyUsage(s.keyUsage ?? ['keyCertSign', 'cRLSign']));
  if (s.eku) ext.push(x.extKeyUsage(s.eku));
  ext.push(x.subjectKeyIdentifier(key.publicKey));
  if (s.parent && !s.noAki) ext.push(x.authorityKeyIdentifier(s.parent.key.publicKey));
  if (s.constraints) ext.push(x.nameConstraints(buildConstraints(s.constraints), s.constraintsCritical ?? true));
  if (s.constraintSet) ext.push(x.nameConstraints(s.constraintSet, s.constraintsCritical ?? true));
  if (s.aia) ext.push(aiaExtension(s.aia));
  ext.push(...(s.extra ?? []));
  const der = x.buildCertificate({
    subject: name,
    issuer: s.parent?.name ?? name,
    notBefore: s.notBefore ?? new Date(Date.now() - 10 * DAY),
    notAfter: s.notAfter ?? new Date(Date.now() + 3650 * DAY),
    publicKey: key.publicKey,
    signingKey: (s.parent?.key ?? key).privateKey,
    ...(s.hash ? { hash: s.hash } : {}),
    extensions: ext,
  });
  return { name, key, der, pem: new X509Certificate(der).toString() };
}

export interface LeafSpec {
  issuer?: Issuer;
  cn?: string;
  dns?: string[];
  ip?: string[];
  noSan?: boolean;
  key?: KP;
  hash?: x.Hash;
  keyUsage?: string[] | null;
  eku?: string[] | null;
  notBefore?: Date;
  notAfter?: Date;
  extra?: x.Extension[];
  /** caIssuers URLs (authorityInfoAccess). */
  aia?: string[];
  /** basicConstraints CA:TRUE on the leaf itself; null leaves basicConstraints out. */
  ca?: boolean | null;
  /** Leave out the authorityKeyIdentifier. */
  noAki?: boolean;
}

export function makeLeaf(s: LeafSpec): { der: Buffer; pem: string; key: KP } {
  const key = s.key ?? kp('ec', 'leaf');
  const subject: [string, string][] = [['CN', s.cn ?? s.dns?.[0] ?? s.ip?.[0] ?? 'leaf']];
  const ext: x.Extension[] = s.ca === null ? [] : [x.basicConstraints(s.ca ?? false)];
  if (s.keyUsage !== null) ext.push(x.keyUsage(s.keyUsage ?? ['digitalSignature', ...(key.publicKey.asymmetricKeyType === 'rsa' ? ['keyEncipherment'] : [])]));
  if (s.eku !== null) ext.push(x.extKeyUsage(s.eku ?? ['serverAuth']));
  if (!s.noSan) ext.push(x.subjectAltName({ ...(s.dns ? { dns: s.dns } : {}), ...(s.ip ? { ip: s.ip } : {}) }));
  if (s.issuer && !s.noAki) ext.push(x.authorityKeyIdentifier(s.issuer.key.publicKey));
  if (s.aia) ext.push(aiaExtension(s.aia));
  ext.push(...(s.extra ?? []));
  const der = x.buildCertificate({
    subject,
    issuer: s.issuer?.name ?? subject,
    notBefore: s.notBefore ?? new Date(Date.now() - DAY),
    notAfter: s.notAfter ?? new Date(Date.now() + 300 * DAY),
    publicKey: key.publicKey,
    signingKey: (s.issuer?.key ?? key).privateKey,
    ...(s.hash ? { hash: s.hash } : {}),
    extensions: ext,
  });
  return { der, pem: new X509Certificate(der).toString(), key };
}

export interface Endpoint {
  name: string;
  url: string;
  close(): Promise<void> | void;
}

// Raw PEM armour (no parsing): malformed certificates must reach the server as they are.
const pem = (d: Buffer) => toPem(d);

/** An extension no verifier knows (a private-enterprise OID, value NULL). */
export function unknownExtension(critical: boolean): x.Extension {
  return { oid: '1.3.6.1.4.1.55555.1.1', critical, value: Buffer.from([0x05, 0x00]) };
}

/** Checks this machine can listen on the IPv6 loopback ::1; throws when it can't (like a missing oracle). */
export async function requireIpv6Loopback(): Promise<void> {
  const srv = createNet();
  const ok = await new Promise<boolean>((r) => {
    srv.once('error', () => r(false));
    srv.listen(0, '::1', () => r(true));
  });
  if (ok) await new Promise<void>((r) => srv.close(() => r()));
  if (!ok) throw new Error('IPv6 loopback (::1) is unavailable; the IPv6 corpus cases need it');
}

/** A Node HTTPS server sending `chain` (leaf first) with the leaf's key; host "[::1]" listens on ::1 only. */
export async function serveTls(name: string, host: string, leaf: { der: Buffer; key: KP }, extra: Buffer[] = [], tls: Record<string, unknown> = {}): Promise<Endpoint> {
  const srv = createHttps({ key: leaf.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: [leaf.der, ...extra].map(pem).join(''), ciphers: 'DEFAULT@SECLEVEL=0', ...tls }, (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>ok</title>ok');
  });
  srv.on('tlsClientError', () => {});
  await new Promise<void>((r) => srv.listen(0, host === '[::1]' ? '::1' : '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { name, url: `https://${host}:${port}/`, close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))) };
}

/**
 * A camera with HTTPS client authentication switched on, closing a refused connection the way Apache
 * (mod_ssl, what Axis firmware runs) does: the alert, then FIN, then reading what the client still sends
 * before closing ("lingering close"). Node's own server destroys the socket at once, and the RST can wipe
 * the alert out of the browser's receive buffer, which made Chromium's verdict a coin toss.
 */
export async function serveClientAuth(name: string, host: string, leaf: { der: Buffer; key: KP }, requiredCa: string, tls: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; optional?: boolean } = {}): Promise<Endpoint> {
  const ctx = createSecureContext({ key: leaf.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: pem(leaf.der), ca: requiredCa, ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}) });
  const socks = new Set<Socket>();
  const srv = createNet((raw) => {
    socks.add(raw);
    raw.on('close', () => socks.delete(raw));
    raw.on('error', () => {});
    const pipe = new Duplex({
      read: () => void raw.resume(),
      write: (c: Buffer, _e, cb) => void raw.write(c, () => cb()),
      final: (cb) => cb(),
    });
    raw.on('data', (d) => void (pipe.push(d) || raw.pause()));
    raw.on('end', () => pipe.push(null));
    const t = new TLSSocket(pipe, { isServer: true, secureContext: ctx, requestCert: true, rejectUnauthorized: !tls.optional });
    let answered = false;
    t.on('data', () => {
      if (answered) return;
      answered = true;
      t.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
    t.on('error', () => {
      // the alert is on its way: half-close, then drain the client until it closes or 3 s pass
      setImmediate(() => raw.end());
      raw.resume();
      setTimeout(() => raw.destroy(), 3000).unref();
    });
    t.on('end', () => raw.end());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { name, url: `https://${host}:${port}/`, close: () => new Promise<void>((r) => { for (const x of socks) x.destroy(); srv.close(() => r()); }) };
}

/**
 * A raw TCP server that misbehaves: garbage bytes, close after the ClientHello, reset, hang, close as soon
 * as the connection is accepted, or speak SSH (OpenSSH sends its banner first, then drops a client whose
 * identification string is not SSH).
 */
export async function serveRaw(name: string, host: string, mode: 'garbage' | 'close' | 'reset' | 'hang' | 'close-now' | 'ssh'): Promise<Endpoint> {
  const socks = new Set<import('node:net').Socket>();
  const srv: Server = createNet((s) => {
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
    if (mode === 'garbage') s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    else if (mode === 'close') s.once('data', () => s.end());
    else if (mode === 'reset') s.once('data', () => s.resetAndDestroy());
    else if (mode === 'close-now') s.end();
    else if (mode === 'ssh') {
      s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
      s.once('data', () => s.end('Invalid SSH identification string.\r\n'));
    }
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { name, url: `https://${host}:${port}/`, close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }) };
}

/** A plain HTTP server (Node's own, answering a TLS ClientHello the way HTTP servers do: 400 and close). */
export async function servePlainHttp(name: string, host: string): Promise<Endpoint> {
  const srv = createHttp((_q, res) => res.end('plain http'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { name, url: `https://${host}:${port}/`, close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))) };
}

export interface HttpRoute {
  status?: number;
  body?: Buffer | string;
  contentType?: string;
  /** Answer a redirect to this URL instead. */
  location?: string;
  /** Accept the request and never answer. */
  hang?: boolean;
}

/** A small HTTP server for AIA caIssuers URLs: fixed routes, and a count of requests per path. */
export async function serveFiles(routes: Record<string, HttpRoute>): Promise<{ port: number; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const srv = createHttp((q, res) => {
    const path = (q.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const r = routes[path];
    if (!r) return void res.writeHead(404).end('not found');
    if (r.hang) return;
    if (r.location) return void res.writeHead(r.status ?? 302, { Location: r.location }).end();
    res.writeHead(r.status ?? 200, { 'Content-Type': r.contentType ?? 'application/pkix-cert' }).end(r.body ?? '');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { port, hits, close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))) };
}

/** A "certs-only" PKCS#7 (what AIA URLs may serve, RFC 5280 4.2.2.1), made by openssl crl2pkcs7. */
export function certsOnlyPkcs7(dir: string, name: string, ders: Buffer[]): Buffer {
  const f = join(dir, `${name}.p7-in.pem`);
  writeFileSync(f, ders.map(pem).join(''));
  return execFileSync(findTool('openssl'), ['crl2pkcs7', '-nocrl', '-certfile', f, '-outform', 'DER']);
}

/** A port that refuses connections (bound then closed). */
export async function refusedPort(name: string, host: string): Promise<Endpoint> {
  const srv = createNet();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return { name, url: `https://${host}:${port}/`, close: () => {} };
}

/** openssl s_server speaking only TLS 1.0 (old Axis firmware), or with given extra args. */
export async function serveOpenssl(name: string, host: string, dir: string, leaf: { der: Buffer; key: KP }, args: string[]): Promise<Endpoint> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  writeFileSync(certFile, pem(leaf.der));
  writeFileSync(keyFile, leaf.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  const probe = createNet();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const p: ChildProcess = spawn(findTool('openssl'), ['s_server', '-quiet', '-accept', `127.0.0.1:${port}`, '-cert', certFile, '-key', keyFile, '-www', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  // wait until it listens
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = require_connect(port, r);
      void s;
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name, url: `https://${host}:${port}/`, close: () => void p.kill() };
}

import { connect } from 'node:net';
function require_connect(port: number, done: (ok: boolean) => void) {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => (s.destroy(), done(true)));
  s.once('error', () => done(false));
  return s;
}
