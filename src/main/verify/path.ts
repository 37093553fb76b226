// Path building the way Chrome's verifier (BoringSSL pki, path_builder.cc) does it: depth first from the
// leaf; a certificate's candidate issuers are the trusted roots and the certificates the server sent
// (in any order, extras ignored) whose subject is its issuer name, tried trusted-and-key-id-match first,
// then the other key-id matches, non-self-issued before self-issued, newer before older. Only when those
// are exhausted are the certificate's AIA caIssuers URLs fetched. The first path that verifies wins;
// with none, the path Chrome reports is the first one tried, or the first that reached a trusted root.
import type { ParsedCert } from '../cert/describe.js';
import { rawParts } from '../cert/describe.js';
import { normalizedName } from '../cert/name.js';
import type { TrustAnchor } from '../probe/types.js';

export interface AnchorCert {
  cert: ParsedCert;
  anchor: TrustAnchor;
}

export interface CandidatePath {
  /** Leaf first; the last one is the anchor when `anchor` is set. */
  certs: ParsedCert[];
  anchor?: AnchorCert;
  /** When the path stops short of an anchor: the last cert's issuer could not be found. */
  issuerMissing: boolean;
  /** Certificates of this path that Chrome downloads (AIA caIssuers), with the URL. */
  fetched?: Map<ParsedCert, string>;
}

/** One AIA caIssuers download: where, for which certificate, and what came of it. */
export interface AiaAttempt {
  url: string;
  /** Subject of the certificate whose issuer was sought. */
  for: string;
  /** Certificates it delivered (parsed). */
  certs: number;
  error?: string;
}

/** Fetches caIssuers URLs (http only, capped, cached per run); never throws. */
export type IssuerFetcher = (url: string) => Promise<{ certs: ParsedCert[]; error?: string }>;

/** Chrome fetches at most this many caIssuers URLs per certificate (cert_issuer_source_aia.cc). */
export const MAX_AIA_PER_CERT = 5;
const ITERATION_LIMIT = 10_000;

interface Names {
  subject: string;
  issuer: string;
  loopKey: string;
}

const namesCache = new WeakMap<ParsedCert, Names>();
function names(c: ParsedCert): Names {
  let n = namesCache.get(c);
  if (!n) {
    const r = rawParts(c.der);
    const san = r.extensions.find((e) => e.oid === '2.5.29.17')?.value.toString('hex') ?? '';
    const subject = normalizedName(r.subjectDer);
    n = { subject, issuer: normalizedName(r.issuerDer), loopKey: `${subject}|${san}|${r.spkiDer.toString('hex')}` };
    namesCache.set(c, n);
  }
  return n;
}

/** Is `issuer` named as the issuer of `c` (Chrome compares normalised names)? */
export function namedIssuer(c: ParsedCert, issuer: ParsedCert): boolean {
  return names(c).issuer === names(issuer).subject;
}

interface Entry {
  cert: ParsedCert;
  anchor?: AnchorCert;
  fetchedFrom?: string;
  order: number;
}

/** Lower is tried first (path_builder.cc TrustAndKeyIdentifierMatchToOrder). */
function trustOrder(target: ParsedCert, issuer: ParsedCert, trusted: boolean): number {
  const aki = target.info.authorityKeyId;
  const ski = issuer.info.subjectKeyId;
  const match = aki === undefined || ski === undefined ? 'none' : aki === ski ? 'match' : 'mismatch';
  if (trusted) return match === 'match' ? 0 : match === 'none' ? 1 : 4;
  return match === 'match' ? 2 : match === 'none' ? 3 : 5;
}

