// `ca sign --csr`: certificates for devices that keep their own key (Axis: create_certificate -> get_csr).
// The CSR is parsed with our strict DER reader and its self-signature checked with Node's crypto.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { children, decodeOid, readOne, TAG, type Tlv } from '../cert/der.js';
import { EXT } from '../cert/oids.js';
import { bytesToIp } from '../constraints/cidr.js';
import { UserError } from '../errors.js';
import { chainPemOf, checkAgainstCa, normalizeDevice, recordOf, signLeaf, validateDays, validateLabel, type CheckedDevice, type IssuedCertificate, type LeafOptions } from './issue.js';
import { keyTypeOf } from './keys.js';
import { withCaLock } from './lock.js';
import { appendIssued, assertNotCaFile, openCa, readCaCertificates, writeFileAtomic, type OpenCa } from './store.js';
import { hasPemArmour, pemBlocks, toPem } from '../cert/pem.js';
import { MAX_CERT_FILE_BYTES } from '../cert/read.js';

export interface ParsedCsr {
  publicKey: KeyObject;
  commonName?: string;
  dns: string[];
  ip: string[];
  /** Names of other types in the request (email, URI...), which lantrust does not put in device certificates. */
  ignored: string[];
}

const SIG_HASH: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.10045.4.1': 'sha1',
};
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_CN = '2.5.4.3';

function csrDer(data: Buffer, label: string): Buffer {
  const text = data.toString('latin1');
  if (hasPemArmour(text)) {
    const block = pemBlocks(text, label).find((b) => b.type === 'CERTIFICATE REQUEST' || b.type === 'NEW CERTIFICATE REQUEST');
    if (block) return block.der;
    throw new UserError(`${label} is not a certificate request (no "BEGIN CERTIFICATE REQUEST" block); give the CSR the device made.`);
  }
  if (data[0] === 0x30) return data;
  throw new UserError(`${label} is not a certificate request (neither PEM nor DER); give the CSR the device made.`);
}

/** The request's parts, read without trusting their shape. */
interface CsrParts {
  cri: Tlv;
  algOid: string;
  signature: Buffer;
  spki: Tlv;
  commonName?: string;
  san: Tlv[];
}

function csrParts(der: Buffer): CsrParts {
  const [cri, sigAlg, sig, ...extra] = children(readOne(der));
  if (!cri || !sigAlg || !sig || extra.length || sig.tag !== TAG.BIT_STRING) throw new Error('shape');
  const [version, subject, spki, attrs] = children(cri);
  if (!version || !subject || !spki || subject.tag !== TAG.SEQUENCE || spki.tag !== TAG.SEQUENCE) throw new Error('shape');
  const algId = children(sigAlg)[0];
  if (!algId || algId.tag !== TAG.OID) throw new Error('shape');
  const out: CsrParts = { cri, algOid: decodeOid(algId.value), signature: sig.value.subarray(1), spki, san: [] };
  for (const rdn of children(subject)) {
    for (const atv of children(rdn)) {
      const [oid, value] = children(atv);
      if (!oid || !value || oid.tag !== TAG.OID) throw new Error('shape');
      if (decodeOid(oid.value) === OID_CN) out.commonName = value.value.toString('utf8');
    }
  }
  for (const attr of attrs ? children(attrs) : []) {
    const [oid, values] = children(attr);
    if (!oid || !values || oid.tag !== TAG.OID) throw new Error('shape');
    if (decodeOid(oid.value) !== OID_EXTENSION_REQUEST) continue;
    for (const exts of children(values)) {
      for (const ext of children(exts)) {
        const parts = children(ext);
        const [extOid] = parts;
        const value = parts[parts.length - 1];
        if (!extOid || !value || parts.length < 2 || extOid.tag !== TAG.OID || value.tag !== TAG.OCTET_STRING) throw new Error('shape');
        if (decodeOid(extOid.value) === EXT.subjectAltName) out.san.push(...children(readOne(value.value)));
      }
    }
  }
  return out;
}

