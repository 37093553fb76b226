// The verdict Chrome would give for the certificates a camera sent, for a host, under some anchors.
import type { ParsedCert } from '../cert/describe.js';
import { matchHost, type HostMatch } from './hostname.js';
import type { NetError } from './net-errors.js';
import { buildPath, type AiaAttempt, type AnchorCert, type CandidatePath, type IssuerFetcher } from './path.js';
import { outerFaults, pathFaults, statusOf, topStatus, type CertStatus, type Fault } from './rules.js';

export interface CertVerdict {
  error: NetError;
  /** The fault Chrome reports, then the others (most serious first). */
  faults: Fault[];
  /** The path Chrome would have picked (leaf first, anchor last when found). */
  path: CandidatePath;
  host: HostMatch;
  /** AIA caIssuers downloads Chrome would make, in order. */
  aia: AiaAttempt[];
}

const STATUS_TO_ERROR: Record<CertStatus, NetError> = {
  INVALID: 'ERR_CERT_INVALID',
  AUTHORITY_INVALID: 'ERR_CERT_AUTHORITY_INVALID',
  COMMON_NAME_INVALID: 'ERR_CERT_COMMON_NAME_INVALID',
  NAME_CONSTRAINT_VIOLATION: 'ERR_CERT_NAME_CONSTRAINT_VIOLATION',
  WEAK_SIGNATURE_ALGORITHM: 'ERR_CERT_WEAK_SIGNATURE_ALGORITHM',
  WEAK_KEY: 'ERR_CERT_WEAK_KEY',
  DATE_INVALID: 'ERR_CERT_DATE_INVALID',
};

const RANK: Record<string, number> = { INVALID: 0, AUTHORITY_INVALID: 1, COMMON_NAME_INVALID: 2, NAME_CONSTRAINT_VIOLATION: 3, WEAK_SIGNATURE_ALGORITHM: 4, WEAK_KEY: 5, DATE_INVALID: 6, path: 0 };

export interface VerifyOptions {
  now?: Date;
  /** Downloads AIA caIssuers URLs; without it nothing is fetched. */
  fetch?: IssuerFetcher;
  /** Give up path building at this time (epoch ms). */
  deadline?: number;
}

/**
 * Chrome's verdict. `leaf` and `intermediates` are what the server sent (intermediates in any order,
 * the ones Chrome can't read already left out).
 */
export async function verifyChain(leaf: ParsedCert, intermediates: ParsedCert[], anchors: AnchorCert[], host: string, opts: VerifyOptions = {}): Promise<CertVerdict> {
  const now = opts.now ?? new Date();
  const built = await buildPath(leaf, intermediates, anchors, {
    check: (p) => ({ valid: pathFaults(p, now).length === 0 }),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
  });
  const path = built.path;
  const pf = pathFaults(path, now);
  const host_ = matchHost(host, leaf.info.subjectAltName);
  const of = outerFaults(path, host, host_);
  const status = statusOf(pf, of, Boolean(path.anchor));
  const top = topStatus(status);
  const all = [...pf, ...of];
  // the reported fault first: one whose status is the top one (path faults stand for INVALID)
  const rank = (f: Fault) => (f.status === top || (top === 'INVALID' && f.status === 'path') ? -1 : RANK[f.status]!);
  all.sort((a, b) => rank(a) - rank(b));
  return { error: top ? STATUS_TO_ERROR[top] : 'OK', faults: all, path, host: host_, aia: built.aia };
}
