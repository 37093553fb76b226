// Chrome's checks on one certificate path, each fault tagged with the status Chrome maps it to.
// Status mapping follows net/cert/cert_verify_proc_builtin.cc (MapPathBuilderErrorsToCertStatus): path
// errors without a specific mapping become CERT_STATUS_INVALID only when nothing else was flagged.
import type { ParsedCert } from '../cert/describe.js';
import { checkNames, type ConstraintSet } from '../constraints/model.js';
import { parseCidr, ipInCidr, ipToBytes } from '../constraints/cidr.js';
import { dnsWithin } from '../constraints/dns.js';
import { EXT } from '../cert/oids.js';
import { namedIssuer, type CandidatePath } from './path.js';

/** Chrome's cert status bits that we model, most serious first (MapCertStatusToNetError's order). */
export const STATUS_ORDER = ['INVALID', 'AUTHORITY_INVALID', 'COMMON_NAME_INVALID', 'NAME_CONSTRAINT_VIOLATION', 'WEAK_SIGNATURE_ALGORITHM', 'WEAK_KEY', 'DATE_INVALID'] as const;
export type CertStatus = (typeof STATUS_ORDER)[number];

export type FaultId =
  | 'untrusted-self-signed'
  | 'untrusted-root'
  | 'missing-intermediate'
  | 'bad-signature'
  | 'issuer-name'
  | 'policy-constraints'
  | 'name-constraints'
  | 'not-a-ca'
  | 'path-length'
  | 'no-keycertsign'
  | 'eku'
  | 'unknown-critical-extension'
  | 'expired'
  | 'not-yet-valid'
  | 'sha1'
  | 'weak-key'
  | 'name-mismatch';

export interface Fault {
  id: FaultId;
  /** The status bit this maps to; 'path' means "INVALID unless another path status is set". */
  status: CertStatus | 'path';
  /** Index in the path (0 = leaf). */
  at: number;
  /** Extra words for the cause (a name, a date, a constraint). */
  detail?: string;
}

const KNOWN_EXTENSIONS = new Set<string>([...Object.values(EXT), '1.3.6.1.5.5.7.1.1', '2.5.29.31', '2.5.29.54', '2.5.29.33', '1.3.6.1.4.1.11129.2.4.2']);
const SHA1_ALGS = new Set(['sha1WithRSAEncryption', 'ecdsa-with-SHA1', 'dsa-with-sha1', 'md5WithRSAEncryption']);
const SERVER_AUTH_OK = (u: string[]) => u.includes('serverAuth') || u.includes('anyExtendedKeyUsage');

function sanNames(c: ParsedCert): { dns: string[]; ip: string[] } {
  return { dns: c.info.subjectAltName?.dns ?? [], ip: c.info.subjectAltName?.ip ?? [] };
}