/** Parses a PKCS#10 request and checks its self-signature; every failure is one sentence. */
export function parseCsr(data: Buffer, label = 'the CSR'): ParsedCsr {
  const der = csrDer(data, label);
  let p: CsrParts;
  try {
    p = csrParts(der);
  } catch {
    throw new UserError(`${label} is damaged or truncated (not a well-formed PKCS#10 request); export the CSR from the device again.`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: p.spki.raw, format: 'der', type: 'spki' });
  } catch {
    throw new UserError(`${label} holds a public key lantrust cannot read; make the request with an EC P-256/P-384 or RSA 2048+ key.`);
  }
  const hash = SIG_HASH[p.algOid];
  if (!hash) throw new UserError(`${label} is signed with an algorithm lantrust does not check (${p.algOid}); make the request with ECDSA or RSA PKCS#1 v1.5 and SHA-256.`);
  let valid = false;
  try {
    valid = verify(hash, p.cri.raw, publicKey.asymmetricKeyType === 'ec' ? { key: publicKey, dsaEncoding: 'der' } : publicKey, p.signature);
  } catch {
    valid = false; // a signature OpenSSL can't even decode
  }
  if (!valid) throw new UserError(`${label} has a signature that does not match its key (damaged or altered); export the CSR from the device again.`);
  const kd = publicKey.asymmetricKeyDetails ?? {};
  if (publicKey.asymmetricKeyType === 'rsa' && (kd.modulusLength ?? 0) < 2048) throw new UserError(`${label} has a ${kd.modulusLength}-bit RSA key, which Chrome calls weak; make the request with RSA 2048+ or EC P-256.`);
  if (publicKey.asymmetricKeyType === 'ec' && !['prime256v1', 'secp384r1', 'secp521r1'].includes(kd.namedCurve ?? '')) throw new UserError(`${label} uses the curve ${kd.namedCurve}, which Chrome does not accept; make the request with P-256 or P-384.`);
  if (publicKey.asymmetricKeyType !== 'rsa' && publicKey.asymmetricKeyType !== 'ec') throw new UserError(`${label} has a ${publicKey.asymmetricKeyType} key, which Chrome does not accept for HTTPS; make the request with EC P-256 or RSA 2048+.`);

  const out: ParsedCsr = { publicKey, ...(p.commonName !== undefined ? { commonName: p.commonName } : {}), dns: [], ip: [], ignored: [] };
  for (const gn of p.san) {
    const t = gn.tag & 0x1f;
    if (t === 2) out.dns.push(gn.value.toString('latin1'));
    else if (t === 7 && (gn.value.length === 4 || gn.value.length === 16)) out.ip.push(bytesToIp(gn.value));
    else out.ignored.push(t === 1 ? `email ${gn.value.toString('latin1')}` : t === 6 ? `URI ${gn.value.toString('latin1')}` : `name type ${t}`);
  }
  return out;
}

export interface SignCsrOptions extends LeafOptions {
  dir: string;
  /** Path of the CSR file, or its bytes (PEM or DER). */
  csr: string | Buffer;
  /** Label (certificate CN and issued.jsonl name); default: the CSR's CN when it is a label, else the first name. */
  label?: string;
  passphrase?: string | null;
  /** Writes the leaf followed by any intermediate here; absent: only returned. */
  out?: string;
}

export interface SignedCsr extends IssuedCertificate {
  /** Where the chain was written, when `out` was given. */
  out?: string;
  /** Names in the CSR lantrust left out (not DNS or IP). */
  ignored: string[];
  /** True when the CSR had no SAN and its CN (an IP or host name) was used as the name. */
  fromCommonName: boolean;
}

