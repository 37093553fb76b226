// Reading certificate files: PEM (one or many blocks), DER (.cer/.crt), PKCS#7 bundles.
// Private keys and PKCS#12 are refused: nothing lantrust hands out may ever carry a key.
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { children, decodeInteger, decodeOid, readOne, TAG } from './der.js';
import { describe, type ParsedCert } from './describe.js';
import { hasPemArmour, pemBlocks } from './pem.js';

/** Largest file we accept as "a certificate file": a chain of a dozen certificates is ~20 KB. */
export const MAX_CERT_FILE_BYTES = 1024 * 1024;

const PRIVATE_KEY_SENTENCE = 'contains a private key; never distribute it — give out only the certificate (e.g. root.pem), and keep the key with the CA';

const OID_PKCS7_DATA = '1.2.840.113549.1.7.1';
const OID_PKCS7_SIGNED = '1.2.840.113549.1.7.2';

export type DerKind = 'certificate' | 'pkcs7' | 'pkcs12' | 'private-key' | 'unknown';

/** Classifies a DER blob by its shape, without trusting it. */
export function classifyDer(der: Buffer): DerKind {
  let top;
  try {
    top = readOne(der);
  } catch {
    return 'unknown';
  }
  if (top.tag !== TAG.SEQUENCE) return 'unknown';
  let parts;
  try {
    parts = children(top);
  } catch {
    return 'unknown';
  }
  const [a, b, c] = parts;
  if (!a) return 'unknown';
  // Certificate: SEQUENCE { tbs SEQUENCE, sigAlg SEQUENCE, sig BIT STRING }
  if (a.tag === TAG.SEQUENCE && b?.tag === TAG.SEQUENCE && c?.tag === TAG.BIT_STRING && parts.length === 3) return 'certificate';
  if (a.tag === TAG.OID) {
    const oid = decodeOid(a.value);
    if (oid === OID_PKCS7_SIGNED) return 'pkcs7';
  }
  if (a.tag === TAG.INTEGER) {
    const v = decodeInteger(a.value);
    // PFX: version 3, then ContentInfo (data)
    if (v === 3 && b?.tag === TAG.SEQUENCE) {
      try {
        const ci = children(b);
        if (ci[0]?.tag === TAG.OID && [OID_PKCS7_DATA, OID_PKCS7_SIGNED].includes(decodeOid(ci[0].value))) return 'pkcs12';
      } catch {
        /* fall through */
      }
    }
    // PKCS#8: version 0|1, AlgorithmIdentifier, OCTET STRING; PKCS#1 RSA: version 0, INTEGER n...; SEC1 EC: version 1, OCTET STRING
    if (v <= 1 && b?.tag === TAG.SEQUENCE && c?.tag === TAG.OCTET_STRING) return 'private-key';
    if (v === 0 && b?.tag === TAG.INTEGER && parts.length >= 9) return 'private-key';
    if (v === 1 && b?.tag === TAG.OCTET_STRING) return 'private-key';
  }
  // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }
  if (a.tag === TAG.SEQUENCE && b?.tag === TAG.OCTET_STRING && parts.length === 2) return 'private-key';
  return 'unknown';
}

/** Certificates inside a PKCS#7 SignedData (a .p7b bundle, or a "certs-only" AIA answer). */
export function certsFromPkcs7(der: Buffer): Buffer[] {
  const [, content] = children(readOne(der));
  if (!content) return [];
  const signedData = children(content)[0];
  if (!signedData) return [];
  const certSet = children(signedData).find((t) => t.tag === 0xa0);
  return certSet ? children(certSet).map((t) => Buffer.from(t.raw)) : [];
}

function certsFromPkcs7Checked(der: Buffer, label: string): Buffer[] {
  try {
    return certsFromPkcs7(der);
  } catch {
    throw new UserError(`${label} holds a PKCS#7 bundle that is damaged or truncated; export it again.`);
  }
}

export interface ReadResult {
  certs: ParsedCert[];
  /** Where the certificates came from: 'pem', 'der', 'pkcs7'. */
  format: 'pem' | 'der' | 'pkcs7';
}

function parseCert(der: Buffer, label: string): ParsedCert {
  try {
    return describe(der);
  } catch {
    throw new UserError(`${label} holds a certificate that cannot be parsed (damaged or truncated); export it again from the CA.`);
  }
}

