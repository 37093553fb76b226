// A minimal DER reader: just enough to classify files and read the extensions we lint, keeping the raw
// bytes (lengths, explicit defaults) that a schema-driven parser would hide. Strict the way BoringSSL's
// CBS and Chromium's der::Parser are: a length must be in its shortest form (no long form below 128, no
// leading zero octets, no indefinite length), a BOOLEAN is 0x00 or 0xFF, an INTEGER and an OBJECT
// IDENTIFIER use no padding octets, and only constructed encodings have children.

export interface Tlv {
  /** The full identifier octet (class | constructed | tag number); we only use low-tag-number form. */
  tag: number;
  /** Offset of the identifier octet in the original buffer. */
  start: number;
  /** Offset of the contents. */
  valueStart: number;
  /** Offset just past the contents. */
  end: number;
  value: Buffer;
  /** The whole encoding (identifier + length + contents). */
  raw: Buffer;
}

export class DerError extends Error {}

export function readTlv(buf: Buffer, pos = 0, limit = buf.length): Tlv {
  if (pos + 2 > limit) throw new DerError('truncated');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('an indefinite length (BER, not DER)');
    if (n > 4) throw new DerError('a length of more than 4 octets');
    if (p + n > limit) throw new DerError('truncated');
    if (buf[p] === 0) throw new DerError('a length with a leading zero octet (not the shortest form DER requires)');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80) throw new DerError(`a long-form length for ${len} bytes (DER requires the short form below 128)`);
    p += n;
  }
  if (p + len > limit) throw new DerError('truncated');
  return { tag, start: pos, valueStart: p, end: p + len, value: buf.subarray(p, p + len), raw: buf.subarray(pos, p + len) };
}

/** Is this identifier octet a constructed encoding (SEQUENCE, SET, [n] EXPLICIT ...)? */
export function isConstructed(t: Tlv): boolean {
  return (t.tag & 0x20) !== 0;
}

/** The children of a constructed TLV; a primitive one has none to give. */
export function children(t: Tlv): Tlv[] {
  if (!isConstructed(t)) throw new DerError(`a primitive value (tag 0x${t.tag.toString(16)}) where a SEQUENCE or SET was expected`);
  const out: Tlv[] = [];
  let p = 0;
  while (p < t.value.length) {
    const c = readTlv(t.value, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Parses exactly one TLV filling the whole buffer. */
export function readOne(buf: Buffer): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError('trailing data');
  return t;
}

export function decodeOid(v: Buffer): string {
  if (v.length === 0) throw new DerError('an empty OBJECT IDENTIFIER');
  if (v[v.length - 1]! & 0x80) throw new DerError('a truncated OBJECT IDENTIFIER');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    // a sub-identifier may not start with 0x80: that is padding, not the shortest form
    if (n === 0 && v[i] === 0x80) throw new DerError('an OBJECT IDENTIFIER with padding octets (not the shortest form)');
    n = n * 128 + (v[i]! & 0x7f);
    if (!(v[i]! & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  const first = parts.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

/** Is this INTEGER content in its shortest form (RFC 5280 / X.690 10.1: no redundant leading octet)? */
export function isMinimalInteger(v: Buffer): boolean {
  if (v.length === 0) return false;
  if (v.length === 1) return true;
  return !((v[0] === 0x00 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80));
}

/** A non-negative INTEGER in its shortest form (pathLen, versions, BaseDistance). */
export function decodeInteger(v: Buffer): number {
  if (!isMinimalInteger(v)) throw new DerError(v.length ? 'an INTEGER with a redundant leading octet (not the shortest form)' : 'an empty INTEGER');
  if (v[0]! & 0x80) throw new DerError('a negative INTEGER where a count was expected');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** DER BOOLEAN: exactly one octet, 0x00 (FALSE) or 0xFF (TRUE). */
export function decodeBoolean(v: Buffer): boolean {
  if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0xff)) throw new DerError(`a BOOLEAN of ${v.toString('hex') || 'no octets'} (DER allows only 00 or FF)`);
  return v[0] === 0xff;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  IA5: 0x16,
  UTCTIME: 0x17,
  GENTIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

// --- encoding (used to build extensions such as nameConstraints) ---

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export function encodeInteger(n: number): Buffer {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}
