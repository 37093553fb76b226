// One URL, start to end: address, handshake (Chrome-like, then legacy on a version/cipher failure),
// Chrome's verdict with cause and fix, findings, and the first frame when asked. One deadline covers it
// all: name lookup, handshake, AIA downloads and the frame.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { explainConnection, unusableKey } from '../verify/explain.js';
import type { AnchorCert } from '../verify/path.js';
import { readAsVerifier } from '../verify/parse.js';
import type { AiaFetcher } from './aia.js';
import { fetchFirstFrame } from './frame.js';
import { chainCert, judgeCertificates, verdict } from './judge.js';
import { addressOf, parseTarget } from './target.js';
import { handshake } from './tls.js';
import type { TestOptions, TestResult } from './types.js';
import { writeFileAtomic } from '../fsutil.js';
import type { PublicKeyInfo } from '../cert/describe.js';

export interface RunContext {
  anchors: AnchorCert[];
  resolve: Map<string, string>;
  opts: TestOptions;
  aia: AiaFetcher;
}

function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 100);
}

export async function probeOne(url: string, ctx: RunContext): Promise<TestResult> {
  const t0 = Date.now();
  const { opts } = ctx;
  const timeout = opts.timeoutMs ?? 5000;
  const deadline = t0 + timeout;
  const now = opts.now ?? new Date();
  const t = parseTarget(url);
  const base = (host: string, port: number): TestResult => ({ url, host, port, chrome: verdict('OK', 'ok', '', ''), tls: { port }, chain: [], findings: [], stream: { fetched: false }, ms: 0 });
  if ('error' in t) {
    const r = base('', 0);
    r.chrome = verdict('ERR_INVALID_URL', 'ERR_INVALID_URL', t.error, 'write it like https://192.168.1.50/ or https://cam1.example.com/axis-cgi/mjpg/video.cgi');
    r.ms = Date.now() - t0;
    return r;
  }
  const r = base(t.host, t.port);
  const finish = () => ((r.ms = Date.now() - t0), r);
  const address = await addressOf(t, ctx.resolve, deadline);
  if (!address) {
    const w = explainConnection('ERR_NAME_NOT_RESOLVED', t.host, t.port, undefined);
    r.chrome = verdict('ERR_NAME_NOT_RESOLVED', 'ERR_NAME_NOT_RESOLVED', w.cause, w.fix);
    return finish();
  }
  r.tls.address = address;
  const servername = t.isIp ? undefined : t.host;
  if (servername) r.tls.sni = servername;
  if (t.scheme === 'http') {
    r.chrome = verdict('OK', 'plain-http', 'plain http: no certificate involved (but an https page may not embed it: mixed content)', 'use https:// for cameras embedded in intranet pages');
    return finish();
  }
  const target = { address, port: t.port, host: t.host, path: t.path, ...(servername ? { servername } : {}) };
  const hs = await handshake(target, deadline);
  if (hs.connectMs !== undefined) r.tls.connectMs = hs.connectMs;
  // a handshake refused for want of a client certificate still showed the certificates: judge them first
  const refusedClient = hs.clientAuth === 'required' && hs.certs.length > 0;
  if (!hs.ok && !refusedClient) {
    let legacy: { protocol: string; cipher: string; key?: PublicKeyInfo } | undefined;
    if (hs.error === 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH' && Date.now() < deadline) {
      const old = await handshake(target, deadline, true);
      if (old.ok && old.protocol && old.cipher) {
        r.chain = old.certs.flatMap((d, i) => {
          const c = readAsVerifier(d);
          return c.ok ? [chainCert(c.cert, i, i === 0 ? 'leaf' : 'intermediate', false)] : [];
        });
        const leaf = old.certs[0] ? readAsVerifier(old.certs[0]) : undefined;
        legacy = { protocol: old.protocol, cipher: old.cipher, ...(leaf?.ok ? { key: leaf.cert.info.publicKey } : {}) };
        r.tls.legacyOnly = { protocol: old.protocol, cipher: old.cipher };
      }
    }
    const w = explainConnection(hs.error!, t.host, t.port, hs.detail, { ...(legacy ? { legacy } : {}), ...(hs.firstBytes ? { firstBytes: hs.firstBytes } : {}) });
    const reason = hs.firstBytes?.subarray(0, 4).toString('latin1') === 'SSH-' ? 'speaks-ssh' : hs.firstBytes?.subarray(0, 5).toString('latin1') === 'HTTP/' ? 'speaks-http' : legacy ? (/^TLSv1(\.1)?$/.test(legacy.protocol) ? 'old-tls' : legacy.key && unusableKey(legacy.key) ? 'unusable-key' : 'old-cipher') : hs.error!;
    r.chrome = verdict(hs.error!, reason, w.cause, w.fix);
    return finish();
  }
  r.tls = { ...r.tls, ...(hs.protocol ? { protocol: hs.protocol } : {}), ...(hs.cipher ? { cipher: hs.cipher } : {}), ...(hs.kx ? { kx: hs.kx } : {}), ...(hs.handshakeMs !== undefined ? { handshakeMs: hs.handshakeMs } : {}), ...(hs.clientAuth ? { clientAuth: hs.clientAuth } : {}) };
  const j = await judgeCertificates(hs.certs, t.host, r.tls, { anchors: ctx.anchors, aia: ctx.aia, now, deadline });
  r.chrome = j.chrome;
  r.chain = j.chain;
  r.findings = j.findings;
  if (j.aia) r.aia = j.aia;
  // Chrome verifies the server's certificate before it answers the CertificateRequest: a bad certificate
  // is reported as such, a good one then fails for want of a client certificate (measured, TLS 1.2 and 1.3)
  if (refusedClient && j.chrome.error === 'net::OK') {
    const w = explainConnection('ERR_BAD_SSL_CLIENT_AUTH_CERT', t.host, t.port, hs.detail);
    r.chrome = verdict('ERR_BAD_SSL_CLIENT_AUTH_CERT', 'client-auth', w.cause, w.fix);
    return finish();
  }
  if (opts.frame && r.chrome.error === 'net::OK') {
    const { frame, ...stream } = await fetchFirstFrame({ scheme: 'https', host: t.host, address, port: t.port, path: t.path, ...(servername ? { servername } : {}), ...(opts.user !== undefined ? { user: opts.user, password: opts.password ?? '' } : {}), deadline });
    r.stream = stream;
    if (frame) {
      if (opts.keepFrame) r.stream.frameBase64 = frame.toString('base64');
      if (opts.frameDir) {
        await mkdir(opts.frameDir, { recursive: true });
        const file = join(opts.frameDir, `${safeName(`${t.host}_${t.port}`)}.jpg`);
        await writeFileAtomic(file, frame);
        r.stream.savedTo = file;
      }
    }
  }
  return finish();
}
