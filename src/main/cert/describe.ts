// A full, JSON-ready description of one certificate: what an admin needs to decide whether to trust it.
import { X509Certificate, createHash } from 'node:crypto';
import { children, decodeBoolean, decodeInteger, decodeOid, DerError, readOne, TAG, type Tlv } from './der.js';
import { formatName, parseName, type NameAttr } from './name.js';
import { EXT, oidName } from './oids.js';

// id-ad-caIssuers 1.3.6.1.5.5.7.48.2, as it appears in DER
const CA_ISSUERS_OID = Buffer.from('2b06010505073002', 'hex');
import { bytesToIp } from '../constraints/cidr.js';
import { parseNameConstraints, type NameConstraints } from '../constraints/model.js';

export interface PublicKeyInfo {
  type: 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'other';
  bits?: number;
  /** Named curve as OpenSSL/Node call it: prime256v1, secp384r1, secp521r1, ... */
  curve?: string;
  /** An RSA key restricted to RSASSA-PSS (id-RSASSA-PSS in the certificate). */
  pss?: true;
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
  /** caIssuers URLs of the authorityInfoAccess extension (where the issuing certificate can be fetched). */
  caIssuers?: string[];
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
  const names = children(expectTag(readOne(der), TAG.SEQUENCE, 'the subjectAltName'));
  if (!names.length) throw new DerError('an empty subjectAltName (it must hold at least one name)');
  for (const gn of names) {
    const t = gn.tag & 0x1f;
    if (t === 2) out.dns.push(gn.value.toString('latin1'));
    else if (t === 7) {
      if (gn.value.length !== 4 && gn.value.length !== 16) throw new DerError(`an iPAddress name of ${gn.value.length} bytes (4 or 16 expected)`);
      out.ip.push(bytesToIp(gn.value));
    }
    else if (t === 1) out.email.push(gn.value.toString('latin1'));
    else if (t === 6) out.uri.push(gn.value.toString('latin1'));
    else if (t === 4) out.other.push(`DirName:${formatName(children(gn)[0]?.raw ?? Buffer.alloc(0))}`);
    else out.other.push(`[${t}]${gn.value.toString('hex')}`);
  }
  return out;
}

function colonHex(b: Buffer): string {
  return (b.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}

/** One DER value filling `der` with the given tag, its children when constructed. */
function only(der: Buffer, tag: number, what: string): Tlv {
  return expectTag(readOne(der), tag, what);
}

function keyInfo(x: X509Certificate): PublicKeyInfo {
  const k = x.publicKey;
  const d = k.asymmetricKeyDetails ?? {};
  switch (k.asymmetricKeyType) {
    case 'rsa':
      return { type: 'RSA', bits: d.modulusLength };
    case 'rsa-pss':
      return { type: 'RSA', bits: d.modulusLength, pss: true };
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
  spkiDer: Buffer;
  extensions: { oid: string; critical: boolean; value: Buffer }[];
}

/** The certificate's fields as Chromium's X509Certificate reads them, extensions still unread. */
export interface CertificateLayout {
  tbs: Tlv;
  sigAlg: Tlv;
  serial: Tlv;
  issuer: Tlv;
  subject: Tlv;
  spki: Tlv;
  /** The SEQUENCE inside [3], when there are extensions. */
  extensions?: Tlv;
}

function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`${what} is missing or has the wrong type`);
  return t;
}

/** A BIT STRING's contents as DER allows them: at most 7 unused bits, zero, and none in an empty string. */
export function checkBitString(v: Buffer, what: string): void {
  const unused = v[0];
  if (unused === undefined || unused > 7 || (v.length === 1 && unused !== 0) || (unused && v[v.length - 1]! & ((1 << unused) - 1))) {
    throw new DerError(`${what} is not a valid BIT STRING`);
  }
}

function checkTime(t: Tlv, what: string): void {
  const s = t.value.toString('latin1');
  const ok = t.tag === TAG.UTCTIME ? /^\d{12}Z$/.test(s) : t.tag === TAG.GENTIME ? /^\d{14}Z$/.test(s) : false;
  if (!ok) throw new DerError(`${what} is not a UTCTime/GeneralizedTime of the form DER requires`);
}

/**
 * Reads a certificate's outer structure, its TBS fields, names and validity strictly (what Chromium's
 * X509Certificate needs before any verification; a failure there is ERR_SSL_SERVER_CERT_BAD_FORMAT).
 */
