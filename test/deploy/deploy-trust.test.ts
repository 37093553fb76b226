// First contact and bad input: what deploy refuses, and that a refused camera is sent nothing at all
// (the simulated camera records every HTTP request it gets). Pins, --trust-current-cert,
// --expect-fingerprint, a changed fingerprint, company certificates that don't fit, rows outside the
// CA's constraints, wrong passwords, devices that aren't Axis cameras, firmware too old, usage errors.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../../src/main/ca/index.js';
import * as x from '../../src/main/ca/x509.js';
import { rawParts } from '../../src/main/cert/describe.js';
import { listenLoopback } from '../../src/main/listen.js';
import { expectOneSentence } from '../helpers/cli.js';
import { CA_PASSPHRASE, CAM_PASSWORD, credentials, fleetPerFile, journal } from './fleet.js';

const current = fleetPerFile();
const creds = (timeout?: number) => credentials(current(), timeout);

describe('first contact', () => {
  it('a camera on a factory certificate is refused without --trust-current-cert, and is sent nothing', async () => {
    const cam = await current().camera();
    const csv = current().csv([{ name: 'lobby', cam }], 'lobby.csv');
    const r = await current().deploy(['--from', csv, ...creds()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^! lobby +refused +https:\/\/127\.0\.0\.1:\d+\/ +lobby presents a certificate lantrust can't check yet \(self-signed, SHA-256 /m);
    expect(r.stdout).toContain(cam.servedSha256());
    expect(r.stdout).toContain(`--expect-fingerprint lobby=${cam.servedSha256()}`);
    expect(cam.requests).toEqual([]);

    // A wrong expectation is refused the same way, again without a request.
    const wrong = await current().deploy(['--from', csv, ...creds(), '--expect-fingerprint', `lobby=${'AB:'.repeat(31)}AB`, '--json']);
    expect(wrong.json!.results[0]!.action).toBe('refused');
    expect(wrong.json!.results[0]!.error).toMatch(/not the AB:AB:.* given with --expect-fingerprint/);
    expect(cam.requests).toEqual([]);

    // --dry-run with --trust-current-cert: the plan, no request, nothing pinned.
    const dry = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.json!.results[0]).toMatchObject({ action: 'skipped', plan: 'deploy' });
    expect(cam.requests).toEqual([]);
    expect(existsSync(join(current().dir, 'deploy-pins.json'))).toBe(false);

    // The explicit expectation that matches lets it through and pins it.
    const ok = await current().deploy(['--from', csv, ...creds(), '--expect-fingerprint', `lobby=${cam.servedSha256().replace(/:/g, '').toLowerCase()}`, '--json']);
    expect(ok.json!.results[0]).toMatchObject({ action: 'deployed', verdict: 'net::OK' });
    const pins = JSON.parse(readFileSync(join(current().dir, 'deploy-pins.json'), 'utf8')) as { pins: Record<string, { sha256: string; how: string }> };
    expect(pins.pins.lobby).toMatchObject({ sha256: ok.json!.results[0]!.before!.sha256, how: 'expect-fingerprint' });
  });

  it('--trust-current-cert pins the fingerprint; a changed one later is refused as a possible interception until accepted knowingly', async () => {
    const cam = await current().camera({ rejectCertificates: true });
    const csv = current().csv([{ name: 'gate', cam }], 'gate.csv');
    const first = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    expect(first.json!.results[0]!.action).toBe('failed'); // the camera refuses the certificate, but first contact was decided
    const pinned = cam.servedSha256();
    expect(JSON.parse(readFileSync(join(current().dir, 'deploy-pins.json'), 'utf8')).pins.gate.sha256).toBe(pinned);

    // Factory reset: a new self-signed certificate. Without a decision, nothing is sent.
    await cam.factoryReset();
    cam.knobs.rejectCertificates = false;
    const seen = cam.requests.length;
    const changed = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    const r = changed.json!.results[0]!;
    expect(r.action).toBe('refused');
    expect(r.error).toContain(`now presents SHA-256 ${cam.servedSha256()}, not the ${pinned} pinned on`);
    expect(r.error).toMatch(/could be someone intercepting the connection, so nothing was sent; .* run again with --expect-fingerprint gate=/);
    expect(cam.requests.length).toBe(seen);

    const accepted = await current().deploy(['--from', csv, ...creds(), '--expect-fingerprint', `gate=${cam.servedSha256()}`, '--json']);
    expect(accepted.json!.results[0]).toMatchObject({ action: 'deployed', verdict: 'net::OK' });
  });

  it('a company certificate for other names, or one that only claims the company as issuer, is refused even with --trust-current-cert', async () => {
    const other = await issueCertificate({ dir: current().dir, label: 'yard', dns: ['yard.cams.demo.test'], ip: ['127.0.0.2'], passphrase: CA_PASSPHRASE, out: join(current().base, 'yard') });
    const swapped = await current().camera({ factory: { key: readFileSync(other.files.key), cert: readFileSync(other.files.chain) } });
    // A look-alike issuer: same name as the company root, different key.
    const root = new X509Certificate(readFileSync(current().ca.files.root));
    const fakeCa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const leafKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = Date.now();
    const forged = x.buildCertificate({
      subject: [['CN', 'dock']],
      issuerDer: Buffer.from(rawParts(Buffer.from(root.raw)).subjectDer),
      notBefore: new Date(now - 3600e3),
      notAfter: new Date(now + 30 * 864e5),
      publicKey: leafKey.publicKey,
      signingKey: fakeCa.privateKey,
      extensions: [x.basicConstraints(false), x.extKeyUsage(['serverAuth']), x.subjectAltName({ dns: ['dock.cams.demo.test'], ip: ['127.0.0.1'] })],
    });
    const lookalike = await current().camera({ factory: { key: leafKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: new X509Certificate(forged).toString() } });
    const csv = current().csv([{ name: 'dock', cam: lookalike }, { name: 'pier', cam: swapped }], 'forged.csv');
    const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    const [dock, pier] = r.json!.results;
    expect(dock).toMatchObject({ action: 'refused' });
    expect(dock!.error).toMatch(/names the company CA as issuer but is not signed by it .*possible interception; nothing was sent/);
    expect(pier).toMatchObject({ action: 'refused' });
    expect(pier!.error).toMatch(/presents a company certificate for other names \(yard\.cams\.demo\.test, 127\.0\.0\.2\)/);
    expect(lookalike.requests).toEqual([]);
    expect(swapped.requests).toEqual([]);
  });
});

describe('bad input', () => {
  it('a row outside the CA constraints is refused before its camera is contacted; the others still run', async () => {
    const cam = await current().camera();
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      s.destroy();
    });
    const counter = await listenLoopback(server);
    try {
      const csv = current().csv([{ name: 'evil', ip: '10.1.2.3', dns: 'mail.example.com', port: counter.port, extra: { address: '127.0.0.1' } }, { name: 'hall', cam }], 'evil.csv');
      const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
      const [evil, hall] = r.json!.results;
      expect(evil).toMatchObject({ label: 'evil', action: 'refused', line: 2 });
      expect(evil!.error).toBe('evil (line 2) was not contacted: refusing mail.example.com, 10.1.2.3 for evil: this CA may vouch for only names under cams.demo.test and addresses in 127.0.0.0/8, so browsers would reject the certificate');
      expect(hall!.action).toBe('deployed');
      expect(connections).toBe(0);
      expect(r.code).toBe(1);
    } finally {
      await counter.close();
    }
  });

  it('a wrong password is one sentence naming the camera and the 401; the camera keeps its certificate', async () => {
    const cam = await current().camera({ auth: { scheme: 'digest', user: 'root', password: 'not the fleet password' } });
    const before = cam.servedSha256();
    const csv = current().csv([{ name: 'attic', cam }], 'attic.csv');
    const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert']);
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.includes('attic'))!;
    expect(line).toMatch(/^✗ attic +failed +https:\/\/127\.0\.0\.1:(\d+)\/ +attic \(https:\/\/127\.0\.0\.1:\1\/\) refused the user name or password \(HTTP 401 on \/config\/discover\); check the account \(it needs administrator rights\) and its password file$/);
    expect(cam.servedSha256()).toBe(before);
    expect(r.stdout + r.stderr).not.toContain(CAM_PASSWORD);
  });

  it('without an account, with Basic or SHA-256 Digest auth, a non-Axis device and firmware too old: each says so', async () => {
    const noAccount = await current().camera();
    const basic = await current().camera({ auth: { scheme: 'basic', user: 'root', password: CAM_PASSWORD } });
    const sha = await current().camera({ auth: { scheme: 'digest', user: 'root', password: CAM_PASSWORD, algorithm: 'SHA-256' } });
    const printer = await current().camera({ vapix: false });
    const old = await current().camera({ firmware: 'firmware-6' });
    const csv = current().csv([{ name: 'basic', cam: basic }, { name: 'sha', cam: sha }, { name: 'printer', cam: printer }, { name: 'old', cam: old }], 'mixed.csv');
    const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    const [b, s2, p, o] = r.json!.results;
    expect(b).toMatchObject({ action: 'deployed', verdict: 'net::OK' });
    expect(s2).toMatchObject({ action: 'deployed', verdict: 'net::OK' });
    expect(p!.error).toBe("printer: it does not speak VAPIX (no /config/discover, /vapix/services or param.cgi): it is not an Axis camera, or not one lantrust can reach; install its certificate with the vendor's tool");
    expect(o!.error).toBe('old: this firmware is too old for automatic deploy: upload old.p12 by hand at Settings > System > Security (or update AXIS OS, then run deploy again)');
    const none = await current().deploy(['--dir', current().dir, `https://127.0.0.1:${noAccount.port}/`, '--name', 'porch', '--dns', 'porch.cams.demo.test', '--trust-current-cert', '--json']);
    expect(none.json!.results[0]!.error).toMatch(/^porch \(https:\/\/127\.0\.0\.1:\d+\/\) asks for an account \(HTTP 401, Digest\); give --user and --password-file/);
    expect(noAccount.requests.every((q) => !q.authorized)).toBe(true);
  });

  it('usage errors are one sentence and exit 2, before any camera is contacted', async () => {
    const csv = current().csv([{ name: 'cam1', port: 9 }], 'usage.csv');
    const bad = join(current().base, 'bad.csv');
    writeFileSync(bad, 'camera,address\nx,1.2.3.4\n');
    for (const args of [
      ['--from', csv, '--key', 'hsm'],
      ['--from', csv, '--password-file', current().passwordFile],
      [],
      ['--from', csv, '--expect-fingerprint', 'cam1=12:34'],
      ['--from', csv, '--expect-fingerprint', `ghost=${'AB'.repeat(32)}`],
      ['--from', csv, '--only', 'ghost'],
      ['--from', join(current().base, 'missing.csv')],
      ['--from', bad],
      ['--from', csv, '--timeout', 'soon'],
      ['http://127.0.0.1/', '--name', 'x'],
    ]) {
      const r = await current().deploy(args);
      expect(`${args.join(' ')} -> ${r.code}`).toBe(`${args.join(' ')} -> 2`);
      expectOneSentence(r.stderr);
    }
  });

  it('never writes a password or the CA passphrase to the journal', () => {
    const text = readFileSync(join(current().dir, 'deploy.jsonl'), 'utf8');
    expect(journal(current().dir).length).toBeGreaterThan(10);
    expect(text).not.toContain(CAM_PASSWORD);
    expect(text).not.toContain(CA_PASSPHRASE);
  });
});
