// Renewal and recovery: a second run changes nothing, --renew-within replaces only what is due (by
// the certificate the camera serves, read live) and removes only older aliases lantrust created; a
// camera that reboots between steps, hangs, answers garbage, or a run killed in the middle all end
// with the camera serving either its new verified certificate or its previous one, and running
// deploy again finishes the job.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploy } from '../../src/main/deploy/index.js';
import type { SimAxisCamera } from '../../src/main/sim/camera.js';
import { BIN, cliAsync, expectOneSentence } from '../helpers/cli.js';
import { CA_PASSPHRASE, CAM_PASSWORD, credentials, fleetPerFile, journal } from './fleet.js';

const current = fleetPerFile();
const creds = (timeout?: number) => credentials(current(), timeout);

/** Aliases on the camera that lantrust made (lantrust-LABEL-...). */
const mine = (cam: SimAxisCamera, label: string) => [...cam.device.certificates.keys()].filter((a) => a.startsWith(`lantrust-${label}-`));

describe('renewal', () => {
  it('a second run changes nothing; --renew-within replaces only certificates due and removes only older aliases lantrust created', async () => {
    const a = await current().camera();
    const b = await current().camera();
    const csv = current().csv([{ name: 'north', cam: a }, { name: 'south', cam: b }], 'renew.csv');
    const first = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    expect(first.json!.results.map((r) => r.action)).toEqual(['deployed', 'deployed']);
    expect(first.code).toBe(0);

    // Right after: up to date, and the cameras get no HTTP request at all (TLS only).
    const requests = [a.requests.length, b.requests.length];
    const served = [a.servedSha256(), b.servedSha256()];
    const again = await current().deploy(['--from', csv, ...creds(), '--renew-within', '30', '--json']);
    expect(again.code).toBe(0);
    expect(again.json!.results.map((r) => `${r.action} ${r.verdict}`)).toEqual(['up-to-date net::OK', 'up-to-date net::OK']);
    expect([a.requests.length, b.requests.length]).toEqual(requests);
    expect([a.servedSha256(), b.servedSha256()]).toEqual(served);

    // Someone else's certificates on the camera, one named like ours but not made by lantrust.
    await a.device.createCertificate({ alias: 'lantrust-north-19990101000000', subject: [['CN', 'not ours']] });
    await a.device.createCertificate({ alias: 'VMS client', subject: [['CN', 'vms']] });
    const oldAlias = mine(a, 'north').find((x) => x !== 'lantrust-north-19990101000000')!;

    // Everything is "due" within 400 days: renewed on the camera, the older lantrust alias removed.
    const renew = await current().deploy(['--from', csv, ...creds(), '--renew-within', '400', '--json']);
    const [n] = renew.json!.results;
    expect(n).toMatchObject({ action: 'renewed', verdict: 'net::OK', removed: [oldAlias] });
    expect(n!.before!.sha256).toBe(served[0]);
    expect(a.servedSha256()).toBe(n!.after!.sha256);
    expect(a.device.certificates.has('Axis self-signed')).toBe(true);
    expect(a.device.certificates.has('VMS client')).toBe(true);
    expect(a.device.certificates.has('lantrust-north-19990101000000')).toBe(true);
    expect(a.device.certificates.has(oldAlias)).toBe(false);
  });

  it('renews by what the camera serves: a certificate expiring in 10 days is renewed with --renew-within 30', async () => {
    const cam = await current().camera();
    const row = { name: 'west', ip: ['127.0.0.1'], dns: ['west.cams.demo.test'], port: cam.port, user: 'root', password: CAM_PASSWORD };
    const short = await deploy({ dir: current().dir, rows: [row], passphrase: CA_PASSPHRASE, trustCurrentCert: true, days: 10, timeoutMs: 20000 });
    expect(short.results[0]).toMatchObject({ action: 'deployed' });
    const csv = current().csv([{ name: 'west', cam }], 'west.csv');
    const r = await current().deploy(['--from', csv, ...creds(), '--renew-within', '30', '--json']);
    expect(r.json!.results[0]).toMatchObject({ action: 'renewed', verdict: 'net::OK' });
    const daysLeft = (Date.parse(r.json!.results[0]!.after!.notAfter) - Date.now()) / 864e5;
    expect(daysLeft).toBeGreaterThan(300);
  });

  it('--json gives the documented shape; --html writes a report', async () => {
    const cam = await current().camera();
    const csv = current().csv([{ name: 'east', cam }], 'east.csv');
    const html = join(current().base, 'deploy.html');
    const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json', '--html', html]);
    const res = r.json!.results[0]!;
    for (const k of ['label', 'url', 'action', 'api', 'before', 'after', 'verdict']) expect(res).toHaveProperty(k);
    for (const c of [res.before!, res.after!]) expect(Object.keys(c).sort()).toEqual(['issuer', 'notAfter', 'sha256']);
    expect(readFileSync(html, 'utf8')).toMatch(/<h1>lantrust deploy report<\/h1>[\s\S]*east[\s\S]*deployed/);
    expect(readFileSync(html, 'utf8')).not.toContain(CAM_PASSWORD);
  });
});

