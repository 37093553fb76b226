// A small X.509 certificate builder on Node's crypto: DER by hand, signatures by OpenSSL via Node.
// Used by `lantrust ca` and by tests that need deliberately odd certificates (SHA-1, no SAN, ...).
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { TAG, children, encodeInteger, readOne, tlv } from '../cert/der.js';
import { EXT } from '../cert/oids.js';
import { ipToBytes } from '../constraints/cidr.js';
import { encodeNameConstraints, type ConstraintSet } from '../constraints/model.js';

export type Hash = 'sha256' | 'sha384' | 'sha512' | 'sha1';

export interface Extension {
  oid: string;
  critical: boolean;
  /** DER of the extension value (what goes inside the OCTET STRING). */
  value: Buffer;
}

export interface CertSpec {
  /** Subject as [type, value] pairs, e.g. [['O','Acme'],['CN','Acme Root']] */
  subject: [string, string][];
  /** Issuer DN (defaults to subject: self-signed). */
  issuer?: [string, string][];
  /** Raw issuer Name DER; wins over `issuer` (copy the issuer cert's subject byte for byte). */
  issuerDer?: Buffer;
  serial?: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  /** The issuer's private key (the subject's own for a self-signed root). */
  signingKey: KeyObject;
  hash?: Hash;
  extensions: Extension[];
}

const ATTR_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  serialNumber: '2.5.4.5',
  emailAddress: '1.2.840.113549.1.9.1',
};