class IssuerIter {
  entries: Entry[] = [];
  cur = 0;
  skipped = 0;
  private seen = new Set<string>();
  private started = false;
  private aiaIndex = 0;
  private aiaUrls: string[];
  constructor(
    readonly cert: ParsedCert,
    private sources: { anchors: AnchorCert[]; pool: ParsedCert[]; fetch?: IssuerFetcher; attempts: AiaAttempt[] },
  ) {
    this.aiaUrls = (cert.info.caIssuers ?? []).slice(0, MAX_AIA_PER_CERT);
  }
  hadIssuers(): boolean {
    return this.entries.length > this.skipped;
  }
  private add(list: { cert: ParsedCert; anchor?: AnchorCert; fetchedFrom?: string }[]): void {
    let added = false;
    for (const e of list) {
      if (this.seen.has(e.cert.info.sha256)) continue;
      this.seen.add(e.cert.info.sha256);
      this.entries.push({ ...e, order: trustOrder(this.cert, e.cert, Boolean(e.anchor)) });
      added = true;
    }
    if (!added) return;
    const rest = this.entries.slice(this.cur);
    const key = (e: Entry) => [e.order, e.cert.info.selfIssued ? 1 : 0, -Date.parse(e.cert.info.notBefore), -Date.parse(e.cert.info.notAfter)];
    rest.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
      return 0;
    });
    this.entries.splice(this.cur, rest.length, ...rest);
  }
  async next(): Promise<Entry | undefined> {
    if (!this.started) {
      this.started = true;
      const { anchors, pool } = this.sources;
      this.add([...anchors.filter((a) => namedIssuer(this.cert, a.cert)).map((a) => ({ cert: a.cert, anchor: a })), ...pool.filter((c) => namedIssuer(this.cert, c)).map((cert) => ({ cert }))]);
    }
    // AIA only once every issuer found so far has been tried; each URL in turn, like AiaRequest::GetNext
    while (this.cur >= this.entries.length && this.sources.fetch && this.aiaIndex < this.aiaUrls.length) {
      const url = this.aiaUrls[this.aiaIndex++]!;
      const r = await this.sources.fetch(url);
      this.sources.attempts.push({ url, for: this.cert.info.subject, certs: r.certs.length, ...(r.error ? { error: r.error } : {}) });
      // Chrome takes whatever the URL delivers as candidates, named issuer or not
      this.add(r.certs.map((cert) => ({ cert, fetchedFrom: url, ...(this.anchorOf(cert) ? { anchor: this.anchorOf(cert)! } : {}) })));
    }
    return this.entries[this.cur++];
  }
  private anchorOf(c: ParsedCert): AnchorCert | undefined {
    return this.sources.anchors.find((a) => a.cert.info.sha256 === c.info.sha256);
  }
}

export interface BuildOptions {
  /** Verifies an anchored path: its faults (none = valid). */
  check: (p: CandidatePath) => { valid: boolean };
  fetch?: IssuerFetcher;
  /** Stop exploring at this time (epoch ms); the best path so far is reported. */
  deadline?: number;
}

export interface BuildResult {
  path: CandidatePath;
  valid: boolean;
  /** Every AIA download tried, in order. */
  aia: AiaAttempt[];
}

/**
 * Builds paths from the leaf until one verifies. `sent` are the certificates the server sent after the
 * leaf (any order; ones Chrome can't parse already left out).
 */
export async function buildPath(leaf: ParsedCert, sent: ParsedCert[], anchors: AnchorCert[], opts: BuildOptions): Promise<BuildResult> {
  const attempts: AiaAttempt[] = [];
  const sources = { anchors, pool: sent, attempts, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  const fetchedFrom = new Map<ParsedCert, string>();
  let best: { path: CandidatePath; valid: boolean } | undefined;
  const consider = (path: CandidatePath): boolean => {
    const fetched = new Map([...fetchedFrom].filter(([c]) => path.certs.includes(c)));
    if (fetched.size) path.fetched = fetched;
    const valid = path.anchor ? opts.check(path).valid : false;
    if (!best || valid || (path.anchor && !best.path.anchor)) {
      if (!best?.valid) best = { path, valid };
    }
    return valid;
  };
  // A leaf that is itself a trusted root is treated as untrusted there, so it still gets a path.
  const stack: IssuerIter[] = [new IssuerIter(leaf, sources)];
  const inPath = new Set<string>([names(leaf).loopKey]);
  let iterations = 0;
  while (stack.length) {
    if (++iterations > ITERATION_LIMIT || (opts.deadline !== undefined && Date.now() > opts.deadline)) break;
    const top = stack[stack.length - 1]!;
    const next = await top.next();
    if (!next) {
      if (!top.hadIssuers()) {
        const certs = stack.map((s) => s.cert);
        consider({ certs, issuerMissing: !top.cert.info.selfIssued });
      }
      inPath.delete(names(top.cert).loopKey);
      stack.pop();
      continue;
    }
    if (next.fetchedFrom) fetchedFrom.set(next.cert, next.fetchedFrom);
    if (next.anchor) {
      if (consider({ certs: [...stack.map((s) => s.cert), next.cert], anchor: next.anchor, issuerMissing: false })) break;
      continue;
    }
    const key = names(next.cert).loopKey;
    if (inPath.has(key)) {
      top.skipped++;
      continue;
    }
    inPath.add(key);
    stack.push(new IssuerIter(next.cert, sources));
  }
  best ??= { path: { certs: [leaf], issuerMissing: !leaf.info.selfIssued }, valid: false };
  return { ...best, aia: attempts };
}
