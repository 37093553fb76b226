// The audit's CA findings, reproduced as a user would (the built CLI) and checked with OpenSSL:
// the CA's own files can't be overwritten by its output, a replaced root or key is refused on open,
// keys never go through a planted temp file, and parallel runs on one CA folder can't tear it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initCa, issueCertificate, withCaLock } from '../../src/main/ca/index.js';
import { UserError } from '../../src/main/errors.js';
import { BIN, cli, expectOneSentence } from '../helpers/cli.js';
import { tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const openssl = findTool('openssl');
const PASS = 'correct horse battery staple';

function ossl(args: string[]): { code: number; out: string } {
  const r = spawnSync(openssl, args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** The public key OpenSSL reads from a key file or a certificate, for "does this key match?" */
function pubOfKey(file: string): string {
  return ossl(['pkey', '-in', file, '-pubout']).out;
}
function pubOfCert(file: string): string {
  return ossl(['x509', '-in', file, '-noout', '-pubkey']).out;
}

function newCaDir(): { work: string; ca: string; pass: string } {
  const work = tempDir('lantrust-harden-');
  const pass = join(work, 'pass.txt');
  writeFileSync(pass, `${PASS}\n`);
  const ca = join(work, 'ca');
  const r = cli(['ca', 'init', '--dir', ca, '--name', 'Acme', '--permit-dns', 'cams.acme.example', '--permit-cidr', '192.168.10.0/24', '--passphrase-file', pass]);
  expect(r.code).toBe(0);
  return { work, ca, pass };
}

describe('the CA cannot be damaged by its own output (audit item 1)', () => {
  it('ca issue --name root --out CA is refused before anything is written; the next issue still verifies', () => {
    const { ca, pass } = newCaDir();
    const keyBefore = readFileSync(join(ca, 'root.key'));
    const r = cli(['ca', 'issue', '--dir', ca, '--name', 'root', '--ip', '192.168.10.9', '--out', ca, '--passphrase-file', pass]);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/refusing to write .*root\.key: it is the CA's own root\.key/);
    expect(readFileSync(join(ca, 'root.key')).equals(keyBefore)).toBe(true);
    const ok = cli(['ca', 'issue', '--dir', ca, '--name', 'cam', '--ip', '192.168.10.10', '--passphrase-file', pass]);
    expect(ok.code).toBe(0);
    expect(ossl(['verify', '-CAfile', join(ca, 'root.pem'), join(ca, 'devices', 'cam.crt')]).code).toBe(0);
  });

  it('the same through a symlinked output folder and a ".." path', () => {
    const { work, ca, pass } = newCaDir();
    symlinkSync(ca, join(work, 'alias'));
    for (const out of [join(work, 'alias'), join(ca, 'devices', '..')]) {
      const r = cli(['ca', 'issue', '--dir', ca, '--name', 'intermediate', '--ip', '192.168.10.9', '--out', out, '--passphrase-file', pass]);
      // no intermediate in this CA, but the name is still the CA's reserved intermediate.key
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/it is the CA's own intermediate\.key/);
      const r2 = cli(['ca', 'issue', '--dir', ca, '--name', 'root', '--ip', '192.168.10.9', '--out', out, '--passphrase-file', pass]);
      expect(r2.code).toBe(2);
    }
    expect(readdirSync(ca).filter((f) => f.startsWith('intermediate'))).toEqual([]);
  });

  it('ca sign --out CA/root.pem is refused; root.pem is unchanged', () => {
    const { work, ca, pass } = newCaDir();
    const dir = join(work, 'dev');
    mkdirSync(dir);
    spawnSync(openssl, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-subj', '/CN=cam', '-addext', 'subjectAltName=IP:192.168.10.20', '-out', join(dir, 'x.csr')]);
    const before = readFileSync(join(ca, 'root.pem'));
    for (const out of [join(ca, 'root.pem'), join(ca, 'ROOT.PEM.lnk')]) {
      if (out.endsWith('.lnk')) symlinkSync(join(ca, 'root.pem'), out);
      const r = cli(['ca', 'sign', '--dir', ca, '--csr', join(dir, 'x.csr'), '--out', out, '--passphrase-file', pass]);
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr);
      expect(r.stderr).toMatch(/it is the CA's own root\.pem/);
    }
    expect(readFileSync(join(ca, 'root.pem')).equals(before)).toBe(true);
  });

  it('a root.pem that is not the one in ca.json, or a key that is not the issuer\'s, is refused on open', () => {
    const { work, ca, pass } = newCaDir();
    // A device certificate and key written over the CA's (what the audit's repro produced).
    const dev = cli(['ca', 'issue', '--dir', ca, '--name', 'cam', '--ip', '192.168.10.11', '--out', join(work, 'devs'), '--passphrase-file', pass]);
    expect(dev.code).toBe(0);
    const root = readFileSync(join(ca, 'root.pem'));
    writeFileSync(join(ca, 'root.pem'), readFileSync(join(work, 'devs', 'cam.crt')));
    let r = cli(['ca', 'issue', '--dir', ca, '--name', 'x', '--dns', 'mail.google.com', '--passphrase-file', pass]);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/root\.pem is not the root this CA made/);
    writeFileSync(join(ca, 'root.pem'), root);
    writeFileSync(join(ca, 'root.key'), readFileSync(join(work, 'devs', 'cam.key')));
    r = cli(['ca', 'issue', '--dir', ca, '--name', 'y', '--ip', '192.168.10.12', '--passphrase-file', pass]);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/root\.key is not the key of the root certificate/);
    expect(existsSync(join(ca, 'devices', 'y.crt'))).toBe(false);
  });

  it('an unencrypted CA (--no-passphrase) whose key was swapped for another unencrypted key is refused too', async () => {
    const dir = join(tempDir('lantrust-harden-'), 'ca');
    await initCa({ dir, name: 'Acme', permitCidr: ['192.168.10.0/24'], passphrase: null });
    const other = join(tempDir('lantrust-harden-'), 'other');
    await initCa({ dir: other, name: 'Other', permitCidr: ['192.168.10.0/24'], passphrase: null });
    writeFileSync(join(dir, 'root.key'), readFileSync(join(other, 'root.key')));
    const e = await issueCertificate({ dir, label: 'cam', ip: ['192.168.10.5'], passphrase: null }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/is not the key of the root certificate/);
  });
});

describe('--passphrase-file uses its first line, as the help says (audit item 7)', () => {
  it('a note on the second line is not part of the passphrase', () => {
    const { work, ca } = newCaDir();
    const noted = join(work, 'noted.txt');
    writeFileSync(noted, `${PASS}\r\nthe CA passphrase, kept in the safe\n`);
    const r = cli(['ca', 'issue', '--dir', ca, '--name', 'cam', '--ip', '192.168.10.30', '--passphrase-file', noted]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('keys never pass through a planted temp file (audit item 2)', () => {
  it('a symlink named like the old predictable temp file receives nothing; the key is 0600 and matches its certificate', async () => {
    const work = tempDir('lantrust-harden-');
    const dir = join(work, 'ca');
    await initCa({ dir, name: 'Acme', permitCidr: ['192.168.10.0/24'], passphrase: null });
    const out = join(work, 'out');
    mkdirSync(out);
    const trap = join(work, 'stolen.key');
    writeFileSync(trap, '', { mode: 0o644 });
    for (const f of ['cam.key', 'cam.server.pem', 'cam.crt', 'cam.chain.pem']) symlinkSync(trap, join(out, `.${f}.${process.pid}.tmp`));
    const d = await issueCertificate({ dir, label: 'cam', ip: ['192.168.10.5'], passphrase: null, out });
    expect(readFileSync(trap, 'utf8')).toBe('');
    expect(statSync(d.files.key).mode & 0o777).toBe(0o600);
    expect(statSync(d.files.server).mode & 0o777).toBe(0o600);
    expect(lstatSync(d.files.key).isSymbolicLink()).toBe(false);
    expect(pubOfKey(d.files.key)).toBe(pubOfCert(d.files.crt));
    // no temp file of ours is left behind (the planted links stay, untouched)
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp')).sort()).toEqual(['cam.chain.pem', 'cam.crt', 'cam.key', 'cam.server.pem'].map((f) => `.${f}.${process.pid}.tmp`).sort());
  });
});

function cliAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('one lantrust at a time per CA folder (audit item 5)', () => {
  it('16 parallel `ca issue --name same`: every run ends with a key that matches its certificate', async () => {
    const { ca, pass } = newCaDir();
    const runs = await Promise.all(Array.from({ length: 16 }, () => cliAsync(['ca', 'issue', '--dir', ca, '--name', 'same', '--ip', '192.168.10.7', '--passphrase-file', pass])));
    for (const r of runs) expect(r.stderr).toBe('');
    expect(runs.every((r) => r.code === 0)).toBe(true);
    const dev = join(ca, 'devices');
    expect(pubOfKey(join(dev, 'same.key'))).toBe(pubOfCert(join(dev, 'same.crt')));
    expect(pubOfKey(join(dev, 'same.key'))).toBe(pubOfCert(join(dev, 'same.chain.pem')));
    expect(readFileSync(join(ca, 'issued.jsonl'), 'utf8').trim().split('\n')).toHaveLength(16);
    expect(existsSync(join(ca, '.lock'))).toBe(false);
  });

  it('parallel `ca init` on one folder: one succeeds, the others say a CA is already there; ca.json matches root.pem', async () => {
    const work = tempDir('lantrust-harden-');
    const dir = join(work, 'ca');
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => cliAsync(['ca', 'init', '--dir', dir, '--name', `Acme ${i}`, '--permit-cidr', '192.168.10.0/24', '--no-passphrase'])));
    expect(runs.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of runs.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/already holds a CA/);
    const settings = JSON.parse(readFileSync(join(dir, 'ca.json'), 'utf8')) as { rootSha256: string };
    const fp = ossl(['x509', '-in', join(dir, 'root.pem'), '-noout', '-fingerprint', '-sha256']).out.split('=')[1]!.trim();
    expect(settings.rootSha256).toBe(fp);
  });

  it('a live holder makes others wait, then refuse in one sentence; a stale lock from a dead process is taken over', async () => {
    const { ca, pass } = newCaDir();
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(ca, '.lock'), JSON.stringify({ pid: sleeper.pid, host: (await import('node:os')).hostname(), since: new Date().toISOString() }));
      const e = await withCaLock(ca, async () => 'never', { waitMs: 300 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toMatch(new RegExp(`another lantrust is using the CA in .* \\(process ${sleeper.pid} since`));
    } finally {
      sleeper.kill();
    }
    await new Promise((r) => sleeper.once('exit', r));
    // now the holder is gone: the lock is stale and the next run takes it over
    const r = cli(['ca', 'issue', '--dir', ca, '--name', 'after', '--ip', '192.168.10.8', '--passphrase-file', pass]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(ca, '.lock'))).toBe(false);
  });
});
