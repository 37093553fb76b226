// PKCS#12 (.p12) for devices that import key + certificate in one file (Axis install_from_pkcs12).
// Written by hand because node-forge's PKCS#12 handles only RSA keys and Axis defaults to EC P-256.
// Profile = what `openssl pkcs12 -export` makes in OpenSSL 3: key in a PBES2 (PBKDF2-SHA256,
// AES-256-CBC) shrouded bag, HMAC-SHA256 MAC. Certificates go in a plain bag (they are public).
import { createHash, createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { encodeInteger, tlv, TAG } from '../cert/der.js';
import { encodeOid } from './x509.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
};

const MAC_ITERATIONS = 2048;

const explicit0 = (...c: Buffer[]) => tlv(0xa0, ...c);
const dataContentInfo = (content: Buffer) => tlv(TAG.SEQUENCE, encodeOid(OID.data), explicit0(tlv(TAG.OCTET_STRING, content)));
const attr = (oid: string, value: Buffer) => tlv(TAG.SEQUENCE, encodeOid(oid), tlv(TAG.SET, value));

/** The password as PKCS#12 wants it for the MAC: UTF-16BE with a terminating NUL. */
function bmpPassword(pw: string): Buffer {
  const le = Buffer.from(`${pw}\0`, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

/** RFC 7292 appendix B.2 key derivation (ID 3 = MAC key), SHA-256: u = 32, v = 64. */
export function pkcs12Kdf(password: string, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const u = 32;
  const v = 64;
  const D = Buffer.alloc(v, id);
  const repeat = (src: Buffer) => {
    if (!src.length) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const I = Buffer.concat([repeat(salt), repeat(bmpPassword(password))]);
  const out: Buffer[] = [];
  for (let i = 0; i < Math.ceil(n / u); i++) {
    let A = createHash('sha256').update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash('sha256').update(A).digest();
    out.push(A);
    const B = repeat(A);
    // I_j = (I_j + B + 1) mod 2^(8v), big-endian, for every v-byte block of I
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

export interface Pkcs12Input {
  key: KeyObject;
  /** DER certificates: the device's first, then intermediates. */
  certs: Buffer[];
  password: string;
  /** Shown by Windows / Axis as the certificate's name. */
  friendlyName?: string;
}

export function buildPkcs12(input: Pkcs12Input): Buffer {
  const [leaf, ...rest] = input.certs;
  if (!leaf) throw new Error('a PKCS#12 needs the device certificate');
  const localKeyId = createHash('sha1').update(leaf).digest();
  const leafAttrs = tlv(
    TAG.SET,
    ...(input.friendlyName ? [attr(OID.friendlyName, tlv(0x1e, Buffer.from(input.friendlyName, 'utf16le').swap16()))] : []),
    attr(OID.localKeyId, tlv(TAG.OCTET_STRING, localKeyId)),
  );
  const certBag = (der: Buffer, attrs?: Buffer) =>
    tlv(TAG.SEQUENCE, encodeOid(OID.certBag), explicit0(tlv(TAG.SEQUENCE, encodeOid(OID.x509Certificate), explicit0(tlv(TAG.OCTET_STRING, der)))), ...(attrs ? [attrs] : []));
  const certContents = tlv(TAG.SEQUENCE, certBag(leaf, leafAttrs), ...rest.map((c) => certBag(c)));
  // Node exports PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, the same as OpenSSL 3's pkcs12 default.
  const shrouded = input.key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: input.password });
  const keyContents = tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, encodeOid(OID.shroudedKeyBag), explicit0(shrouded), leafAttrs));
  const authSafe = tlv(TAG.SEQUENCE, dataContentInfo(certContents), dataContentInfo(keyContents));
  const salt = randomBytes(16);
  const macKey = pkcs12Kdf(input.password, salt, 3, MAC_ITERATIONS, 32);
  const mac = createHmac('sha256', macKey).update(authSafe).digest();
  const macData = tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, encodeOid(OID.sha256), tlv(TAG.NULL)), tlv(TAG.OCTET_STRING, mac)), tlv(TAG.OCTET_STRING, salt), encodeInteger(MAC_ITERATIONS));
  return tlv(TAG.SEQUENCE, encodeInteger(3), dataContentInfo(authSafe), macData);
}