export function certificateLayout(der: Buffer): CertificateLayout {
  const top = expectTag(readOne(der), TAG.SEQUENCE, 'the certificate');
  const parts = children(top);
  if (parts.length !== 3) throw new DerError('the certificate is not SEQUENCE { tbsCertificate, signatureAlgorithm, signature }');
  const tbs = expectTag(parts[0], TAG.SEQUENCE, 'tbsCertificate');
  const sigAlg = expectTag(parts[1], TAG.SEQUENCE, 'signatureAlgorithm');
  checkBitString(expectTag(parts[2], TAG.BIT_STRING, 'the signature').value, 'the signature');
  const f = children(tbs);
  let i = 0;
  let version = 0;
  if (f[0]?.tag === 0xa0) {
    const v = children(f[0]);
    if (v.length !== 1 || v[0]!.tag !== TAG.INTEGER) throw new DerError('the version is not [0] { INTEGER }');
    version = decodeInteger(v[0]!.value);
    // v1 is the DEFAULT: DER leaves it out
    if (version !== 1 && version !== 2) throw new DerError(`version ${version} is not v2 or v3 (or an explicitly encoded default v1)`);
    i++;
  }
  const serial = expectTag(f[i], TAG.INTEGER, 'the serial number');
  expectTag(f[i + 1], TAG.SEQUENCE, 'the TBS signature algorithm');
  const issuer = expectTag(f[i + 2], TAG.SEQUENCE, 'the issuer name');
  const validity = expectTag(f[i + 3], TAG.SEQUENCE, 'the validity');
  const subject = expectTag(f[i + 4], TAG.SEQUENCE, 'the subject name');
  const spki = expectTag(f[i + 5], TAG.SEQUENCE, 'the public key');
  let rest = f.slice(i + 6);
  if (rest[0]?.tag === 0x81) rest = rest.slice(1); // issuerUniqueID
  if (rest[0]?.tag === 0x82) rest = rest.slice(1); // subjectUniqueID
  let extensions: Tlv | undefined;
  if (rest[0]?.tag === 0xa3) {
    if (version !== 2) throw new DerError('extensions in a certificate that is not v3');
    const inner = children(rest[0]);
    if (inner.length !== 1) throw new DerError('[3] does not hold exactly one SEQUENCE of extensions');
    extensions = expectTag(inner[0], TAG.SEQUENCE, 'the extensions');
    rest = rest.slice(1);
  }
  if (rest.length) throw new DerError('unexpected fields at the end of tbsCertificate');
  const times = children(validity);
  if (times.length !== 2) throw new DerError('the validity is not SEQUENCE { notBefore, notAfter }');
  checkTime(times[0]!, 'notBefore');
  checkTime(times[1]!, 'notAfter');
  parseName(issuer.raw);
  parseName(subject.raw);
  return { tbs, sigAlg, serial, issuer, subject, spki, ...(extensions ? { extensions } : {}) };
}

/** The extension list, read the way Chromium's ParseExtensions does (a failure makes the certificate unusable). */
export function extensionList(seq: Tlv | undefined): RawCertParts['extensions'] {
  const out: RawCertParts['extensions'] = [];
  if (!seq) return out;
  const list = children(seq);
  if (!list.length) throw new DerError('an empty extensions list (it must hold at least one)');
  for (const ext of list) {
    const parts = ext.tag === TAG.SEQUENCE ? children(ext) : [];
    const [oidT, second, third] = parts;
    if (!oidT || oidT.tag !== TAG.OID) throw new DerError('an extension without an OBJECT IDENTIFIER');
    let critical = false;
    let value: Tlv | undefined = second;
    if (second?.tag === TAG.BOOLEAN) {
      critical = decodeBoolean(second.value);
      // DER leaves out a DEFAULT value: an explicit FALSE is not DER
      if (!critical) throw new DerError('an extension that encodes "critical: FALSE" explicitly (DER requires leaving the default out)');
      value = third;
    }
    if (!value || value.tag !== TAG.OCTET_STRING || parts.length !== (second?.tag === TAG.BOOLEAN ? 3 : 2)) throw new DerError('an extension that is not SEQUENCE { OID, critical, OCTET STRING }');
    // Chromium compares extension OIDs by their bytes: one that is not in its shortest form is simply unknown
    let oid: string;
    try {
      oid = decodeOid(oidT.value);
    } catch {
      oid = `malformed-oid:${oidT.value.toString('hex')}`;
    }
    if (out.some((e) => e.oid === oid)) throw new DerError(`the extension ${oid} appears twice`);
    out.push({ oid, critical, value: value.value });
  }
  return out;
}

