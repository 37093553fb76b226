// The name-constraint model: parse the extension (keeping malformations visible), build it,
// check names against it, and say it in plain words.
import { DerError, children, decodeInteger, readOne, tlv, TAG } from '../cert/der.js';
import { formatName } from '../cert/name.js';
import { bytesToIp, formatCidr, ipInCidr, ipToBytes, parseCidr, prefixOfMask, type Cidr } from './cidr.js';
import { dnsExcludedBy, dnsWithin, parseDnsConstraint } from './dns.js';

export type NameType = 'dns' | 'ip' | 'email' | 'uri' | 'dirName' | 'otherName' | 'x400' | 'ediParty' | 'registeredId';

export interface Subtree {
  type: NameType;
  /** DNS name, CIDR, email, URI, or a DN string; for malformed IP subtrees, the hex bytes. */
  value: string;
  /** Present only when encoded (DER forbids encoding the default 0). */
  minimum?: number;
  maximum?: number;
  /** For IP subtrees: the parsed range (absent when malformed). */
  cidr?: Cidr;
  /** What is wrong with this subtree, in words; empty when it is well formed. */
  problems: string[];
}

export interface NameConstraints {
  critical: boolean;
  permitted: Subtree[];
  excluded: Subtree[];
  /** A permittedSubtrees / excludedSubtrees field that is present but holds no subtree. */
  emptyPermitted?: boolean;
  emptyExcluded?: boolean;
}

const GN_TYPES: Record<number, NameType> = {
  0: 'otherName',
  1: 'email',
  2: 'dns',
  3: 'x400',
  4: 'dirName',
  5: 'ediParty',
  6: 'uri',
  7: 'ip',
  8: 'registeredId',
};

function parseSubtree(der: Buffer): Subtree {
  const seq = readOne(der);
  const [base, ...rest] = children(seq);
  if (!base) throw new DerError('empty GeneralSubtree');
  const type = GN_TYPES[base.tag & 0x1f] ?? 'otherName';
  const problems: string[] = [];
  let value: string;
  let cidr: Cidr | undefined;
  if (type === 'dns' || type === 'email' || type === 'uri') {
    value = base.value.toString('latin1');
  } else if (type === 'ip') {
    const v = base.value;
    if (v.length !== 8 && v.length !== 32) {
      value = `${v.length} bytes: ${v.toString('hex')}`;
      problems.push(`an iPAddress subtree must be 8 or 32 bytes (address and mask), this one is ${v.length}`);
    } else {
      const half = v.length / 2;
      const addr = Buffer.from(v.subarray(0, half));
      const mask = Buffer.from(v.subarray(half));
      const prefix = prefixOfMask(mask);
      cidr = { addr, mask, prefix };
      value = formatCidr(cidr);
      if (prefix < 0) problems.push(`the mask ${bytesToIp(mask)} is not contiguous`);
      if (addr.some((b, i) => (b & ~mask[i]!) !== 0)) problems.push(`host bits are set in ${bytesToIp(addr)}/${prefix}`);
    }
  } else if (type === 'dirName') {
    const inner = children(base)[0];
    value = inner ? formatName(inner.raw) : '';
  } else {
    value = base.value.toString('hex');
  }
  const st: Subtree = { type, value, problems };
  if (cidr) st.cidr = cidr;
  for (const r of rest) {
    if ((r.tag & 0x1f) === 0) st.minimum = decodeInteger(r.value);
    if ((r.tag & 0x1f) === 1) st.maximum = decodeInteger(r.value);
  }
  if (st.minimum !== undefined) problems.push('"minimum" must be absent (RFC 5280)');
  if (st.maximum !== undefined) problems.push('"maximum" must be absent (RFC 5280)');
  if (type === 'x400' || type === 'ediParty' || type === 'registeredId' || type === 'otherName') {
    problems.push(`${type} subtrees are not supported by browsers`);
  }
  return st;
}

/** Parses the nameConstraints extension value (the contents of extnValue). */
export function parseNameConstraints(extnValue: Buffer, critical: boolean): NameConstraints {
  const nc: NameConstraints = { critical, permitted: [], excluded: [] };
  for (const part of children(readOne(extnValue))) {
    const list = children(part).map((s) => parseSubtree(s.raw));
    if ((part.tag & 0x1f) === 0) {
      nc.permitted = list;
      if (!list.length) nc.emptyPermitted = true;
    } else if ((part.tag & 0x1f) === 1) {
      nc.excluded = list;
      if (!list.length) nc.emptyExcluded = true;
    }
  }
  return nc;
}

// ---------- building ----------

export interface ConstraintInput {
  permitDns?: string[];
  permitCidr?: string[];
  excludeDns?: string[];
  excludeCidr?: string[];
}

export interface ConstraintSet {
  permitted: Subtree[];
  excluded: Subtree[];
}

function dnsSubtree(v: string): Subtree {
  return { type: 'dns', value: v, problems: [] };
}
function ipSubtree(c: Cidr): Subtree {
  return { type: 'ip', value: formatCidr(c), cidr: c, problems: [] };
}

/**
 * Turns --permit-dns/--permit-cidr into subtrees that close every name type we don't permit:
 * only DNS given → exclude 0.0.0.0/0 and ::/0; only CIDRs given → exclude all DNS names ("").
 */
