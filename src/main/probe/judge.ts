// Chrome's verdict on the certificates a camera sent, in the order Chrome looks at them: what its TLS code
// reads during the handshake (DER up to the key, then keyUsage against the key exchange), whether
// X509Certificate can read the leaf, whether the verifier can (intermediates it can't read are left out),
// then the path and its rules. The camera's certificates are judged once per probe, and again without a
// new connection when the app asks "and once the company root is installed?".
import type { ParsedCert } from '../cert/describe.js';
import { certificateLayout, keyWords } from '../cert/describe.js';
import { toPem } from '../cert/read.js';
import { explainConnection, explainUnreadable, explainVerdict, labelOf } from '../verify/explain.js';
import { NET_ERRORS, netString, type NetError } from '../verify/net-errors.js';
import type { AnchorCert } from '../verify/path.js';
import { readAsVerifier } from '../verify/parse.js';
import { keyUsageHas, readLeafAsTls } from '../verify/tls-layer.js';
import { verifyChain } from '../verify/verdict.js';
import type { AiaFetcher } from './aia.js';
import { findingsFor } from './findings.js';
import type { AiaInfo, ChainCert, ChromeVerdict, Finding } from './types.js';
import { sha256Fingerprint } from '../cert/describe.js';

export function verdict(error: NetError, reason: string, cause: string, fix: string, also?: { error: string; cause: string }[]): ChromeVerdict {
  return { error: netString(error), code: NET_ERRORS[error], reason, cause, fix, ...(also?.length ? { alsoWrong: also } : {}) };
}