/** Splits a certificate's DER into the parts we read ourselves. */
export function rawParts(der: Buffer): RawCertParts {
  const l = certificateLayout(der);
  const sigOid = children(l.sigAlg)[0];
  if (!sigOid || sigOid.tag !== TAG.OID) throw new DerError('the signature algorithm has no OBJECT IDENTIFIER');
  return { tbs: l.tbs, sigAlgOid: decodeOid(sigOid.value), issuerDer: l.issuer.raw, subjectDer: l.subject.raw, spkiDer: l.spki.raw, extensions: extensionList(l.extensions) };
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
        // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
        const parts = children(only(value, TAG.SEQUENCE, 'basicConstraints'));
        let ca = false;
        let pathLen: number | undefined;
        let k = 0;
        if (parts[k]?.tag === TAG.BOOLEAN) {
          ca = decodeBoolean(parts[k++]!.value);
          if (!ca) throw new DerError('basicConstraints encodes "cA: FALSE" explicitly (DER requires leaving the default out)');
        }
        if (parts[k]?.tag === TAG.INTEGER) {
          pathLen = decodeInteger(parts[k++]!.value);
          if (pathLen > 255) throw new DerError(`a pathLenConstraint of ${pathLen} (Chrome reads at most 255)`);
        }
        if (k !== parts.length) throw new DerError('basicConstraints holds something other than cA and pathLenConstraint');
        info.basicConstraints = { ca, critical, ...(pathLen !== undefined ? { pathLen } : {}) };
        break;
      }
      case EXT.keyUsage: {
        const bs = only(value, TAG.BIT_STRING, 'keyUsage');
        checkBitString(bs.value, 'keyUsage');
        const bits = bitString(bs.value);
        if (!bits.some(Boolean)) throw new DerError('a keyUsage with no bit set (RFC 5280 requires at least one)');
        info.keyUsage = { usages: KU_NAMES.filter((_, i) => bits[i]), critical };
        break;
      }
      case EXT.extKeyUsage: {
        const oids = children(only(value, TAG.SEQUENCE, 'extKeyUsage'));
        if (!oids.length) throw new DerError('an empty extKeyUsage (it must hold at least one purpose)');
        // Chromium compares purposes by their bytes: an OID not in its shortest form is simply another purpose
        const usages = oids.map((o) => {
          if (o.tag !== TAG.OID) throw new DerError('an extKeyUsage entry that is not an OBJECT IDENTIFIER');
          try {
            return oidName(decodeOid(o.value));
          } catch {
            return `malformed-oid:${o.value.toString('hex')}`;
          }
        });
        info.extKeyUsage = { usages, critical };
        break;
      }
      case EXT.authorityInfoAccess: {
        const ads = children(only(value, TAG.SEQUENCE, 'authorityInfoAccess'));
        if (!ads.length) throw new DerError('an empty authorityInfoAccess');
        const caIssuers: string[] = [];
        for (const ad of ads) {
          const [method, location, ...more] = ad.tag === TAG.SEQUENCE ? children(ad) : [];
          if (!method || method.tag !== TAG.OID || !location || more.length) throw new DerError('an authorityInfoAccess entry that is not SEQUENCE { OID, GeneralName }');
          if (method.value.equals(CA_ISSUERS_OID) && location.tag === 0x86) caIssuers.push(location.value.toString('latin1'));
        }
        info.caIssuers = caIssuers;
        info.otherExtensions.push({ oid, critical });
        break;
      }
      case EXT.subjectAltName:
        info.subjectAltName = { ...parseGeneralNames(value), critical };
        break;
      case EXT.nameConstraints:
        info.nameConstraints = parseNameConstraints(value, critical);
        break;
      case EXT.subjectKeyIdentifier:
        info.subjectKeyId = colonHex(only(value, TAG.OCTET_STRING, 'subjectKeyIdentifier').value);
        break;
      case EXT.authorityKeyIdentifier: {
        // SEQUENCE { keyIdentifier [0] OPTIONAL, authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL }
        const parts = children(only(value, TAG.SEQUENCE, 'authorityKeyIdentifier'));
        let last = -1;
        for (const c of parts) {
          const n = [0x80, 0xa1, 0x82].indexOf(c.tag);
          if (n <= last) throw new DerError('an authorityKeyIdentifier with unexpected or repeated fields');
          last = n;
        }
        const kid = parts.find((c) => c.tag === 0x80);
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
