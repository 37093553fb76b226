// chrome-policy.json, judged by real Chromium: dropped into /etc/chromium/policies/managed, it makes
// Chromium trust a camera under the root, and refuse a name outside the --permit constraints.
// (zz-: it touches a machine-wide folder, so it sorts last; the file has a unique name and is removed.)
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x from '../../src/main/ca/x509.js';
import { describe as describeCert } from '../../src/main/cert/describe.js';
import { buildPack } from '../../src/main/pack/generate.js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { keyPair, makeRoot } from '../helpers/certs.js';
import { chromeVerdicts, findTool, makeNssHome } from '../helpers/oracles.js';

const POLICY_DIR = '/etc/chromium/policies/managed';

/** Chromium reads machine-wide policy only from here: the test needs root (as .ci/run has). */
function requireWritablePolicyDir(): void {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
  } catch {
    throw new Error(`${POLICY_DIR} is not writable; this test needs root`);
  }
}

findTool('chromium');
requireWritablePolicyDir();

describe('chrome-policy.json in real Chromium', () => {
  // Chromium merges the folder's files and the last name in sort order wins a conflict: zz- keeps ours in force.
  const policyFile = join(POLICY_DIR, `zz-lantrust-test-${randomBytes(6).toString('hex')}.json`);
  const cams: SimCamera[] = [];
  const nss = makeNssHome();
  let inside = '';
  let outside = '';
  let policyJson = '';

  beforeAll(async () => {
    // An unconstrained root: whatever Chromium refuses here, the policy's constraints refused.
    const root = makeRoot({ constraints: null, key: 'ec-p256' });
    const rootKp = keyPair('ec-p256');
    const pack = buildPack({ rootDer: root.der, info: describeCert(root.der).info, company: 'Policy Co', permitDns: ['cams.test'], permitCidr: ['192.168.0.0/16'] });
    policyJson = pack.files.find((f) => f.name === 'chrome-policy.json')!.data.toString();
    const leaf = (dns: string) => {
      const kp = keyPair('ec-p384');
      const der = x.buildCertificate({
        subject: [['CN', dns]],
        issuer: [['O', 'Test Co'], ['CN', 'Test Root']],
        notBefore: new Date(Date.now() - 3600e3),
        notAfter: new Date(Date.now() + 90 * 864e5),
        publicKey: kp.publicKey,
        signingKey: rootKp.privateKey,
        extensions: [x.basicConstraints(false, undefined, true), x.keyUsage(['digitalSignature']), x.extKeyUsage(['serverAuth']), x.subjectAltName({ dns: [dns] }), x.authorityKeyIdentifier(rootKp.publicKey)],
      });
      return { key: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: new X509Certificate(der).toString() };
    };
    for (const name of ['cam1.cams.test', 'evil.test']) cams.push(await startCamera({ ...leaf(name) }));
    inside = `https://cam1.cams.test:${cams[0]!.port}/axis-cgi/jpg/image.cgi`;
    outside = `https://evil.test:${cams[1]!.port}/axis-cgi/jpg/image.cgi`;
  });

  afterAll(async () => {
    rmSync(policyFile, { force: true });
    for (const c of cams) await c.close();
    nss.cleanup();
  });

  it('uses CACertificatesWithConstraints with the --permit names', () => {
    const p = JSON.parse(policyJson) as { CACertificatesWithConstraints: { certificate: string; constraints: Record<string, string[]> }[] };
    expect(p.CACertificatesWithConstraints[0]!.constraints).toEqual({ permitted_dns_names: ['cams.test'], permitted_cidrs: ['192.168.0.0/16'] });
  });

  it('trusts a camera inside the constraints and refuses one outside (and nothing without the policy)', async () => {
    const opts = { home: nss.home, hostRules: 'MAP *.test 127.0.0.1' };
    const before = await chromeVerdicts([inside], opts);
    expect(before.get(inside)).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    writeFileSync(policyFile, policyJson);
    expect(existsSync(policyFile)).toBe(true);
    const after = await chromeVerdicts([inside, outside], opts);
    expect(after.get(inside)).toBe('net::OK');
    expect(after.get(outside)).toMatch(/^net::ERR_CERT_/);
    expect(after.get(outside)).not.toBe('net::OK');
  });
});
