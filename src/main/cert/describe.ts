// A full, JSON-ready description of one certificate: what an admin needs to decide whether to trust it.
import { X509Certificate, createHash } from 'node:crypto';
import { children, decodeBoolean, decodeInteger, decodeOid, readOne, TAG, type Tlv } from './der.js';
import { formatName, parseName, type NameAttr } from './name.js';
import { EXT, oidName } from './oids.js';
import { bytesToIp } from '../constraints/cidr.js';
import { parseNameConstraints, type NameConstraints } from '../constraints/model.js';

export interface PublicKeyInfo {
  type: 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'other';
  bits?: number;
  /** Named curve as OpenSSL/Node call it: prime256v1, secp384r1, secp521r1, ... */
  curve?: string;
}

export interface SubjectAltName {
  dns: string[];
  ip: string[];
  email: string[];
  uri: string[];
  other: string[];
}

export interface CertInfo {
  subject: string;
  issuer: string;
  /** The subject's CN, if any (Chrome ignores it for name matching). Parsed, never cut out of `subject`. */
  commonName?: string;
  /** The subject's O (organisation), if any: the company name a root carries. */
  organization?: string;
  /** The subject's OU, if any. */
  organizationalUnit?: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  selfIssued: boolean;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  /** SHA-256 over the DER, colon-separated upper-case hex. */
  sha256: string;
  /** SHA-1 over the DER as Windows shows it (upper-case hex, no separators): the store's Thumbprint. */
  sha1Thumbprint: string;
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  keyUsage?: { usages: string[]; critical: boolean };
  extKeyUsage?: { usages: string[]; critical: boolean };
  subjectAltName?: SubjectAltName & { critical: boolean };
  nameConstraints?: NameConstraints;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** Extension OIDs we don't interpret, with their critical flag. */
  otherExtensions: { oid: string; critical: boolean }[];
}

export interface ParsedCert {
  der: Buffer;
  x509: X509Certificate;
  info: CertInfo;
}

const KU_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

function bitString(v: Buffer): boolean[] {
  const unused = v[0] ?? 0;
  const bits: boolean[] = [];
  for (let i = 1; i < v.length; i++) for (let b = 7; b >= 0; b--) bits.push(((v[i]! >> b) & 1) === 1);
  return bits.slice(0, Math.max(0, bits.length - unused));
}

function parseGeneralNames(der: Buffer): SubjectAltName {
  const out: SubjectAltName = { dns: [], ip: [], email: [], uri: [], other: [] };
  for (const gn of children(readOne(der))) {
    const t = gn.tag & 0x1f;
    if (t === 2) out.dns.push(gn.value.toString('latin1'));
    else if (t === 7) out.ip.push(bytesToIp(gn.value));
    else if (t === 1) out.email.push(gn.value.toString('latin1'));
    else if (t === 6) out.uri.push(gn.value.toString('latin1'));
    else if (t === 4) out.other.push(`DirName:${formatName(children(gn)[0]?.raw ?? Buffer.alloc(0))}`);
    else out.other.push(`[${t}]${gn.value.toString('hex')}`);
  }
  return out;
}

function colonHex(b: Buffer): string {
  return b.toString('hex').toUpperCase().match(/../g)!.join(':');
}

function keyInfo(x: X509Certificate): PublicKeyInfo {
  const k = x.publicKey;
  const d = k.asymmetricKeyDetails ?? {};
  switch (k.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { type: 'RSA', bits: d.modulusLength };
    case 'ec': {
      const curve = d.namedCurve;
      const bits = curve ? ({ prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256, secp224r1: 224, prime192v1: 192 } as Record<string, number>)[curve] : undefined;
      return { type: 'EC', curve, ...(bits ? { bits } : {}) };
    }
    case 'ed25519':
      return { type: 'Ed25519', bits: 256 };
    case 'ed448':
      return { type: 'Ed448', bits: 456 };
    case 'dsa':
      return { type: 'DSA', bits: d.modulusLength };
    default:
      return { type: 'other' };
  }
}

interface RawCertParts {
  tbs: Tlv;
  sigAlgOid: string;
  issuerDer: Buffer;
  subjectDer: Buffer;
  extensions: { oid: string; critical: boolean; value: Buffer }[];
}