/** Parses certificate bytes; `label` names the source in messages. */
export function readCertificatesFromBuffer(data: Buffer, label: string): ReadResult {
  if (data.length === 0) throw new UserError(`${label} is empty; expected a certificate (PEM or DER).`);
  if (data.length > MAX_CERT_FILE_BYTES) {
    throw new UserError(`${label} is ${(data.length / 1048576).toFixed(1)} MB, far larger than any certificate file; check that this is the right file.`);
  }
  const text = data.toString('latin1');
  if (hasPemArmour(text)) {
    const blocks = pemBlocks(text, label);
    if (blocks.some((b) => /PRIVATE KEY/.test(b.type))) throw new UserError(`${label} ${PRIVATE_KEY_SENTENCE}.`);
    const certs: ParsedCert[] = [];
    for (const { type, der } of blocks) {
      if (type === 'CERTIFICATE' || type === 'X509 CERTIFICATE' || type === 'TRUSTED CERTIFICATE') {
        if (classifyDer(der) !== 'certificate') throw new UserError(`${label} has a "${type}" block that is damaged or truncated; export the certificate again.`);
        certs.push(parseCert(der, label));
      } else if (type === 'PKCS7' || type === 'CMS') {
        for (const c of certsFromPkcs7Checked(der, label)) certs.push(parseCert(c, label));
      } else if (type === 'CERTIFICATE REQUEST' || type === 'NEW CERTIFICATE REQUEST') {
        throw new UserError(`${label} is a certificate request (CSR), not a certificate; sign it with \`lantrust ca sign --csr ${label}\`.`);
      }
    }
    if (!certs.length) {
      const types = [...new Set(blocks.map((b) => b.type))];
      throw new UserError(`${label} has no certificate in it${types.length ? ` (found: ${types.slice(0, 4).join(', ')}${types.length > 4 ? ', ...' : ''})` : ''}.`);
    }
    return { certs, format: 'pem' };
  }
  // Base64 without PEM armour (some Windows exports); decode and retry as DER.
  const compact = text.replace(/\s+/g, '');
  let der = data;
  if (compact.length > 100 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) der = Buffer.from(compact, 'base64');
  const kind = classifyDer(der);
  switch (kind) {
    case 'certificate':
      return { certs: [parseCert(der, label)], format: 'der' };
    case 'pkcs7': {
      const certs = certsFromPkcs7Checked(der, label).map((c) => parseCert(c, label));
      if (!certs.length) throw new UserError(`${label} is a PKCS#7 bundle with no certificate in it.`);
      return { certs, format: 'pkcs7' };
    }
    case 'pkcs12':
      throw new UserError(`${label} is a PKCS#12 (.pfx/.p12) file, which ${PRIVATE_KEY_SENTENCE}.`);
    case 'private-key':
      throw new UserError(`${label} ${PRIVATE_KEY_SENTENCE}.`);
    default:
      if (der[0] === 0x30) throw new UserError(`${label} looks like a damaged or truncated DER certificate; export it again.`);
      throw new UserError(`${label} is not a certificate: it is neither PEM nor DER.`);
  }
}

/** Reads a certificate file given on the command line; every failure is one sentence (exit 2). */
export async function readCertificatesFromFile(path: string): Promise<ReadResult> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new UserError(`${path} does not exist; give the path of the root certificate (e.g. ca/root.pem).`);
  }
  if (st.isDirectory()) throw new UserError(`${path} is a folder; give the certificate file inside it (e.g. ${path}/root.pem).`);
  if (st.size > MAX_CERT_FILE_BYTES) {
    throw new UserError(`${path} is ${(st.size / 1048576).toFixed(1)} MB, far larger than any certificate file; check that this is the right file.`);
  }
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    throw new UserError(`cannot read ${path}; check its permissions.`);
  }
  return readCertificatesFromBuffer(data, path);
}

/** Reads a file that must hold exactly one certificate (a root). */
export async function readOneCertificate(path: string): Promise<ParsedCert> {
  const { certs } = await readCertificatesFromFile(path);
  if (certs.length > 1) {
    // a bundle: the root is the self-issued one, if there is exactly one
    const roots = certs.filter((c) => c.info.selfIssued);
    if (roots.length === 1) return roots[0]!;
    throw new UserError(`${path} holds ${certs.length} certificates; give a file with just the root certificate.`);
  }
  return certs[0]!;
}

/**
 * The DER of every CERTIFICATE block in PEM text, without checking the certificates: for reading back
 * what trusted tools (certutil, our own anchor files, OS bundles of a few hundred roots) wrote.
 * User input goes through readCertificates*.
 */
export function pemCertificates(text: string): Buffer[] {
  return pemBlocks(text, 'the certificate bundle', 100_000)
    .filter((b) => b.type === 'CERTIFICATE')
    .map((b) => b.der);
}

export { toPem } from './pem.js';