export function buildConstraints(input: ConstraintInput): ConstraintSet {
  const permitDns = (input.permitDns ?? []).map(parseDnsConstraint);
  const permitCidr = (input.permitCidr ?? []).map(parseCidr);
  const excluded: Subtree[] = [
    ...(input.excludeDns ?? []).map(parseDnsConstraint).map(dnsSubtree),
    ...(input.excludeCidr ?? []).map(parseCidr).map(ipSubtree),
  ];
  if (!permitDns.length && !permitCidr.length) {
    throw new Error('at least one --permit-dns or --permit-cidr is needed');
  }
  if (!permitCidr.length) {
    excluded.push(ipSubtree(parseCidr('0.0.0.0/0')), ipSubtree(parseCidr('::/0')));
  }
  if (!permitDns.length) excluded.push(dnsSubtree(''));
  return { permitted: [...permitDns.map(dnsSubtree), ...permitCidr.map(ipSubtree)], excluded };
}

function encodeGeneralName(st: Subtree): Buffer {
  switch (st.type) {
    case 'dns':
      return tlv(0x82, Buffer.from(st.value, 'latin1'));
    case 'email':
      return tlv(0x81, Buffer.from(st.value, 'latin1'));
    case 'uri':
      return tlv(0x86, Buffer.from(st.value, 'latin1'));
    case 'ip':
      if (!st.cidr) throw new Error('IP subtree without a range');
      return tlv(0x87, st.cidr.addr, st.cidr.mask);
    default:
      throw new Error(`cannot encode ${st.type} subtrees`);
  }
}

/** DER of the NameConstraints value (to put inside the extension's OCTET STRING). */
export function encodeNameConstraints(set: ConstraintSet): Buffer {
  const sub = (list: Subtree[], tag: number) =>
    list.length ? [tlv(tag, ...list.map((s) => tlv(TAG.SEQUENCE, encodeGeneralName(s))))] : [];
  return tlv(TAG.SEQUENCE, ...sub(set.permitted, 0xa0), ...sub(set.excluded, 0xa1));
}

// ---------- checking ----------

export interface NameViolation {
  name: string;
  type: 'dns' | 'ip';
  reason: 'excluded' | 'not-permitted';
}

/**
 * Checks DNS names and IP addresses against constraints the way RFC 5280 (and Chrome) does:
 * an excluded match fails; when any permitted subtree of that type exists, the name must match one.
 */
export function checkNames(set: ConstraintSet, names: { dns?: string[]; ip?: string[] }): NameViolation[] {
  const out: NameViolation[] = [];
  const ofType = (list: Subtree[], t: NameType) => list.filter((s) => s.type === t);
  const pDns = ofType(set.permitted, 'dns');
  const eDns = ofType(set.excluded, 'dns');
  for (const name of names.dns ?? []) {
    if (eDns.some((s) => dnsExcludedBy(name, s.value))) out.push({ name, type: 'dns', reason: 'excluded' });
    else if (pDns.length && !pDns.some((s) => dnsWithin(name, s.value))) out.push({ name, type: 'dns', reason: 'not-permitted' });
  }
  const pIp = ofType(set.permitted, 'ip');
  const eIp = ofType(set.excluded, 'ip');
  for (const ip of names.ip ?? []) {
    const b = ipToBytes(ip);
    if (!b) continue;
    const inAny = (list: Subtree[]) => list.some((s) => s.cidr && ipInCidr(b, s.cidr));
    if (inAny(eIp)) out.push({ name: ip, type: 'ip', reason: 'excluded' });
    else if (pIp.length && !inAny(pIp)) out.push({ name: ip, type: 'ip', reason: 'not-permitted' });
  }
  return out;
}

// ---------- words ----------

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** "only names under cams.example.com and addresses in 192.168.0.0/16" */
export function describeConstraints(set: ConstraintSet | undefined): string {
  if (!set || (!set.permitted.length && !set.excluded.length)) return 'any name and any address (no name constraints)';
  const dns = set.permitted.filter((s) => s.type === 'dns').map((s) => s.value.replace(/^\./, ''));
  const ips = set.permitted.filter((s) => s.type === 'ip').map((s) => s.value);
  const allDnsExcluded = set.excluded.some((s) => s.type === 'dns' && s.value === '');
  const allIpExcluded = set.excluded.some((s) => s.type === 'ip' && s.value === '0.0.0.0/0');
  const parts: string[] = [];
  if (dns.length) parts.push(`names under ${orList(dns)}`);
  else if (!allDnsExcluded) parts.push('any name');
  if (ips.length) parts.push(`addresses in ${orList(ips)}`);
  else if (!allIpExcluded) parts.push('any IP address');
  const exDns = set.excluded.filter((s) => s.type === 'dns' && s.value !== '').map((s) => s.value);
  const exIp = set.excluded.filter((s) => s.type === 'ip' && s.value !== '0.0.0.0/0' && s.value !== '::/0').map((s) => s.value);
  const excl = [...exDns, ...exIp];
  const base = parts.length ? `only ${list(parts)}` : 'nothing at all';
  return excl.length ? `${base}, except ${orList(excl)}` : base;
}
