// IP addresses and CIDR ranges as the byte strings X.509 uses (address || mask, 8 or 32 octets).
import { isIP } from 'node:net';
import { UserError } from '../errors.js';

export interface Cidr {
  /** Network address, 4 or 16 bytes. */
  addr: Buffer;
  /** Mask, same length as addr. */
  mask: Buffer;
  /** Prefix length, or -1 when the mask is not contiguous. */
  prefix: number;
}

export function ipToBytes(ip: string): Buffer | undefined {
  const clean = ip.replace(/^\[|\]$/g, '');
  const kind = isIP(clean);
  if (kind === 4) return Buffer.from(clean.split('.').map((x) => Number(x)));
  if (kind === 6) {
    let s = clean;
    // an embedded IPv4 tail (::ffff:1.2.3.4)
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
    let tail: number[] = [];
    if (v4) {
      tail = v4[1]!.split('.').map(Number);
      s = s.slice(0, -v4[1]!.length) + '0:0';
    }
    const [head, rest] = s.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
    const fill = rest !== undefined ? 8 - h.length - r.length : 0;
    const groups = [...h, ...Array<string>(fill).fill('0'), ...r];
    const out = Buffer.alloc(16);
    groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
    if (tail.length) out.set(tail, 12);
    return out;
  }
  return undefined;
}

export function bytesToIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // compress the longest run of zero groups
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] === '0') {
        let j = i;
        while (j < 8 && groups[j] === '0') j++;
        if (j - i > bestLen && j - i > 1) {
          best = i;
          bestLen = j - i;
        }
        i = j;
      } else i++;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  return b.toString('hex');
}

export function prefixOfMask(mask: Buffer): number {
  let prefix = 0;
  let seenZero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const on = (byte >> bit) & 1;
      if (on && seenZero) return -1;
      if (on) prefix++;
      else seenZero = true;
    }
  }
  return prefix;
}

export function maskOfPrefix(prefix: number, bytes: number): Buffer {
  const m = Buffer.alloc(bytes);
  for (let i = 0; i < prefix; i++) m[i >> 3]! |= 0x80 >> (i & 7);
  return m;
}

/** Parses "192.168.0.0/16" (or a bare address = /32, /128); host bits must be zero. */
export function parseCidr(text: string): Cidr {
  const s = text.trim();
  const [ip, p] = s.split('/') as [string, string | undefined];
  const addr = ipToBytes(ip);
  if (!addr) throw new UserError(`"${text}" is not an IP range; write it like 192.168.0.0/16 or fd00::/8.`);
  const bits = addr.length * 8;
  const prefix = p === undefined ? bits : /^\d{1,3}$/.test(p) ? Number(p) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw new UserError(`"${text}" has an invalid prefix length; use /0 to /${bits}.`);
  const mask = maskOfPrefix(prefix, addr.length);
  const net = Buffer.from(addr.map((b, i) => b & mask[i]!));
  if (!net.equals(addr)) {
    throw new UserError(`"${text}" has host bits set; did you mean ${bytesToIp(net)}/${prefix}?`);
  }
  return { addr: net, mask, prefix };
}

export function formatCidr(c: Cidr): string {
  return c.prefix >= 0 ? `${bytesToIp(c.addr)}/${c.prefix}` : `${bytesToIp(c.addr)} mask ${bytesToIp(c.mask)}`;
}

export function ipInCidr(ip: Buffer, c: Cidr): boolean {
  if (ip.length !== c.addr.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i]! & c.mask[i]!) !== (c.addr[i]! & c.mask[i]!)) return false;
  return true;
}

/** Is every address of `inner` inside `outer`? */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.addr.length !== outer.addr.length) return false;
  if (outer.prefix < 0 || inner.prefix < 0) return false;
  return inner.prefix >= outer.prefix && ipInCidr(inner.addr, outer);
}
