// A corpus of TLS endpoints on 127.0.0.1 (and ::1 for IPv6 hosts), one per Chrome rule, built at test time (no committed keys).
// The expected verdict of each is asked of real Chromium by the tests; nothing here says what it is.
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet, type AddressInfo, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x from '../../src/main/ca/x509.js';
import { buildConstraints, type ConstraintInput } from '../../src/main/constraints/model.js';
import { findTool } from '../helpers/oracles.js';

const DAY = 86_400_000;
type KP = { publicKey: KeyObject; privateKey: KeyObject };
const kpCache = new Map<string, KP>();
export function kp(kind: 'ec' | 'rsa2048' | 'rsa1024' | 'rsa768' | 'rsa512' = 'ec', slot = ''): KP {
  const k = `${kind}${slot}`;
  let v = kpCache.get(k);
  if (!v) {
    v = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: Number(kind.slice(3)) });
    kpCache.set(k, v);
  }
  return v;
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
}

export function makeCa(s: CaSpec): Issuer {
  const key = s.key ?? kp('ec', s.name);
  const name: [string, string][] = [['O', 'Corpus'], ['CN', s.name]];
  const ext: x.Extension[] = [];
  if (s.ca !== null) ext.push(x.basicConstraints(s.ca ?? true, s.pathLen));
  if (s.keyUsage !== null) ext.push(x.keyUsage(s.keyUsage ?? ['keyCertSign', 'cRLSign']));
  if (s.eku) ext.push(x.extKeyUsage(s.eku));
  ext.push(x.subjectKeyIdentifier(key.publicKey));
  if (s.parent) ext.push(x.authorityKeyIdentifier(s.parent.key.publicKey));
  if (s.constraints) ext.push(x.nameConstraints(buildConstraints(s.constraints)));
  ext.push(...(s.extra ?? []));
  const der = x.buildCertificate({
    subject: name,
    issuer: s.parent?.name ?? name,
    notBefore: s.notBefore ?? new Date(Date.now() - 10 * DAY),
    notAfter: s.notAfter ?? new Date(Date.now() + 3650 * DAY),
    publicKey: key.publicKey,
    signingKey: (s.parent?.key ?? key).privateKey,
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
}

export function makeLeaf(s: LeafSpec): { der: Buffer; pem: string; key: KP } {
  const key = s.key ?? kp('ec', 'leaf');
  const subject: [string, string][] = [['CN', s.cn ?? s.dns?.[0] ?? s.ip?.[0] ?? 'leaf']];
  const ext: x.Extension[] = [x.basicConstraints(false)];
  if (s.keyUsage !== null) ext.push(x.keyUsage(s.keyUsage ?? ['digitalSignature', ...(key.publicKey.asymmetricKeyType === 'rsa' ? ['keyEncipherment'] : [])]));
  if (s.eku !== null) ext.push(x.extKeyUsage(s.eku ?? ['serverAuth']));
  if (!s.noSan) ext.push(x.subjectAltName({ ...(s.dns ? { dns: s.dns } : {}), ...(s.ip ? { ip: s.ip } : {}) }));
  if (s.issuer) ext.push(x.authorityKeyIdentifier(s.issuer.key.publicKey));
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

const pem = (d: Buffer) => new X509Certificate(d).toString();

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

/** A raw TCP server that misbehaves: garbage bytes, immediate close, or reset. */
export async function serveRaw(name: string, host: string, mode: 'garbage' | 'close' | 'reset' | 'hang'): Promise<Endpoint> {
  const socks = new Set<import('node:net').Socket>();
  const srv: Server = createNet((s) => {
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
    if (mode === 'garbage') s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    else if (mode === 'close') s.once('data', () => s.end());
    else if (mode === 'reset') s.once('data', () => s.resetAndDestroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { name, url: `https://${host}:${port}/`, close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }) };
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
