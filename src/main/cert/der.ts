// A minimal, strict DER reader: just enough to classify files and read the extensions we lint,
// keeping the raw bytes (lengths, explicit defaults) that a schema-driven parser would hide.

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
    if (n === 0 || n > 4) throw new DerError('bad length');
    if (p + n > limit) throw new DerError('truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > limit) throw new DerError('truncated');
  return { tag, start: pos, valueStart: p, end: p + len, value: buf.subarray(p, p + len), raw: buf.subarray(pos, p + len) };
}

/** The children of a constructed TLV. */
export function children(t: Tlv): Tlv[] {
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
  if (v.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
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

export function decodeInteger(v: Buffer): number {
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function decodeBoolean(v: Buffer): boolean {
  return v.length === 1 && v[0] !== 0;
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
