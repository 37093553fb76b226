// Deliberately mis-encoded certificates for the parity corpus: a certificate is parsed into a tree of
// TLVs, one node is changed (a long-form length where DER needs the short form, a BOOLEAN of 0x01, ...)
// and the TBS is signed again, so only the encoding is wrong, never the signature.
import { constants, sign, type KeyObject } from 'node:crypto';
import { readTlv } from '../../src/main/cert/der.js';

export interface Node {
  tag: number;
  /** Children of a constructed node. */
  kids?: Node[];
  /** Contents of a primitive node. */
  value?: Buffer;
  /** How to write this node's length: DER (default), long form even when short would do, or with a leading zero octet. */
  len?: 'der' | 'long' | 'padded';
}

export function parseTree(buf: Buffer): Node {
  const t = readTlv(buf, 0);
  if (t.tag & 0x20) {
    const kids: Node[] = [];
    let p = t.valueStart;
    while (p < t.end) {
      const c = readTlv(buf, p, t.end);
      kids.push(parseTree(buf.subarray(c.start, c.end)));
      p = c.end;
    }
    return { tag: t.tag, kids };
  }
  return { tag: t.tag, value: Buffer.from(t.value) };
}

function lengthBytes(n: number, form: Node['len']): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (form === 'padded') bytes.unshift(0);
  if (form === 'long' || form === 'padded' || n >= 0x80) return Buffer.from([0x80 | Math.max(1, bytes.length), ...(bytes.length ? bytes : [0])]);
  return Buffer.from([n]);
}

export function encodeTree(n: Node): Buffer {
  const body = n.kids ? Buffer.concat(n.kids.map(encodeTree)) : (n.value ?? Buffer.alloc(0));
  return Buffer.concat([Buffer.from([n.tag]), lengthBytes(body.length, n.len), body]);
}

/** The node at a path of child indexes (e.g. [0, 7] = TBS, its 8th field). */
export function at(root: Node, path: number[]): Node {
  let n = root;
  for (const i of path) {
    const k = n.kids?.[i];
    if (!k) throw new Error(`no node at ${path.join('.')}`);
    n = k;
  }
  return n;
}

/** The extension with this OID's DER (content bytes) inside a certificate tree: [Extension SEQUENCE, its index]. */
export function extension(cert: Node, oidDer: Buffer): Node {
  const tbs = at(cert, [0]);
  const wrap = tbs.kids!.find((k) => k.tag === 0xa3);
  const list = wrap?.kids?.[0]?.kids ?? [];
  const e = list.find((x) => x.kids?.[0]?.value?.equals(oidDer));
  if (!e) throw new Error('no such extension');
  return e;
}

/** Signs the (changed) TBS again with the issuer's key, keeping the signature algorithm. */
export function resign(cert: Node, issuerKey: KeyObject): Buffer {
  const tbs = encodeTree(at(cert, [0]));
  const type = issuerKey.asymmetricKeyType;
  const alg = encodeTree(at(cert, [1]));
  const hash = alg.includes(Buffer.from('2a8648ce3d040303', 'hex')) || alg.includes(Buffer.from('2a864886f70d01010c', 'hex')) ? 'sha384' : alg.includes(Buffer.from('2a8648ce3d040304', 'hex')) || alg.includes(Buffer.from('2a864886f70d01010d', 'hex')) ? 'sha512' : 'sha256';
  const sig = sign(type === 'ed25519' ? null : hash, tbs, type === 'ec' ? { key: issuerKey, dsaEncoding: 'der' } : issuerKey);
  const outer: Node = { tag: 0x30, len: at(cert, []).len ?? 'der', kids: [at(cert, [0]), at(cert, [1]), { tag: 0x03, value: Buffer.concat([Buffer.from([0]), sig]) }] };
  return encodeTree(outer);
}

// AlgorithmIdentifier for RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 4055): the one
// PSS form Chrome's verifier accepts for SHA-256
const PSS_SHA256 = Buffer.from('304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120', 'hex');

/** The same certificate signed by an RSA issuer with RSASSA-PSS instead of PKCS#1 v1.5. */
export function resignPss(der: Buffer, issuerKey: KeyObject): Buffer {
  const tree = parseTree(der);
  const alg = parseTree(PSS_SHA256);
  at(tree, [0]).kids![2] = alg;
  tree.kids![1] = alg;
  const tbs = encodeTree(at(tree, [0]));
  const sig = sign('sha256', tbs, { key: issuerKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return encodeTree({ tag: 0x30, kids: [at(tree, [0]), alg, { tag: 0x03, value: Buffer.concat([Buffer.from([0]), sig]) }] });
}

/** A changed copy of a certificate: `change` edits the parsed tree, then the TBS is signed again. */
export function mangle(der: Buffer, issuerKey: KeyObject, change: (cert: Node) => void): Buffer {
  const tree = parseTree(der);
  change(tree);
  return resign(tree, issuerKey);
}

/** OID content bytes (no tag/length) as they appear in certificates, for `extension()`. */
export const OID = {
  keyUsage: Buffer.from([0x55, 0x1d, 0x0f]),
  subjectAltName: Buffer.from([0x55, 0x1d, 0x11]),
  basicConstraints: Buffer.from([0x55, 0x1d, 0x13]),
  extKeyUsage: Buffer.from([0x55, 0x1d, 0x25]),
};