async function readCsrInput(csr: string | Buffer): Promise<{ data: Buffer; label: string }> {
  if (typeof csr !== 'string') return { data: csr, label: 'the CSR' };
  const size = await stat(csr).then((st) => (st.isFile() ? st.size : -1), () => -1);
  if (size < 0) throw new UserError(`cannot read the CSR ${csr}; check the path.`);
  // A request is a few hundred bytes: never read a huge file whole.
  if (size > MAX_CERT_FILE_BYTES) throw new UserError(`${csr} is ${(size / 1048576).toFixed(1)} MB, far larger than any certificate request; check that this is the right file.`);
  try {
    return { data: await readFile(csr), label: csr };
  } catch {
    throw new UserError(`cannot read the CSR ${csr}; check the path.`);
  }
}

/** The CSR's names when it has no SAN: older devices put the host name or address only in the CN. */
function namesFromCommonName(csr: ParsedCsr): boolean {
  if (csr.dns.length || csr.ip.length || !csr.commonName) return false;
  const cn = csr.commonName.trim();
  if (/^[0-9.]+$|:/.test(cn)) csr.ip.push(cn);
  else if (cn.includes('.')) csr.dns.push(cn);
  return csr.ip.length + csr.dns.length > 0;
}

/** Signs for `dev` with an open CA and records it in issued.jsonl (the caller holds the CA lock or takes it here). */
async function signChecked(ca: OpenCa, csr: ParsedCsr, dev: CheckedDevice, opts: LeafOptions, out?: string): Promise<IssuedCertificate> {
  const leaf = signLeaf(ca, dev, csr.publicKey, opts);
  const chainPem = chainPemOf(ca, leaf.der);
  if (out) await writeFileAtomic(out, chainPem);
  const record = recordOf(dev, leaf, keyTypeOf(csr.publicKey), 'csr', out);
  await withCaLock(ca.dir, () => appendIssued(ca.dir, [record]));
  return { label: dev.label, dns: dev.dns, ip: dev.ip, serial: record.serial, sha256: record.sha256, notBefore: record.notBefore, notAfter: record.notAfter, certPem: toPem(leaf.der), chainPem };
}

export async function signCsr(opts: SignCsrOptions): Promise<SignedCsr> {
  const { data, label } = await readCsrInput(opts.csr);
  validateDays(opts.days);
  const csr = parseCsr(data, label);
  const fromCommonName = namesFromCommonName(csr);
  if (!csr.dns.length && !csr.ip.length) throw new UserError(`${label} asks for no IP address or DNS name (no subjectAltName); make the request again with the device's address and name as SANs.`);
  const cnLabel = csr.commonName && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(csr.commonName) ? csr.commonName : undefined;
  const dev = normalizeDevice({ ...(opts.label ? { label: validateLabel(opts.label) } : cnLabel ? { label: cnLabel } : {}), dns: csr.dns, ip: csr.ip });
  const out = opts.out ? resolve(opts.out) : undefined;
  return withCaLock(opts.dir, async () => {
    const certs = await readCaCertificates(opts.dir);
    checkAgainstCa(certs, dev);
    if (out) await assertNotCaFile(opts.dir, certs.settings, [out]);
    const ca = await openCa(opts.dir, opts.passphrase, certs);
    const signed = await signChecked(ca, csr, dev, opts, out);
    return { ...signed, ...(out ? { out } : {}), ignored: csr.ignored, fromCommonName };
  });
}

/**
 * A device that made its own key (Axis create_certificate -> get_csr): the certificate is issued for
 * the names the admin gave for `dev` (checked against the CA's constraints, as `ca sign` does); the
 * request only supplies the key, and must prove it holds it (self-signature, an acceptable key).
 * Many devices can be signed with one `openCa` (one passphrase unlock).
 */
export async function signCsrForDevice(ca: OpenCa, csr: Buffer, dev: CheckedDevice, opts: LeafOptions = {}): Promise<SignedCsr> {
  validateDays(opts.days);
  const parsed = parseCsr(csr, `the request from ${dev.label}`);
  checkAgainstCa(ca, dev);
  const signed = await signChecked(ca, parsed, dev, opts);
  return { ...signed, ignored: [], fromCommonName: false };
}
