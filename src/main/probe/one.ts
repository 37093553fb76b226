// One URL, start to end: address, handshake (Chrome-like, then legacy on a version/cipher failure),
// Chrome's verdict with cause and fix, findings, and the first frame when asked.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, keyWords, type ParsedCert } from '../cert/describe.js';
import { toPem } from '../cert/read.js';
import { explainConnection, explainVerdict, labelOf } from '../verify/explain.js';
import { NET_ERRORS, netString, type NetError } from '../verify/net-errors.js';
import type { AnchorCert } from '../verify/path.js';
import { verifyChain } from '../verify/verdict.js';
import { findingsFor } from './findings.js';
import { fetchFirstFrame } from './frame.js';
import { addressOf, parseTarget } from './target.js';
import { handshake } from './tls.js';
import type { ChainCert, TestOptions, TestResult } from './types.js';
import { writeFileAtomic } from '../fsutil.js';

export interface RunContext {
  anchors: AnchorCert[];
  resolve: Map<string, string>;
  opts: TestOptions;
}

function verdict(error: NetError, cause: string, fix: string, also?: { error: string; cause: string }[]): TestResult['chrome'] {
  return { error: netString(error), code: NET_ERRORS[error], cause, fix, ...(also?.length ? { alsoWrong: also } : {}) };
}

function chainCert(c: ParsedCert, index: number | undefined, role: ChainCert['role'], trusted: boolean): ChainCert {
  const san = c.info.subjectAltName;
  return {
    ...(index !== undefined ? { index } : {}),
    role,
    subject: c.info.subject,
    issuer: c.info.issuer,
    san: san ? [...san.dns, ...san.ip.map((i) => `IP ${i}`)] : [],
    notBefore: c.info.notBefore,
    notAfter: c.info.notAfter,
    key: keyWords(c.info),
    signatureAlgorithm: c.info.signatureAlgorithm,
    sha256: c.info.sha256,
    trusted,
    pem: toPem(c.der),
  };
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
  const base = (host: string, port: number): TestResult => ({ url, host, port, chrome: verdict('OK', '', ''), tls: { port }, chain: [], findings: [], stream: { fetched: false }, ms: 0 });
  if ('error' in t) {
    const r = base('', 0);
    r.chrome = verdict('ERR_INVALID_URL', t.error, 'write it like https://192.168.1.50/ or https://cam1.example.com/axis-cgi/mjpg/video.cgi');
    r.ms = Date.now() - t0;
    return r;
  }
  const r = base(t.host, t.port);
  const finish = () => ((r.ms = Date.now() - t0), r);
  const address = await addressOf(t, ctx.resolve, deadline);
  if (!address) {
    const w = explainConnection('ERR_NAME_NOT_RESOLVED', t.host, t.port, undefined);
    r.chrome = verdict('ERR_NAME_NOT_RESOLVED', w.cause, w.fix);
    return finish();
  }
  r.tls.address = address;
  const servername = t.isIp ? undefined : t.host;
  if (servername) r.tls.sni = servername;
  if (t.scheme === 'http') {
    r.chrome = verdict('OK', 'plain http: no certificate involved (but an https page may not embed it: mixed content)', 'use https:// for cameras embedded in intranet pages');
    return finish();
  }
  const hs = await handshake({ address, port: t.port, ...(servername ? { servername } : {}) }, deadline);
  if (hs.connectMs !== undefined) r.tls.connectMs = hs.connectMs;
  if (!hs.ok) {
    let legacy: { protocol: string; cipher: string } | undefined;
    if (hs.error === 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH' && Date.now() < deadline) {
      const old = await handshake({ address, port: t.port, ...(servername ? { servername } : {}) }, deadline, true);
      if (old.ok && old.protocol && old.cipher) {
        legacy = { protocol: old.protocol, cipher: old.cipher };
        r.tls.legacyOnly = legacy;
        r.chain = old.certs.flatMap((d, i) => {
          try {
            return [chainCert(describe(d), i, i === 0 ? 'leaf' : 'intermediate', false)];
          } catch {
            return [];
          }
        });
      }
    }
    const w = explainConnection(hs.error!, t.host, t.port, hs.detail, legacy);
    r.chrome = verdict(hs.error!, w.cause, w.fix);
    return finish();
  }
  r.tls = { ...r.tls, ...(hs.protocol ? { protocol: hs.protocol } : {}), ...(hs.cipher ? { cipher: hs.cipher } : {}), ...(hs.kx ? { kx: hs.kx } : {}), ...(hs.handshakeMs !== undefined ? { handshakeMs: hs.handshakeMs } : {}) };
  let sent: ParsedCert[];
  try {
    sent = hs.certs.map((d) => describe(d));
  } catch {
    r.chrome = verdict('ERR_CERT_INVALID', 'the camera sent a certificate that cannot be parsed', 'make a new certificate for the camera (lantrust ca issue) and upload it');
    return finish();
  }
  if (!sent.length) {
    r.chrome = verdict('ERR_SSL_PROTOCOL_ERROR', 'the camera sent no certificate', 'configure an HTTPS certificate on the camera');
    return finish();
  }
  const label = labelOf(sent[0], t.host);
  const v = verifyChain(sent, ctx.anchors, t.host, now);
  const anchorSha = v.path.anchor?.cert.info.sha256;
  const trustedSet = new Set(ctx.anchors.map((a) => a.cert.info.sha256));
  r.chain = sent.map((c, i) => chainCert(c, i, i === 0 ? 'leaf' : c.info.selfIssued ? 'root' : 'intermediate', trustedSet.has(c.info.sha256)));
  if (v.path.anchor && !sent.some((c) => c.info.sha256 === anchorSha)) r.chain.push(chainCert(v.path.anchor.cert, undefined, 'anchor', true));
  r.findings = findingsFor(sent, label, hs, now, ctx.anchors.length > 0);
  // BoringSSL checks the RSA leaf's keyUsage against the key exchange while reading the certificate.
  const leaf = sent[0]!.info;
  const ku = leaf.keyUsage?.usages;
  if (leaf.publicKey.type === 'RSA' && ku && (hs.kx === 'RSA' ? !ku.includes('keyEncipherment') : !ku.includes('digitalSignature'))) {
    const w = explainConnection('ERR_SSL_KEY_USAGE_INCOMPATIBLE', t.host, t.port, undefined);
    r.chrome = verdict('ERR_SSL_KEY_USAGE_INCOMPATIBLE', w.cause, w.fix);
    return finish();
  }
  const words = explainVerdict(v, t.host, label, ctx.anchors.length);
  r.chrome = verdict(v.error, words.cause, words.fix, words.also);
  if (opts.frame && v.error === 'OK') {
    const { frame, ...stream } = await fetchFirstFrame({ scheme: 'https', host: t.host, address, port: t.port, path: t.path, ...(servername ? { servername } : {}), ...(opts.user !== undefined ? { user: opts.user, password: opts.password ?? '' } : {}), deadline: Date.now() + timeout });
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