export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const bytes: number[] = [parts[0]! * 40 + parts[1]!];
  for (const n of parts.slice(2)) {
    const chunk: number[] = [];
    let v = n;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

export function encodeName(attrs: [string, string][]): Buffer {
  return tlv(
    TAG.SEQUENCE,
    ...attrs.map(([type, value]) => {
      const oid = ATTR_OIDS[type] ?? type;
      const str = type === 'C' ? tlv(TAG.PRINTABLE, Buffer.from(value, 'latin1')) : type === 'emailAddress' ? tlv(TAG.IA5, Buffer.from(value, 'latin1')) : tlv(TAG.UTF8, Buffer.from(value, 'utf8'));
      return tlv(TAG.SET, tlv(TAG.SEQUENCE, encodeOid(oid), str));
    }),
  );
}

function encodeTime(d: Date): Buffer {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  const body = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // YYYYMMDDhhmmssZ
  return y >= 1950 && y < 2050 ? tlv(TAG.UTCTIME, Buffer.from(body.slice(2), 'latin1')) : tlv(TAG.GENTIME, Buffer.from(body, 'latin1'));
}

const NULL = tlv(TAG.NULL);

/** The AlgorithmIdentifier for signing with `key` and `hash` (certificates and requests alike). */
export function sigAlgorithm(key: KeyObject, hash: Hash): Buffer {
  const t = key.asymmetricKeyType;
  if (t === 'ec') {
    const oid = { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' }[hash];
    return tlv(TAG.SEQUENCE, encodeOid(oid));
  }
  if (t === 'rsa') {
    const oid = { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' }[hash];
    return tlv(TAG.SEQUENCE, encodeOid(oid), NULL);
  }
  if (t === 'ed25519') return tlv(TAG.SEQUENCE, encodeOid('1.3.101.112'));
  throw new Error(`cannot sign with a ${t} key`);
}

// SubjectPublicKeyInfo DER per key: a certificate needs it twice (the key, its identifier), and
// exporting through OpenSSL is a measurable share of bulk issuance.
const spkiCache = new WeakMap<KeyObject, Buffer>();
export function spkiDer(publicKey: KeyObject): Buffer {
  let der = spkiCache.get(publicKey);
  if (!der) {
    der = publicKey.export({ type: 'spki', format: 'der' });
    spkiCache.set(publicKey, der);
  }
  return der;
}

/** A fresh positive 128-bit serial (CA/B asks for at least 64 bits of randomness). */
export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0]! &= 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b;
}

export function buildCertificate(spec: CertSpec): Buffer {
  const hash = spec.hash ?? defaultHash(spec.signingKey);
  const alg = sigAlgorithm(spec.signingKey, hash);
  const serial = spec.serial ?? randomSerial();
  const issuerDer = spec.issuerDer ?? encodeName(spec.issuer ?? spec.subject);
  const spki = spkiDer(spec.publicKey);
  const exts = spec.extensions.map((e) => tlv(TAG.SEQUENCE, encodeOid(e.oid), ...(e.critical ? [tlv(TAG.BOOLEAN, Buffer.from([0xff]))] : []), tlv(TAG.OCTET_STRING, e.value)));
  const tbs = tlv(
    TAG.SEQUENCE,
    tlv(0xa0, encodeInteger(2)),
    tlv(TAG.INTEGER, serial),
    alg,
    issuerDer,
    tlv(TAG.SEQUENCE, encodeTime(spec.notBefore), encodeTime(spec.notAfter)),
    encodeName(spec.subject),
    spki,
    ...(exts.length ? [tlv(0xa3, tlv(TAG.SEQUENCE, ...exts))] : []),
  );
  const keyType = spec.signingKey.asymmetricKeyType;
  const signature = sign(keyType === 'ed25519' ? null : hash, tbs, keyType === 'ec' ? { key: spec.signingKey, dsaEncoding: 'der' } : spec.signingKey);
  return tlv(TAG.SEQUENCE, tbs, alg, tlv(TAG.BIT_STRING, Buffer.from([0]), signature));
}

export function defaultHash(key: KeyObject): Hash {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return 'sha384';
  if (curve === 'secp521r1') return 'sha512';
  return 'sha256';
}

// ---------- extensions ----------

export function basicConstraints(ca: boolean, pathLen?: number, critical = true): Extension {
  const body = [...(ca ? [tlv(TAG.BOOLEAN, Buffer.from([0xff]))] : []), ...(ca && pathLen !== undefined ? [encodeInteger(pathLen)] : [])];
  return { oid: EXT.basicConstraints, critical, value: tlv(TAG.SEQUENCE, ...body) };
}

const KU_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

export function keyUsage(usages: string[], critical = true): Extension {
  let bits = 0;
  let highest = -1;
  for (const u of usages) {
    const i = KU_BITS.indexOf(u);
    if (i < 0) throw new Error(`unknown key usage ${u}`);
    bits |= 1 << (15 - i);
    highest = Math.max(highest, i);
  }
  const nbytes = highest >= 8 ? 2 : 1;
  const bytes = nbytes === 2 ? [bits >> 8, bits & 0xff] : [bits >> 8];
  // DER: unused bits = trailing zero bits of the last byte
  const last = bytes[bytes.length - 1]!;
  let unused = 0;
  while (unused < 8 && last !== 0 && !((last >> unused) & 1)) unused++;
  return { oid: EXT.keyUsage, critical, value: tlv(TAG.BIT_STRING, Buffer.from([unused, ...bytes])) };
}

const EKU_OIDS: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

export function extKeyUsage(usages: string[], critical = false): Extension {
  return { oid: EXT.extKeyUsage, critical, value: tlv(TAG.SEQUENCE, ...usages.map((u) => encodeOid(EKU_OIDS[u] ?? u))) };
}

export function subjectAltName(names: { dns?: string[]; ip?: string[] }, critical = false): Extension {
  const gns = [
    ...(names.dns ?? []).map((d) => tlv(0x82, Buffer.from(d, 'latin1'))),
    ...(names.ip ?? []).map((ip) => {
      const b = ipToBytes(ip);
      if (!b) throw new Error(`bad IP ${ip}`);
      return tlv(0x87, b);
    }),
  ];
  return { oid: EXT.subjectAltName, critical, value: tlv(TAG.SEQUENCE, ...gns) };
}

/** keyIdentifier per RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }: hash the key bits
  // (the BIT STRING's contents after its unused-bits octet).
  const [, bits] = children(readOne(spkiDer(publicKey)));
  return createHash('sha1').update(bits!.value.subarray(1)).digest();
}

export function subjectKeyIdentifier(publicKey: KeyObject): Extension {
  return { oid: EXT.subjectKeyIdentifier, critical: false, value: tlv(TAG.OCTET_STRING, keyIdentifier(publicKey)) };
}

export function authorityKeyIdentifier(issuerPublicKey: KeyObject | Buffer): Extension {
  // A Buffer is the issuer's subjectKeyIdentifier as it appears in the issuer certificate.
  const id = Buffer.isBuffer(issuerPublicKey) ? issuerPublicKey : keyIdentifier(issuerPublicKey);
  return { oid: EXT.authorityKeyIdentifier, critical: false, value: tlv(TAG.SEQUENCE, tlv(0x80, id)) };
}

export function nameConstraints(set: ConstraintSet, critical = true): Extension {
  return { oid: EXT.nameConstraints, critical, value: encodeNameConstraints(set) };
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