/** Path-level checks (what the path builder and VerifyCertificateChain reject). */
export function pathFaults(p: CandidatePath, now: Date): Fault[] {
  const f: Fault[] = [];
  const { certs } = p;
  const last = certs.length - 1;
  const anchored = Boolean(p.anchor);
  if (!anchored) {
    const top = certs[last]!;
    f.push({ id: top.info.selfIssued ? (last === 0 ? 'untrusted-self-signed' : 'untrusted-root') : 'missing-intermediate', status: 'AUTHORITY_INVALID', at: last });
  }
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i]!;
    const isAnchor = anchored && i === last;
    const info = c.info;
    // each certificate names the next one as its issuer (a downloaded certificate need not)
    if (i < last && !namedIssuer(c, certs[i + 1]!)) f.push({ id: 'issuer-name', status: 'path', at: i });
    // signatures: each cert by the next one's key (the anchor's own self-signature is not checked)
    if (i < last) {
      let ok = false;
      try {
        ok = c.x509.verify(certs[i + 1]!.x509.publicKey);
      } catch {
        ok = false;
      }
      if (!ok) f.push({ id: 'bad-signature', status: 'AUTHORITY_INVALID', at: i });
    }
    // validity of every certificate, the anchor included
    if (now < new Date(info.notBefore)) f.push({ id: 'not-yet-valid', status: 'DATE_INVALID', at: i, detail: info.notBefore });
    if (now > new Date(info.notAfter)) f.push({ id: 'expired', status: 'DATE_INVALID', at: i, detail: info.notAfter });
    // SHA-1/MD5 signatures: Chrome's path builder refuses them outright (kUnacceptableSignatureAlgorithm
    // → CERT_STATUS_INVALID, measured on Chromium 156), so they outrank every other fault.
    if (!isAnchor && SHA1_ALGS.has(info.signatureAlgorithm)) f.push({ id: 'sha1', status: 'INVALID', at: i, detail: info.signatureAlgorithm });
    // unknown critical extensions
    for (const e of info.otherExtensions) if (e.critical && !KNOWN_EXTENSIONS.has(e.oid)) f.push({ id: 'unknown-critical-extension', status: 'path', at: i, detail: e.oid });
    if (i > 0) {
      // CA certificates (intermediates, and the anchor's constraints when it has them)
      const bc = info.basicConstraints;
      if (!bc ? !isAnchor : !bc.ca) f.push({ id: 'not-a-ca', status: 'path', at: i });
      if (bc?.pathLen !== undefined && i - 1 > bc.pathLen) f.push({ id: 'path-length', status: 'path', at: i, detail: String(bc.pathLen) });
      if (info.keyUsage && !info.keyUsage.usages.includes('keyCertSign')) f.push({ id: 'no-keycertsign', status: 'path', at: i });
      if (info.extKeyUsage && !SERVER_AUTH_OK(info.extKeyUsage.usages)) f.push({ id: 'eku', status: 'path', at: i });
      // name constraints of this CA apply to every certificate below it
      const nc = info.nameConstraints;
      if (nc) {
        const set: ConstraintSet = { permitted: nc.permitted, excluded: nc.excluded };
        for (let j = 0; j < i; j++) {
          const v = checkNames(set, sanNames(certs[j]!));
          if (v.length) f.push({ id: 'name-constraints', status: 'path', at: i, detail: `${v[0]!.name} (${v[0]!.reason === 'excluded' ? 'excluded' : 'not permitted'})` });
        }
      }
    } else if (info.extKeyUsage && !SERVER_AUTH_OK(info.extKeyUsage.usages)) {
      f.push({ id: 'eku', status: 'path', at: 0, detail: info.extKeyUsage.usages.join(', ') });
    }
    // Keys the path builder refuses (RSA < 1024, DSA): kUnacceptablePublicKey, which Chrome maps to
    // CERT_STATUS_WEAK_KEY, not INVALID (measured on Chromium 156 with RSA 512 and 768 leaves).
    const k = info.publicKey;
    if (k.type === 'RSA' && (k.bits ?? 0) < 1024) f.push({ id: 'weak-key', status: 'WEAK_KEY', at: i, detail: `RSA ${k.bits} bits` });
    if (k.type === 'DSA') f.push({ id: 'weak-key', status: 'WEAK_KEY', at: i, detail: 'DSA' });
  }
  // constraints Chrome's policy adds to the anchor (CACertificatesWithConstraints), checked on the leaf
  const pc = p.anchor?.anchor.policyConstraints;
  if (pc) {
    const leaf = sanNames(certs[0]!);
    const dnsBad = pc.permittedDnsNames ? leaf.dns.find((d) => !pc.permittedDnsNames!.some((b) => dnsWithin(d, b))) : undefined;
    const ipBad = pc.permittedCidrs
      ? leaf.ip.find((ip) => {
          const b = ipToBytes(ip);
          return !b || !pc.permittedCidrs!.some((c) => ipInCidr(b, parseCidr(c)));
        })
      : undefined;
    const bad = dnsBad ?? ipBad;
    if (bad !== undefined) f.push({ id: 'policy-constraints', status: 'path', at: last, detail: bad }); // CERT_STATUS_INVALID, as measured
  }
  return f;
}

/** Checks Chrome makes on the verified chain after path building (CertVerifyProc::Verify). */
export function outerFaults(p: CandidatePath, host: string, match: { ok: boolean; why?: string }): Fault[] {
  const f: Fault[] = [];
  if (!match.ok) f.push({ id: 'name-mismatch', status: 'COMMON_NAME_INVALID', at: 0, detail: `${host}${match.why ? ` (${match.why})` : ''}` });
  return f;
}

/**
 * The set of status bits Chrome ends up with for these faults. A path that reaches no trusted root is
 * never verified (path_builder.cc): its only path error is "no issuer found", AUTHORITY_INVALID; the
 * other faults found on it are for the helpdesk, not for Chrome's verdict.
 */
export function statusOf(path: Fault[], outer: Fault[], anchored = true): Set<CertStatus> {
  const s = new Set<CertStatus>();
  if (!anchored) s.add('AUTHORITY_INVALID');
  else for (const f of path) if (f.status !== 'path') s.add(f.status);
  if (anchored && path.length && s.size === 0) s.add('INVALID');
  for (const f of outer) if (f.status !== 'path') s.add(f.status);
  return s;
}

export function topStatus(s: Set<CertStatus>): CertStatus | undefined {
  return STATUS_ORDER.find((x) => s.has(x));
}
