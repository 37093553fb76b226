// `lantrust site` from the command line: what it writes (hashes checked with OpenSSL), the profile
// settings it reads, and every refusal — one sentence, exit 2, nothing written, no temp folder left.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, expectOneSentence } from '../helpers/cli.js';
import { makeRoot } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';
import { makeCa, opensslFingerprint, opensslSha256, writeProfile, type Ca } from './world.js';

findTool('openssl');

let dir: string;
let ca: Ca;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lantrust-site-cli-'));
  ca = await makeCa(join(dir, 'ca'), 'Cli Co', { permitDns: ['cams.cli.test'], permitCidr: ['192.168.10.0/24'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh folder with a profile for `root` (a PEM file path) plus any extra settings. */
function setup(extra: Record<string, unknown> = {}, rootPem = ca.rootPem): { base: string; profile: string; out: string } {
  const base = join(dir, `case-${++n}`);
  mkdirSync(base);
  writeFileSync(join(base, 'root.pem'), readFileSync(rootPem));
  const profile = writeProfile(join(base, 'lantrust.json'), {
    company: 'Cli Co',
    root: 'root.pem',
    sha256: opensslFingerprint(rootPem),
    cameras: [
      { name: 'Lobby', url: 'https://192.168.10.50/axis-cgi/mjpg/video.cgi?resolution=640x480&camera=2' },
      { name: 'Yard', url: 'https://yard.cams.cli.test/', stillUrl: 'https://yard.cams.cli.test/snapshot.jpg' },
      { name: 'Web UI only', url: 'https://192.168.10.52/' },
    ],
    ...extra,
  });
  return { base, profile, out: join(base, 'site') };
}

/** Refused: exit 2, one sentence, and neither the output nor a temp sibling exists afterwards. */
function expectRefused(r: ReturnType<typeof cli>, base: string, out: string, message: RegExp): void {
  expect(r.code).toBe(2);
  expectOneSentence(r.stderr);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(base).filter((f) => f.includes('lantrust-site'))).toEqual([]);
}

describe('lantrust site', () => {
  it('writes the folder and reports every file with the SHA-256 OpenSSL computes', () => {
    const { base, profile, out } = setup();
    const installer = join(base, 'Cli Co LanTrust Setup 0.1.0.exe');
    writeFileSync(installer, Buffer.from('MZ not really an installer'));
    const r = cli(['site', '--config', profile, '--out', out, '--installer', installer, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { dir: string; root: { sha256: string }; files: { name: string; sha256: string; bytes: number }[]; cameras: { name: string; still?: string; stillFrom?: string; skipped?: string }[] };
    expect(doc.dir).toBe(out);
    expect(doc.root.sha256).toBe(opensslFingerprint(ca.rootPem));
    expect(doc.files.map((f) => f.name).sort()).toEqual(readdirSync(out).sort());
    expect(readdirSync(out).sort()).toEqual(['Cli-Co-root.mobileconfig', 'Cli Co LanTrust Setup 0.1.0.exe', 'SHA256SUMS.txt', 'index.html', 'root.cer', 'root.pem', 'web.config'].sort());
    for (const f of doc.files) expect(f.sha256).toBe(opensslSha256(join(out, f.name)));
    expect(readFileSync(join(out, 'Cli Co LanTrust Setup 0.1.0.exe'))).toEqual(readFileSync(installer));
    // root.cer is the certificate itself (DER), root.pem the same certificate.
    expect(opensslFingerprint(join(out, 'root.cer'), 'DER')).toBe(opensslFingerprint(ca.rootPem));
    expect(opensslFingerprint(join(out, 'root.pem'))).toBe(opensslFingerprint(ca.rootPem));
    expect(doc.cameras).toEqual([
      { name: 'Lobby', url: 'https://192.168.10.50/axis-cgi/mjpg/video.cgi?resolution=640x480&camera=2', still: 'https://192.168.10.50/axis-cgi/jpg/image.cgi?camera=2', stillFrom: 'axis-stream' },
      { name: 'Yard', url: 'https://yard.cams.cli.test/', still: 'https://yard.cams.cli.test/snapshot.jpg', stillFrom: 'profile' },
      { name: 'Web UI only', url: 'https://192.168.10.52/', skipped: expect.stringMatching(/no picture address/) },
    ]);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Only names under cams.cli.test and addresses in 192.168.10.0/24.');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain(`img-src 'self' https://192.168.10.50 https://yard.cams.cli.test;`);
    // Only relative links to its own files: the folder works from any sub-path.
    const hrefs = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
    for (const h of hrefs.filter((x) => !/^(https:|mailto:|tel:)/.test(x))) expect(h).not.toMatch(/^\/|^\.\.|:/);
    expect(base).toBeTruthy();
  });

  it('prints what it wrote and what to do next', () => {
    const { profile, out } = setup();
    const r = cli(['site', '--config', profile, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ wrote the intranet page for Cli Co to ${out}`);
    expect(r.stdout).toContain('live check: 2 of 3 cameras (1 using image.cgi beside the Axis stream URL)');
    expect(r.stdout).toContain('Web UI only: no picture address');
    expect(r.stdout).toMatch(/Next: copy .* to your intranet web server/);
  });

  it('says "already handled by IT" for the systems the profile names, and only there', () => {
    const { profile, out } = setup({ managedSystems: ['windows', 'chromeos'] });
    expect(cli(['site', '--config', profile, '--out', out]).code).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const section = (id: string) => html.slice(html.indexOf(`<details id="sys-${id}"`), html.indexOf('</details>', html.indexOf(`<details id="sys-${id}"`)));
    expect(section('windows')).toContain('already handled by IT');
    expect(section('chromeos')).toContain('already handled by IT');
    expect(section('macos')).not.toContain('already handled by IT');
    expect(section('linux')).not.toContain('already handled by IT');
  });

  it('leaves files a web server can read, whatever the umask', () => {
    const { profile, out } = setup();
    const r = spawnSync('sh', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, BIN, 'site', '--config', profile, '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o755);
    for (const f of readdirSync(out)) expect(statSync(join(out, f)).mode & 0o777).toBe(0o644);
  });

  it('writes into an existing empty folder', () => {
    const { profile, out } = setup();
    mkdirSync(out);
    expect(cli(['site', '--config', profile, '--out', out]).code).toBe(0);
    expect(readdirSync(out)).toContain('index.html');
  });

  it('accepts a root without constraints only when the profile allows it with policy constraints, and says so', () => {
    const loose = join(dir, 'loose.pem');
    writeFileSync(loose, makeRoot({ constraints: null, name: 'Loose Root' }).pem);
    const refused = setup({ allowUnconstrained: true }, loose);
    expectRefused(cli(['site', '--config', refused.profile, '--out', refused.out]), refused.base, refused.out, /not fit to hand to every employee: .*name constraints/);
    const ok = setup({ allowUnconstrained: true, constraints: { permitDns: ['cams.cli.test'], permitCidr: ['192.168.10.0/24'] } }, loose);
    const r = cli(['site', '--config', ok.profile, '--out', ok.out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/! allowed by the profile: /);
    const html = readFileSync(join(ok.out, 'index.html'), 'utf8');
    expect(html).toContain('has no name constraints of its own');
    expect(html).toContain('Chrome and Edge on company PCs are limited by policy to names under cams.cli.test and addresses in 192.168.10.0/24');
  });

  describe('refuses, writes nothing, exit 2', () => {
    it('a root that fails check-root', () => {
      const loose = join(dir, 'unconstrained.pem');
      writeFileSync(loose, makeRoot({ constraints: null }).pem);
      const a = setup({}, loose);
      expectRefused(cli(['site', '--config', a.profile, '--out', a.out]), a.base, a.out, /not fit to hand to every employee/);
      const expired = join(dir, 'expired.pem');
      writeFileSync(expired, makeRoot({ notBefore: new Date(Date.now() - 800 * 864e5), notAfter: new Date(Date.now() - 864e5) }).pem);
      const b = setup({}, expired);
      expectRefused(cli(['site', '--config', b.profile, '--out', b.out]), b.base, b.out, /expired/);
    });

    it('a pin that does not match the root', () => {
      const c = setup({ sha256: 'ab'.repeat(32) });
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out]), c.base, c.out, /does not match the SHA-256 pinned/);
    });

    it('a root file that carries a private key', () => {
      const c = setup();
      const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      writeFileSync(join(c.base, 'root.pem'), `${readFileSync(ca.rootPem, 'utf8')}${key}`);
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out]), c.base, c.out, /private key/);
    });

    it('an installer that is missing, not an installer, or carries a private key', () => {
      const c = setup();
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out, '--installer', join(c.base, 'nope.exe')]), c.base, c.out, /the installer .*nope\.exe does not exist/);
      writeFileSync(join(c.base, 'setup.zip'), 'PK');
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out, '--installer', join(c.base, 'setup.zip')]), c.base, c.out, /not a Windows installer/);
      writeFileSync(join(c.base, 'leaky.exe'), Buffer.concat([Buffer.from('MZ'), Buffer.from('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n')]));
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out, '--installer', join(c.base, 'leaky.exe')]), c.base, c.out, /contains a private key/);
      writeFileSync(join(c.base, 'a.exe'), 'MZ');
      mkdirSync(join(c.base, 'y'));
      writeFileSync(join(c.base, 'y', 'A.EXE'), 'MZ');
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out, '--installer', join(c.base, 'a.exe'), '--installer', join(c.base, 'y', 'A.EXE')]), c.base, c.out, /two installers are named/);
    });

    it('an output folder that is not empty, or is a file (and leaves it as it was)', () => {
      const c = setup();
      mkdirSync(c.out);
      writeFileSync(join(c.out, 'old.html'), 'keep me');
      const r = cli(['site', '--config', c.profile, '--out', c.out]);
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr);
      expect(r.stderr).toMatch(/is not empty; give a new or empty folder/);
      expect(readdirSync(c.out)).toEqual(['old.html']);
      expect(readFileSync(join(c.out, 'old.html'), 'utf8')).toBe('keep me');
      const f = setup();
      writeFileSync(f.out, 'a file');
      const r2 = cli(['site', '--config', f.profile, '--out', f.out]);
      expect(r2.code).toBe(2);
      expect(r2.stderr).toMatch(/is a file/);
    });

    it('profile settings the page would misuse', () => {
      const a = setup({ cameras: [{ name: 'Lobby', url: 'https://192.168.10.50/', stillUrl: 'https://viewer:secret@192.168.10.50/axis-cgi/jpg/image.cgi' }] });
      expectRefused(cli(['site', '--config', a.profile, '--out', a.out]), a.base, a.out, /user name or password in its stillUrl/);
      const b = setup({ cameras: [{ name: 'Lobby', url: 'https://192.168.10.50/', stillUrl: 'javascript:alert(1)' }] });
      expectRefused(cli(['site', '--config', b.profile, '--out', b.out]), b.base, b.out, /not an http\(s\) address/);
      const c = setup({ managedSystems: ['windows', 'amiga'] });
      expectRefused(cli(['site', '--config', c.profile, '--out', c.out]), c.base, c.out, /"managedSystems" lists "amiga"/);
    });

    it('missing options', () => {
      const r = cli(['site', '--out', join(dir, 'x')]);
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr);
      expect(cli(['site', '--config', 'lantrust.json']).code).toBe(2);
    });
  });
});