export function chainCert(c: ParsedCert, index: number | undefined, role: ChainCert['role'], trusted: boolean): ChainCert {
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

/** A sent certificate nobody can describe: what is known of it, and why Chrome can't read it. */
function unreadableCert(der: Buffer, index: number, why: string): ChainCert {
  return { index, role: index === 0 ? 'leaf' : 'intermediate', subject: '(unreadable)', issuer: '', san: [], notBefore: '', notAfter: '', key: '', signatureAlgorithm: '', sha256: sha256Fingerprint(der), trusted: false, pem: toPem(der), unreadable: why };
}

export interface Judgement {
  chrome: ChromeVerdict;
  chain: ChainCert[];
  findings: Finding[];
  aia?: AiaInfo[];
}

export interface JudgeContext {
  anchors: AnchorCert[];
  aia: AiaFetcher;
  now: Date;
  /** The camera's time budget ends here (AIA downloads included). */
  deadline: number;
}

/**
 * Judges `certs` (DER, as sent, leaf first) for `host`. `tls` is what the handshake negotiated (the key
 * exchange decides which keyUsage bit Chrome wants).
 */
export async function judgeCertificates(certs: Buffer[], host: string, tls: { protocol?: string; kx?: string }, ctx: JudgeContext): Promise<Judgement> {
  const leafDer = certs[0];
  if (!leafDer) return { chrome: verdict('ERR_SSL_PROTOCOL_ERROR', 'no-certificate', 'the camera sent no certificate', 'configure an HTTPS certificate on the camera'), chain: [], findings: [] };
  const label0 = labelOf(undefined, host);
  const unreadable = (error: NetError, reason: string, why: string): Judgement => {
    const w = explainUnreadable(error, why, label0);
    return { chrome: verdict(error, reason, w.cause, w.fix), chain: certs.map((d, i) => described(d, i)), findings: [] };
  };
  const described = (d: Buffer, i: number): ChainCert => {
    const r = readAsVerifier(d);
    return r.ok ? chainCert(r.cert, i, i === 0 ? 'leaf' : r.cert.info.selfIssued ? 'root' : 'intermediate', false) : unreadableCert(d, i, r.why);
  };
  // 1. Chrome's TLS code, during the handshake
  let keyUsage: Buffer | undefined;
  try {
    keyUsage = readLeafAsTls(leafDer).keyUsage;
  } catch (e) {
    return unreadable('ERR_SSL_PROTOCOL_ERROR', 'not-der', (e as Error).message);
  }
  const rsaKx = tls.kx === 'RSA';
  if (keyUsage && !keyUsageHas(keyUsage, rsaKx ? 2 : 0)) {
    const w = explainConnection('ERR_SSL_KEY_USAGE_INCOMPATIBLE', host, 0, undefined, { rsaKeyExchange: rsaKx });
    return { chrome: verdict('ERR_SSL_KEY_USAGE_INCOMPATIBLE', 'key-usage', w.cause, w.fix), chain: certs.map((d, i) => described(d, i)), findings: [] };
  }
  // 2. X509Certificate: the leaf's structure, names and dates
  try {
    certificateLayout(leafDer);
  } catch (e) {
    return unreadable('ERR_SSL_SERVER_CERT_BAD_FORMAT', 'not-der', (e as Error).message);
  }
  // 3. the verifier
  const leafRead = readAsVerifier(leafDer);
  if (!leafRead.ok) return unreadable('ERR_CERT_INVALID', 'not-der', leafRead.why);
  const leaf = leafRead.cert;
  const label = labelOf(leaf, host);
  const sent: ParsedCert[] = [];
  const chain: ChainCert[] = [];
  const trustedSet = new Set(ctx.anchors.map((a) => a.cert.info.sha256));
  const unreadables: string[] = [];
  certs.forEach((d, i) => {
    if (i === 0) return void chain.push(chainCert(leaf, 0, 'leaf', trustedSet.has(leaf.info.sha256)));
    const r = readAsVerifier(d);
    if (r.ok) {
      sent.push(r.cert);
      chain.push(chainCert(r.cert, i, r.cert.info.selfIssued ? 'root' : 'intermediate', trustedSet.has(r.cert.info.sha256)));
    } else {
      chain.push(unreadableCert(d, i, r.why));
      unreadables.push(r.why);
    }
  });
  const v = await verifyChain(leaf, sent, ctx.anchors, host, {
    now: ctx.now,
    deadline: ctx.deadline,
    fetch: async (url) => ctx.aia.fetch(url, ctx.deadline),
  });
  const sentSha = new Set([leaf, ...sent].map((c) => c.info.sha256));
  for (const c of v.path.certs.slice(1)) {
    if (sentSha.has(c.info.sha256)) continue;
    const url = v.path.fetched?.get(c);
    if (url) chain.push({ ...chainCert(c, undefined, 'intermediate', trustedSet.has(c.info.sha256)), fetchedFrom: url });
    else if (c === v.path.anchor?.cert) chain.push(chainCert(c, undefined, 'anchor', true));
  }
  const findings = findingsFor([leaf, ...sent], label, tls, ctx.now, ctx.anchors.length > 0);
  for (const [c, url] of v.path.fetched ?? []) {
    findings.push({
      id: 'aia-fetched',
      severity: 'warning',
      message: `the camera doesn't send its intermediate "${c.info.commonName ?? c.info.subject}"; Chrome downloads it from ${url} (the certificate's AIA), an extra request on each PC that fails where that address can't be reached`,
      fix: `serve the full chain: upload ${label}.chain.pem (certificate plus intermediate) to the camera`,
    });
  }
  for (const why of unreadables) {
    findings.push({ id: 'unreadable-intermediate', severity: 'warning', message: `the camera sends a certificate Chrome can't read (${why}); Chrome leaves it out of the chain`, fix: `upload ${label}.chain.pem, made by lantrust ca issue, to the camera` });
  }
  const unused = sent.filter((c) => !v.path.certs.includes(c) && !c.info.selfIssued);
  if (v.error === 'OK' && unused.length) {
    findings.push({ id: 'unused-certificates', severity: 'info', message: `the camera sends ${unused.length} certificate(s) the chain doesn't need (${unused.map((c) => `"${c.info.commonName ?? c.info.subject}"`).join(', ')}); Chrome ignores them`, fix: `harmless; upload ${label}.chain.pem to send only what is needed` });
  }
  const words = explainVerdict(v, host, label, ctx.anchors.length);
  const aia = v.aia.length ? { aia: v.aia.map((a) => ({ ...a })) } : {};
  // with no anchors at all, an unknown issuer means this PC lacks the company root: one group for all of them
  const first = v.faults[0]?.id;
  const reason = v.error === 'OK' ? 'ok' : !ctx.anchors.length && (first === 'missing-intermediate' || first === 'untrusted-root') ? 'root-not-installed' : first!;
  return { chrome: verdict(v.error, reason, words.cause, words.fix, words.also), chain, findings, ...aia };
}
