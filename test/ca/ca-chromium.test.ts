// Real headless Chromium trusting a `ca init` root from an NSS db in a temp HOME: it accepts issued
// certificates by IP and by DNS name, and refuses a leaf for a name outside the constraints that
// OpenSSL signs with the same root key (a leaked-key scenario the constraints exist for).
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCa, issueCertificate, type InitCaResult, type IssuedDevice } from '../../src/main/ca/index.js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { tempDir } from '../helpers/certs.js';
import { chromeVerdicts, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';

findTool('chromium'); // required oracle: missing = failure
findTool('certutil'); // required oracle: missing = failure
const openssl = findTool('openssl');
const PASS = 'camera fleet passphrase';

/** A leaf made the usual openssl way (req + x509 -req) with the CA's own key. */
function opensslLeaf(ca: InitCaResult, dir: string, name: string, dns: string): { key: string; cert: string } {
  // The root key is encrypted with scrypt; hand OpenSSL a decrypted copy, as an attacker with the key would have.
  const rootKey = join(dir, `${name}-root.key`);
  const key = createPrivateKey({ key: readFileSync(ca.files.rootKey, 'utf8'), passphrase: PASS });
  writeFileSync(rootKey, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${dns}\n`);
  const leafKey = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(openssl, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', leafKey, '-subj', `/CN=${name}`, '-out', csr], { stdio: 'ignore' });
  execFileSync(openssl, ['x509', '-req', '-in', csr, '-CA', ca.files.root, '-CAkey', rootKey, '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', crt], { stdio: 'ignore' });
  return { key: readFileSync(leafKey, 'utf8'), cert: readFileSync(crt, 'utf8') };
}

describe('ca certificates in real Chromium (root in NSS)', () => {
  let home: ReturnType<typeof makeNssHome>;
  const cams: SimCamera[] = [];
  const urls: Record<string, string> = {};
  let verdicts: Map<string, string>;

  beforeAll(async () => {
    const dir = tempDir('lantrust-ca-chrome-');
    home = makeNssHome();
    const constraints = { permitDns: ['cams.demo.test'], permitCidr: ['127.0.0.0/8'] };
    const plain = await initCa({ dir: join(dir, 'ca'), name: 'Demo Company', ...constraints, passphrase: PASS });
    const withInt = await initCa({ dir: join(dir, 'ca-int'), name: 'Demo Branch', ...constraints, intermediate: true, passphrase: PASS });
    nssAddRoot(home.db, plain.files.root, 'lantrust test root');
    nssAddRoot(home.db, withInt.files.root, 'lantrust test root with intermediate');

    const serve = async (name: string, key: string | Buffer, cert: string | Buffer, host: string) => {
      const cam = await startCamera({ key, cert });
      cams.push(cam);
      urls[name] = `https://${host}:${cam.port}/`;
    };
    const issued = async (ca: InitCaResult): Promise<IssuedDevice> =>
      issueCertificate({ dir: ca.dir, label: 'lobby-cam', dns: ['lobby.cams.demo.test'], ip: ['127.0.0.1'], passphrase: PASS });
    const a = await issued(plain);
    const b = await issued(withInt);
    await serve('ip', readFileSync(a.files.key), readFileSync(a.files.chain), '127.0.0.1');
    await serve('dns', readFileSync(a.files.key), readFileSync(a.files.chain), 'lobby.cams.demo.test');
    await serve('int-ip', readFileSync(b.files.key), readFileSync(b.files.chain), '127.0.0.1');
    await serve('int-dns', readFileSync(b.files.key), readFileSync(b.files.chain), 'lobby.cams.demo.test');
    // Same root key, signed by openssl: inside the constraints (control) and outside them.
    const inside = opensslLeaf(plain, dir, 'inside', 'inside.cams.demo.test');
    await serve('openssl-inside', inside.key, inside.cert, 'inside.cams.demo.test');
    const outside = opensslLeaf(plain, dir, 'outside', 'intranet.other.test');
    await serve('openssl-outside', outside.key, outside.cert, 'intranet.other.test');
    verdicts = await chromeVerdicts(Object.values(urls), { home: home.home, hostRules: 'MAP *.test 127.0.0.1' });
  }, 180_000);

  afterAll(async () => {
    for (const c of cams) await c.close();
    home?.cleanup();
  });

  it('accepts an issued certificate by IP and by DNS name, with and without an intermediate', () => {
    for (const k of ['ip', 'dns', 'int-ip', 'int-dns']) expect(`${k}: ${verdicts.get(urls[k]!)}`).toBe(`${k}: net::OK`);
  });

  it('refuses a leaf for a name outside the constraints signed with the same root key (and accepts one inside)', () => {
    expect(verdicts.get(urls['openssl-inside']!)).toBe('net::OK');
    // What Chromium 156 reports for a name-constraint violation under a locally trusted root.
    expect(verdicts.get(urls['openssl-outside']!)).toBe('net::ERR_CERT_INVALID');
  });
});