/** Splits a certificate's DER into the parts we read ourselves. */
export function rawParts(der: Buffer): RawCertParts {
  const [tbs, sigAlg] = children(readOne(der));
  if (!tbs || !sigAlg) throw new Error('not a certificate');
  const f = children(tbs);
  let i = 0;
  if (f[0] && f[0].tag === 0xa0) i++; // version
  const issuer = f[i + 2]!;
  const subject = f[i + 4]!;
  const extensions: RawCertParts['extensions'] = [];
  const extWrap = f.find((t) => t.tag === 0xa3);
  if (extWrap) {
    for (const ext of children(children(extWrap)[0]!)) {
      const parts = children(ext);
      const oid = decodeOid(parts[0]!.value);
      const critical = parts.length === 3 && parts[1]!.tag === TAG.BOOLEAN ? decodeBoolean(parts[1]!.value) : false;
      extensions.push({ oid, critical, value: parts[parts.length - 1]!.value });
    }
  }
  return { tbs, sigAlgOid: decodeOid(children(sigAlg)[0]!.value), issuerDer: issuer.raw, subjectDer: subject.raw, extensions };
}

function safeParseName(der: Buffer): NameAttr[] {
  try {
    return parseName(der);
  } catch {
    return [];
  }
}

/** Describes a certificate; throws on DER Node can't parse (callers turn that into a sentence). */
export function describe(der: Buffer): ParsedCert {
  const x509 = new X509Certificate(der);
  const raw = rawParts(der);
  const subject = formatName(raw.subjectDer);
  // Names people see come from the parsed attributes: "O=Acme, Inc." must stay "Acme, Inc.".
  const attrs = safeParseName(raw.subjectDer);
  const first = (type: string) => attrs.find((a) => a.type === type)?.value;
  const [cn, o, ou] = [first('CN'), first('O'), first('OU')];
  const info: CertInfo = {
    subject,
    issuer: formatName(raw.issuerDer),
    ...(cn !== undefined ? { commonName: cn } : {}),
    ...(o !== undefined ? { organization: o } : {}),
    ...(ou !== undefined ? { organizationalUnit: ou } : {}),
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    selfIssued: raw.issuerDer.equals(raw.subjectDer),
    publicKey: keyInfo(x509),
    signatureAlgorithm: oidName(raw.sigAlgOid),
    sha256: sha256Fingerprint(der),
    sha1Thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    otherExtensions: [],
  };
  for (const ext of raw.extensions) {
    const { oid, critical, value } = ext;
    switch (oid) {
      case EXT.basicConstraints: {
        const parts = children(readOne(value));
        let ca = false;
        let pathLen: number | undefined;
        for (const p of parts) {
          if (p.tag === TAG.BOOLEAN) ca = decodeBoolean(p.value);
          if (p.tag === TAG.INTEGER) pathLen = decodeInteger(p.value);
        }
        info.basicConstraints = { ca, critical, ...(pathLen !== undefined ? { pathLen } : {}) };
        break;
      }
      case EXT.keyUsage: {
        const bits = bitString(readOne(value).value);
        info.keyUsage = { usages: KU_NAMES.filter((_, i) => bits[i]), critical };
        break;
      }
      case EXT.extKeyUsage:
        info.extKeyUsage = { usages: children(readOne(value)).map((o) => oidName(decodeOid(o.value))), critical };
        break;
      case EXT.subjectAltName:
        info.subjectAltName = { ...parseGeneralNames(value), critical };
        break;
      case EXT.nameConstraints:
        info.nameConstraints = parseNameConstraints(value, critical);
        break;
      case EXT.subjectKeyIdentifier:
        info.subjectKeyId = colonHex(readOne(value).value);
        break;
      case EXT.authorityKeyIdentifier: {
        const kid = children(readOne(value)).find((c) => c.tag === 0x80);
        if (kid) info.authorityKeyId = colonHex(kid.value);
        break;
      }
      default:
        info.otherExtensions.push({ oid, critical });
    }
  }
  return { der, x509, info };
}

/** SHA-256 fingerprint as browsers and OpenSSL show it: colon-separated upper-case hex. */
export function sha256Fingerprint(der: Buffer): string {
  return colonHex(createHash('sha256').update(der).digest());
}

export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Normalises a pin given by a user ("AB:CD..." or "abcd...") to lower-case hex without separators. */
export function normalizePin(pin: string): string {
  return pin.replace(/[:\s]/g, '').toLowerCase();
}

/** The key in words: "EC P-256", "RSA 2048". */
export function keyWords(info: CertInfo): string {
  const k = info.publicKey;
  if (k.type === 'EC') return `EC ${k.curve === 'prime256v1' ? 'P-256' : k.curve === 'secp384r1' ? 'P-384' : k.curve === 'secp521r1' ? 'P-521' : (k.curve ?? '?')}`;
  return k.bits ? `${k.type} ${k.bits}` : k.type;
}
