// The part of the camera's certificate that Chrome's TLS code (BoringSSL's ssl_cert.cc) reads during the
// handshake, before any verification: the outer structure up to the public key, and the extensions as
// far as keyUsage, whose bits it checks against the key exchange. DER errors here end the handshake with
// ERR_SSL_PROTOCOL_ERROR (measured on Chromium 156); a keyUsage without the needed bit is
// ERR_SSL_KEY_USAGE_INCOMPATIBLE, for RSA and ECDSA leaves alike.
import { children, DerError, readOne, readTlv, TAG, type Tlv } from '../cert/der.js';
import { checkBitString } from '../cert/describe.js';

const KEY_USAGE_OID = Buffer.from([0x55, 0x1d, 0x0f]);

export interface TlsLayerRead {
  /** The keyUsage BIT STRING contents (unused-bits octet first), when the extension is there. */
  keyUsage?: Buffer;
}

/** Reads the TLV at `pos` inside `t`, requiring `tag`. */
function take(t: Tlv, pos: number, tag: number, what: string): Tlv {
  if (pos >= t.value.length) throw new DerError(`${what} is missing`);
  const c = readTlv(t.value, pos);
  if (c.tag !== tag) throw new DerError(`${what} has the wrong type`);
  return c;
}

/** Throws DerError where BoringSSL's TLS code would refuse the leaf. */
export function readLeafAsTls(der: Buffer): TlsLayerRead {
  const top = readOne(der);
  if (top.tag !== TAG.SEQUENCE) throw new DerError('the certificate is not a SEQUENCE');
  const tbs = take(top, 0, TAG.SEQUENCE, 'tbsCertificate');
  let p = 0;
  const next = (tag: number, what: string): Tlv => {
    const c = take(tbs, p, tag, what);
    p = c.end;
    return c;
  };
  const optional = (tag: number): Tlv | undefined => {
    if (p < tbs.value.length && tbs.value[p] === tag) return next(tag, '');
    return undefined;
  };
  optional(0xa0);
  next(TAG.INTEGER, 'the serial number');
  next(TAG.SEQUENCE, 'the signature algorithm');
  next(TAG.SEQUENCE, 'the issuer name');
  next(TAG.SEQUENCE, 'the validity');
  next(TAG.SEQUENCE, 'the subject name');
  const spki = next(TAG.SEQUENCE, 'the public key');
  readPublicKey(spki);
  optional(0x81);
  optional(0x82);
  const wrap = optional(0xa3);
  if (!wrap) return {};
  const list = take(wrap, 0, TAG.SEQUENCE, 'the extensions');
  let q = 0;
  while (q < list.value.length) {
    const ext = take(list, q, TAG.SEQUENCE, 'an extension');
    q = ext.end;
    let r = 0;
    const oid = take(ext, r, TAG.OID, "an extension's OID");
    r = oid.end;
    if (r < ext.value.length && ext.value[r] === TAG.BOOLEAN) r = take(ext, r, TAG.BOOLEAN, "an extension's critical flag").end;
    const contents = take(ext, r, TAG.OCTET_STRING, "an extension's value");
    if (contents.end !== ext.value.length) throw new DerError('an extension with trailing data');
    if (!oid.value.equals(KEY_USAGE_OID)) continue;
    // the first keyUsage ends the walk: BoringSSL reads no further
    const bits = take(contents, 0, TAG.BIT_STRING, 'keyUsage');
    if (bits.end !== contents.value.length) throw new DerError('keyUsage with trailing data');
    checkBitString(bits.value, 'keyUsage');
    return { keyUsage: Buffer.from(bits.value) };
  }
  return {};
}

/** SubjectPublicKeyInfo as EVP_parse_public_key reads it: structure, and the RSA integers in DER. */
function readPublicKey(spki: Tlv): void {
  const [alg, key, ...rest] = children(spki);
  if (!alg || alg.tag !== TAG.SEQUENCE || !key || key.tag !== TAG.BIT_STRING || rest.length) throw new DerError('the public key is not SEQUENCE { algorithm, BIT STRING }');
  const [oid] = children(alg);
  if (!oid || oid.tag !== TAG.OID) throw new DerError("the public key's algorithm has no OID");
  if (key.value[0] !== 0) throw new DerError('the public key BIT STRING has unused bits');
  // rsaEncryption: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
  if (oid.value.equals(Buffer.from('2a864886f70d010101', 'hex'))) {
    const ints = children(readOne(key.value.subarray(1)));
    if (ints.length !== 2 || ints.some((i) => i.tag !== TAG.INTEGER)) throw new DerError('the RSA public key is not SEQUENCE { INTEGER, INTEGER }');
  }
}

/** Does a keyUsage BIT STRING (as read above) assert bit `n` (0 = digitalSignature, 2 = keyEncipherment)? */
export function keyUsageHas(bits: Buffer, n: number): boolean {
  const byte = bits[1 + (n >> 3)];
  return byte !== undefined && ((byte >> (7 - (n & 7))) & 1) === 1;
}