describe('one camera, dry runs and the CA passphrase', () => {
  it('one camera by URL: its stream path must give a frame afterwards; --only and --dry-run change nothing else', async () => {
    const cam = await current().camera();
    const other = await current().camera();
    const r = await current().deploy(['--dir', current().dir, `https://127.0.0.1:${cam.port}/axis-cgi/jpg/image.cgi`, '--name', 'kiosk', '--dns', 'kiosk.cams.demo.test', ...creds(), '--trust-current-cert', '--json']);
    expect(r.json!.results[0]).toMatchObject({ label: 'kiosk', action: 'deployed', verdict: 'net::OK' });
    expect((r.json!.results[0]!.frame as { bytes: number }).bytes).toBeGreaterThan(1000);

    const csv = current().csv([{ name: 'kiosk', cam }, { name: 'lane', cam: other }], 'only.csv');
    const before = other.servedSha256();
    const dry = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--dry-run', '--json']);
    expect(dry.json!.results.map((x) => `${x.label} ${x.action} ${x.plan}`)).toEqual(['kiosk up-to-date undefined', 'lane skipped deploy']);
    expect(other.requests).toEqual([]);
    const only = await current().deploy(['--from', csv, ...creds(), '--only', 'kiosk', '--json']);
    expect(only.json!.results.map((x) => `${x.label} ${x.action}`)).toEqual(['kiosk up-to-date']);
    expect(other.servedSha256()).toBe(before);
  });

  it('a wrong CA passphrase is one sentence and exit 2, and no camera is written to', async () => {
    const cam = await current().camera();
    const csv = current().csv([{ name: 'vault', cam }], 'vault.csv');
    const wrong = join(current().base, 'wrong-passphrase.txt');
    writeFileSync(wrong, 'not the passphrase\n');
    const r = await cliAsync(['deploy', '--dir', current().dir, '--passphrase-file', wrong, '--from', csv, ...creds(), '--trust-current-cert']);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/passphrase/);
    expect(cam.requests.filter((q) => q.method !== 'GET' && !['get-webserver', 'get-certs', 'get-ca-certs'].includes(q.op ?? ''))).toEqual([]);
    expect(mine(cam, 'vault')).toEqual([]);
  });
});

