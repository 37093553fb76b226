// Path building the way Chrome's verifier does it: start at the leaf, try issuers from the trust
// anchors first, then from what the server sent, and keep the best path (a valid one; else one that
// reaches an anchor; else the first). Certificates the server didn't send are never fetched: Chrome
// does no AIA fetching for a private root on Linux, and the helpdesk must fix the camera, not the PC.
import type { ParsedCert } from '../cert/describe.js';
import { rawParts } from '../cert/describe.js';
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
}

const MAX_DEPTH = 8;
const MAX_PATHS = 64;

interface Node {
  cert: ParsedCert;
  subject: Buffer;
  issuer: Buffer;
}

const nameCache = new WeakMap<ParsedCert, Node>();
function node(c: ParsedCert): Node {
  let n = nameCache.get(c);
  if (!n) {
    const r = rawParts(c.der);
    n = { cert: c, subject: Buffer.from(r.subjectDer), issuer: Buffer.from(r.issuerDer) };
    nameCache.set(c, n);
  }
  return n;
}

function sameName(a: Buffer, b: Buffer, ca: ParsedCert, cb: ParsedCert): boolean {
  // Byte equality covers what cameras and our CA produce; fall back to the normalised string form.
  return a.equals(b) || ca.info.issuer.toLowerCase() === cb.info.subject.toLowerCase();
}

/** Every path from the leaf upward, anchors tried first; bounded in depth and count. */
export function buildPaths(sent: ParsedCert[], anchors: AnchorCert[]): CandidatePath[] {
  const leaf = sent[0];
  if (!leaf) return [];
  const out: CandidatePath[] = [];
  const anchorByDer = new Map(anchors.map((a) => [a.cert.info.sha256, a]));
  const pool = sent.slice(1).filter((c, i, all) => all.findIndex((d) => d.info.sha256 === c.info.sha256) === i);
  const walk = (path: ParsedCert[]) => {
    if (out.length >= MAX_PATHS) return;
    const cur = path[path.length - 1]!;
    const asAnchor = anchorByDer.get(cur.info.sha256);
    if (asAnchor && path.length > 1) {
      out.push({ certs: path, anchor: asAnchor, issuerMissing: false });
      return;
    }
    if (path.length >= MAX_DEPTH) {
      out.push({ certs: path, issuerMissing: false });
      return;
    }
    const n = node(cur);
    const seen = new Set(path.map((c) => c.info.sha256));
    const issuers = [...anchors.map((a) => a.cert), ...pool].filter((c, i, all) => {
      if (seen.has(c.info.sha256)) return false;
      if (all.findIndex((d) => d.info.sha256 === c.info.sha256) !== i) return false;
      return sameName(n.issuer, node(c).subject, cur, c);
    });
    if (!issuers.length) {
      out.push({ certs: path, issuerMissing: !cur.info.selfIssued });
      return;
    }
    for (const i of issuers) walk([...path, i]);
  };
  // A leaf that is itself an anchor: Chrome still wants a path; treat the leaf as both.
  const leafAnchor = anchorByDer.get(leaf.info.sha256);
  if (leafAnchor) out.push({ certs: [leaf], anchor: leafAnchor, issuerMissing: false });
  walk([leaf]);
  return out;
}
