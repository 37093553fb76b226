// PKCS#10 certificate requests (RFC 2986) built on Node's crypto: what a device makes from its own key
// (the simulated Axis camera's get_csr), and what `deploy --key upload` makes for a key it generated.
// The CA side (src/main/ca/csr.ts) parses and checks them; OpenSSL `req -verify` is the second opinion.
import { sign, type KeyObject } from 'node:crypto';
import { TAG, encodeInteger, tlv } from '../cert/der.js';
import { toPem } from '../cert/pem.js';
import { defaultHash, encodeName, encodeOid, publicKeyOf, sigAlgorithm, spkiDer, subjectAltName } from './x509.js';

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export interface CsrSpec {
  key: KeyObject;
  /** Subject as [type, value] pairs, e.g. [['CN', 'lobby-cam']]. */
  subject: [string, string][];
  /** Names requested in a subjectAltName extension (left out when both are empty). */
  dns?: string[];
  ip?: string[];
}

/** A signed PKCS#10 request, DER. */
export function buildCsr(spec: CsrSpec): Buffer {
  const type = spec.key.asymmetricKeyType;
  const hash = defaultHash(spec.key);
  const alg = sigAlgorithm(spec.key, hash);
  const names = { dns: spec.dns ?? [], ip: spec.ip ?? [] };
  const attrs: Buffer[] = [];
  if (names.dns.length || names.ip.length) {
    const san = subjectAltName(names);
    const ext = tlv(TAG.SEQUENCE, encodeOid(san.oid), tlv(TAG.OCTET_STRING, san.value));
    attrs.push(tlv(TAG.SEQUENCE, encodeOid(OID_EXTENSION_REQUEST), tlv(TAG.SET, tlv(TAG.SEQUENCE, ext))));
  }
  const info = tlv(TAG.SEQUENCE, encodeInteger(0), encodeName(spec.subject), spkiDer(spec.key.type === 'private' ? publicKeyOf(spec.key) : spec.key), tlv(0xa0, ...attrs));
  const signature = sign(hash, info, type === 'ec' ? { key: spec.key, dsaEncoding: 'der' } : spec.key);
  return tlv(TAG.SEQUENCE, info, alg, tlv(TAG.BIT_STRING, Buffer.from([0]), signature));
}

export function buildCsrPem(spec: CsrSpec): string {
  return toPem(buildCsr(spec), 'CERTIFICATE REQUEST');
}
