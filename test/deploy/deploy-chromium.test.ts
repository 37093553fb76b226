// lantrust deploy against several simulated Axis cameras at once (REST cert v1, v1beta, SOAP-only
// firmware; on-device and uploaded keys; an intermediate CA), then real Chromium trusting only the
// company root (NSS db in a temp HOME) judges every camera: the deployed ones load, and the ones where
// deploy had to roll back still present their previous (factory) certificate. OpenSSL checks the
// served chains as a second opinion.
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sha256Fingerprint } from '../../src/main/cert/describe.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult } from '../../src/main/deploy/index.js';
import type { SimAxisCamera } from '../../src/main/sim/camera.js';
import { chromeVerdicts, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';
import { byLabel, CA_PASSPHRASE, CAM_PASSWORD, journal, makeFleet, opensslServedChain, opensslVerify, type Fleet } from './fleet.js';

findTool('chromium');
findTool('certutil');
findTool('openssl');

describe('deploy to a fleet, judged by Chromium', () => {
  let fleet: Fleet;
  let home: ReturnType<typeof makeNssHome>;
  const cams: Record<string, SimAxisCamera> = {};
  const factory: Record<string, string> = {};
  let run: Awaited<ReturnType<Fleet['deploy']>>;
  let upload: Awaited<ReturnType<Fleet['deploy']>>;
  let rollback: Awaited<ReturnType<Fleet['deploy']>>;
  let results: Record<string, DeployResult>;
  let verdicts: Map<string, string>;
  const url = (name: string) => `https://${name}.cams.demo.test:${cams[name]!.port}/`;

  beforeAll(async () => {
    fleet = await makeFleet({ intermediate: true });
    home = makeNssHome();
    nssAddRoot(home.db, fleet.ca.files.root, 'lantrust deploy test root');
    cams.rest = await fleet.camera();
    cams.beta = await fleet.camera({ firmware: 'axis-os-11-beta' });
    cams.soap = await fleet.camera({ firmware: 'axis-os-10' });
    cams.reject = await fleet.camera({ rejectCertificates: true });
    cams.ignore = await fleet.camera({ ignoreBind: true });
    cams.hang = await fleet.camera({ hang: { op: 'set-webserver', once: true } });
    cams.uprest = await fleet.camera();
    cams.upsoap = await fleet.camera({ firmware: 'axis-os-10' });
    for (const [k, c] of Object.entries(cams)) factory[k] = c.servedSha256();
    const good = fleet.csv(['rest', 'beta', 'soap'].map((name) => ({ name, cam: cams[name] })));
    const bad = fleet.csv(['reject', 'ignore', 'hang'].map((name) => ({ name, cam: cams[name] })), 'rollback.csv');
    const upCsv = fleet.csv(['uprest', 'upsoap'].map((name) => ({ name, cam: cams[name] })), 'upload.csv');
    const common = ['--user', 'root', '--password-file', fleet.passwordFile, '--trust-current-cert', '--json'];
    // Generous budgets where nothing should time out (this machine is shared); a short one where
    // waiting out a camera that ignores or hangs on the switch is the point.
    run = await fleet.deploy(['--from', good, ...common, '--timeout', '20000']);
    rollback = await fleet.deploy(['--from', bad, ...common, '--timeout', '3000']);
    upload = await fleet.deploy(['--from', upCsv, '--key', 'upload', ...common, '--timeout', '20000']);
    results = byLabel([...run.json!.results, ...rollback.json!.results, ...upload.json!.results]);
    verdicts = await chromeVerdicts(Object.keys(cams).map(url), { home: home.home, hostRules: 'MAP *.test 127.0.0.1' });
  }, 240_000);

  afterAll(async () => {
    await fleet?.close();
    home?.cleanup();
  });

  it('deploys over REST cert v1, v1beta and SOAP, with keys made on the camera or uploaded; Chromium loads each', () => {
    for (const [name, api] of [['rest', 'axis-rest-v1'], ['beta', 'axis-rest-v1beta'], ['soap', 'axis-soap'], ['uprest', 'axis-rest-v1'], ['upsoap', 'axis-soap']] as const) {
      const r = results[name]!;
      expect(`${name}: ${r.action} ${r.api} ${r.verdict} ${r.error ?? ''}`).toBe(`${name}: deployed ${api} net::OK `);
      expect(`${name}: ${verdicts.get(url(name))}`).toBe(`${name}: net::OK`);
      // What the camera presents now is what deploy reported, and no longer its factory certificate.
      expect(cams[name]!.servedSha256()).toBe(r.after!.sha256);
      expect(r.before!.sha256).toBe(factory[name]);
      expect(r.after!.sha256).not.toBe(factory[name]);
    }
    expect(run.code, run.stderr).toBe(0);
    expect(upload.code, upload.stderr).toBe(0);
  });

  it('OpenSSL agrees: the served chain (leaf + intermediate) verifies to the company root for the camera name', async () => {
    for (const name of ['rest', 'soap', 'upsoap']) {
      const chain = await opensslServedChain(cams[name]!.port, `${name}.cams.demo.test`);
      expect(chain.length, name).toBe(2);
      expect(`${name}: ${await opensslVerify(fleet.base, fleet.ca.files.root, chain, `${name}.cams.demo.test`)}`).toBe(`${name}: OK`);
    }
  });

  it('with the key made on the camera, the camera holds the key: its certificate matches a key lantrust never had', () => {
    const cam = cams.rest!;
    const alias = results.rest!.alias!;
    const entry = cam.device.certificates.get(alias)!;
    expect(entry).toBeDefined();
    expect(cam.device.web.certificates).toEqual([alias]);
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(spki(new X509Certificate(entry.cert).publicKey)).toBe(spki(createPublicKey(entry.key)));
    expect(sha256Fingerprint(entry.cert)).toBe(results.rest!.after!.sha256);
    // The journal of an on-device deploy records a key made on the camera and a signed request, no key upload.
    const steps = journal(fleet.dir).filter((l) => l.label === 'rest').map((l) => l.step);
    expect(steps).toEqual(expect.arrayContaining(['contact', 'trusted', 'detect', 'create', 'create-key', 'signed', 'set-certificate', 'bind', 'verify', 'result']));
    expect(steps).not.toContain('install-pkcs12');
  });

  it('a camera that rejects the certificate, one that ignores the switch and one that hangs on it keep serving their previous certificate', () => {
    expect(rollback.code).toBe(1);
    for (const name of ['reject', 'ignore', 'hang']) {
      const r = results[name]!;
      expect(`${name}: ${r.action}`).toBe(`${name}: failed`);
      expect(`${name}: ${verdicts.get(url(name))}`).toBe(`${name}: net::ERR_CERT_AUTHORITY_INVALID`);
      expect(cams[name]!.servedSha256()).toBe(factory[name]);
      // Nothing lantrust created is left behind (the intermediate, shared by future runs, may stay).
      expect([...cams[name]!.device.certificates.keys()].filter((a) => a.startsWith('lantrust-'))).toEqual([]);
    }
    expect(results.reject!.error).toMatch(/^reject .*refused .*certificates\/lantrust-reject-.*HTTP 400.*previous certificate stays in use$/);
    expect(results.ignore!.error).toMatch(/did not present the new certificate within 3000 ms.*rolled back: it presents its previous certificate again$/);
    expect(results.ignore!.rolledBack).toBe(true);
    expect(results.hang!.error).toMatch(/stopped answering.*rolled back: it presents its previous certificate again$/);
  });

  it('no password or passphrase in the output or the journal', () => {
    const text = `${run.stdout}${run.stderr}${rollback.stdout}${upload.stdout}${readFileSync(`${fleet.dir}/deploy.jsonl`, 'utf8')}`;
    expect(text).not.toContain(CAM_PASSWORD);
    expect(text).not.toContain(CA_PASSPHRASE);
    expect(text).not.toMatch(/PRIVATE KEY/);
  });
});
