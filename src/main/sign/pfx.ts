// Opens a code-signing PFX in memory to check the password and find the signer before any file is touched.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';
import { describe, type CertInfo } from '../cert/describe.js';
import { toPem } from '../cert/read.js';
import { UserError } from '../errors.js';

export interface PfxInfo {
  path: string;
  /** The certificate whose key is in the PFX (the signer). */
  signer: CertInfo;
  /** Every certificate in the PFX, signer first, as PEM: trust anchors for verifying right after signing. */
  chainPem: string;
}

const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** Reads `path` with `password`; every problem is one UserError sentence (missing file, wrong password, no key). */
export async function openPfx(path: string, password: string): Promise<PfxInfo> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    throw new UserError(`cannot read the signing certificate ${path}; check the --pfx path.`);
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(data.toString('binary')), password);
  } catch (e) {
    if (/MAC could not be verified|Invalid password/i.test((e as Error).message)) {
      throw new UserError(
        password
          ? `the password for ${path} is wrong; check the --pass-file (nothing was signed).`
          : `${path} is protected by a password; put it in a file and pass --pass-file FILE (nothing was signed).`,
      );
    }
    throw new UserError(`${path} is not a PKCS#12 (.pfx/.p12) file; export the code-signing certificate with its private key as .pfx.`);
  }
  const keys = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  if (keys.length === 0) throw new UserError(`${path} holds no private key; export the code-signing certificate again with "export the private key" ticked.`);
  // forge parses only RSA; for EC it leaves the decoded ASN.1 in bag.asn1, which Node's crypto reads.
  const ders = certBags
    .map((b) => (b.cert ? forge.pki.certificateToAsn1(b.cert) : b.asn1))
    .filter((a): a is forge.asn1.Asn1 => Boolean(a))
    .map(derOf);
  if (ders.length === 0) throw new UserError(`${path} holds a key but no certificate; export the code-signing certificate with its chain as .pfx.`);
  // The signer is the certificate whose public key matches the private key; fall back to the first one.
  const keyPub = publicOf(keys[0]!);
  const parsed = ders.map((d) => describe(d));
  const signerIdx = Math.max(
    0,
    parsed.findIndex((p) => keyPub !== undefined && p.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(keyPub)),
  );
  const signer = parsed[signerIdx]!;
  const eku = signer.info.extKeyUsage?.usages;
  if (eku && !eku.some((u) => u === 'codeSigning' || u === CODE_SIGNING || u === 'anyExtendedKeyUsage')) {
    throw new UserError(`the certificate in ${path} ("${signer.info.subject}") is not for code signing (its extended key usage is ${eku.join(', ')}); use a code-signing certificate.`);
  }
  if (signer.info.basicConstraints?.ca) {
    throw new UserError(`the certificate in ${path} ("${signer.info.subject}") is a CA certificate, not a code-signing certificate; sign with a code-signing certificate issued under it.`);
  }
  const ordered = [signer, ...parsed.filter((_, i) => i !== signerIdx)];
  return { path, signer: signer.info, chainPem: ordered.map((p) => toPem(p.der)).join('') };
}

function derOf(a: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
}

/** SPKI (DER) of the bag's private key, via Node's crypto so RSA and EC both work. */
function publicOf(bag: forge.pkcs12.Bag): Buffer | undefined {
  try {
    const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
    if (!info) return undefined;
    const key = createPrivateKey({ key: derOf(info), format: 'der', type: 'pkcs8' });
    return createPublicKey(key).export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}