describe('cameras that misbehave in the middle', () => {
  it('a reboot right after the key is made, or right after the switch, is waited out', async () => {
    const afterCreate = await current().camera({ reboot: { after: 'create', downMs: 500 } });
    const afterBind = await current().camera({ reboot: { after: 'set-webserver', downMs: 500 } });
    const csv = current().csv([{ name: 'boot1', cam: afterCreate }, { name: 'boot2', cam: afterBind }], 'reboot.csv');
    const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    expect(r.json!.results.map((x) => `${x.label} ${x.action} ${x.verdict} ${x.error ?? ''}`)).toEqual(['boot1 deployed net::OK ', 'boot2 deployed net::OK ']);
    expect(afterCreate.knobs.reboot).toBeUndefined(); // it did reboot
  });

  it('garbage from the camera in the middle: reported as not VAPIX, what was created is removed, the previous certificate stays', async () => {
    const cam = await current().camera({ malformed: ['csr'] });
    const before = cam.servedSha256();
    const csv = current().csv([{ name: 'junk', cam }], 'junk.csv');
    const r = await current().deploy(['--from', csv, ...creds(), '--trust-current-cert', '--json']);
    expect(r.json!.results[0]!.error).toMatch(/^junk \(https:\/\/127\.0\.0\.1:\d+\/\) answered something that is not VAPIX: POST \/config\/rest\/cert\/v1\/certificates\/lantrust-junk-\d+\/get_csr answered HTTP 200 with something that is not JSON; the previous certificate stays in use$/);
    expect(cam.servedSha256()).toBe(before);
    expect(mine(cam, 'junk')).toEqual([]);
  });

  it('a camera that stops answering at the switch, for good: reported; the next run, once it answers, finishes the job', async () => {
    const cam = await current().camera({ hang: { op: 'set-webserver' } });
    const before = cam.servedSha256();
    const csv = current().csv([{ name: 'stuck', cam }], 'stuck.csv');
    const r = await current().deploy(['--from', csv, ...creds(3000), '--trust-current-cert', '--json']);
    expect(r.json!.results[0]!.error).toMatch(/^stuck \(.*\) stopped answering: .*; rolling back failed too \(.*\), so it may still present the new certificate; run deploy again when it answers$/);
    expect(cam.servedSha256()).toBe(before); // the switch was never applied
    const orphan = mine(cam, 'stuck');
    expect(orphan.length).toBe(1);

    delete cam.knobs.hang;
    const again = await current().deploy(['--from', csv, ...creds(), '--json']);
    expect(again.json!.results[0]).toMatchObject({ action: 'deployed', verdict: 'net::OK', removed: orphan });
    expect(mine(cam, 'stuck')).toEqual([again.json!.results[0]!.alias]);
  });

  it('a run killed mid-deploy (crash, Ctrl-C) is finished by running deploy again', async () => {
    const cam = await current().camera({ hang: { op: 'set-webserver' } });
    const csv = current().csv([{ name: 'killed', cam }], 'killed.csv');
    const child = spawn(process.execPath, [BIN, 'deploy', '--dir', current().dir, '--passphrase-file', current().passphraseFile, '--from', csv, '--user', 'root', '--password-file', current().passwordFile, '--trust-current-cert', '--timeout', '60000'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    // Kill it once it has asked the camera to switch (the journal says so).
    for (let i = 0; i < 400 && !journal(current().dir).some((l) => l.label === 'killed' && l.step === 'bind'); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited;
    expect(journal(current().dir).some((l) => l.label === 'killed' && l.step === 'result')).toBe(false);
    const orphan = mine(cam, 'killed');
    expect(orphan.length).toBe(1);

    delete cam.knobs.hang;
    const r = await current().deploy(['--from', csv, ...creds(), '--json']);
    expect(r.json!.results[0]).toMatchObject({ action: 'deployed', verdict: 'net::OK', removed: orphan });
  });

  it('a hung camera in a fleet costs its own timeout; the others are deployed', async () => {
    const hung = await current().camera({ hang: { op: 'discover' } });
    const good = await Promise.all([current().camera(), current().camera(), current().camera()]);
    const csv = current().csv([{ name: 'h0', cam: hung }, ...good.map((cam, i) => ({ name: `g${i}`, cam }))], 'hung.csv');
    const r = await current().deploy(['--from', csv, ...creds(3000), '--trust-current-cert', '--json']);
    expect(r.code).toBe(1);
    expect(r.json!.results.map((x) => x.action)).toEqual(['failed', 'deployed', 'deployed', 'deployed']);
    expect(r.json!.results[0]!.error).toMatch(/^h0 .* stopped answering: GET \/config\/discover got no answer within 3000 ms$/);
  });

  it('the journal records every run and never a secret', () => {
    const text = readFileSync(join(current().dir, 'deploy.jsonl'), 'utf8');
    writeFileSync(join(current().base, 'journal-copy.jsonl'), text);
    expect(text).not.toContain(CAM_PASSWORD);
    expect(text).not.toContain(CA_PASSPHRASE);
    expect(new Set(journal(current().dir).map((l) => l.run)).size).toBeGreaterThan(5);
  });
});
