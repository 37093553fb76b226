// Opens a code-signing PFX in memory to check the password and find the signer before any file is touched.
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
  const ders = certBags.filter((b) => b.cert).map((b) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert!)).getBytes(), 'binary'));
  if (ders.length === 0) throw new UserError(`${path} holds a key but no certificate; export the code-signing certificate with its chain as .pfx.`);
  // The signer is the certificate whose public key matches the private key; fall back to the first leaf.
  const keyPub = publicOf(keys[0]!.key);
  const parsed = ders.map((d) => describe(d));
  const signerIdx = Math.max(
    0,
    parsed.findIndex((p) => p.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(keyPub ?? Buffer.alloc(0))),
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

function publicOf(key: forge.pki.PrivateKey | undefined): Buffer | undefined {
  if (!key) return undefined;
  try {
    const rsa = key as forge.pki.rsa.PrivateKey;
    const pub = forge.pki.setRsaPublicKey(rsa.n, rsa.e);
    return Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(pub)).getBytes(), 'binary');
  } catch {
    return undefined; // EC keys: forge can't derive the public key; the first certificate is the signer.
  }
}
