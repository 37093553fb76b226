// Roots, camera certificates and temp HOMEs for the trust-store tests, all made at test time.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x from '../../src/main/ca/x509.js';
import { makeRoot, tempDir, type RootSpec } from '../helpers/certs.js';

const DAY = 86_400_000;

export interface Pki {
  dir: string;
  rootPem: string;
  rootFile: string;
  rootDer: Buffer;
  sha256: string;
  leafKey: string;
  leafPem: string;
}

/** A root (constrained to cams.test and 127.0.0.0/8 unless told otherwise) and a camera certificate under it. */
export function makePki(spec: RootSpec = {}, dir = tempDir('lantrust-ts-')): Pki {
  const name = spec.name ?? 'Store Test Root';
  const root = makeRoot({ constraints: { permitDns: ['cams.test'], permitCidr: ['127.0.0.0/8'] }, ...spec, name });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leafDer = x.buildCertificate({
    subject: [['CN', 'cam1']],
    issuer: [['O', 'Test Co'], ['CN', name]],
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 300 * DAY),
    publicKey: leaf.publicKey,
    signingKey: root.key,
    extensions: [
      x.basicConstraints(false, undefined, true),
      x.keyUsage(['digitalSignature']),
      x.extKeyUsage(['serverAuth']),
      x.subjectAltName({ dns: ['cam1.cams.test'], ip: ['127.0.0.1'] }),
      x.authorityKeyIdentifier(x.publicKeyOf(root.key)),
    ],
  });
  const rootFile = join(dir, `${name.replace(/\W+/g, '-')}.pem`);
  writeFileSync(rootFile, root.pem);
  const c = new X509Certificate(root.der);
  return {
    dir,
    rootPem: root.pem,
    rootFile,
    rootDer: root.der,
    sha256: c.fingerprint256,
    leafKey: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    leafPem: new X509Certificate(leafDer).toString(),
  };
}

/** Environment for CLI runs: this HOME, and temp folders instead of /etc for the root-only stores. */
export function cliEnv(home: string): Record<string, string> {
  const safe = join(home, '.not-etc');
  mkdirSync(safe, { recursive: true });
  return {
    HOME: home,
    LANTRUST_CHROME_POLICY_DIRS: join(safe, 'chromium-policies'),
    LANTRUST_SYSTEM_ANCHOR_DIR: join(safe, 'anchors'),
    LANTRUST_SYSTEM_UPDATE: 'true',
  };
}
