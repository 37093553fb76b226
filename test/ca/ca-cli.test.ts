// `lantrust ca` as a user runs it (built CLI): exit codes, one-sentence errors, files, the passphrase prompt.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, expectOneSentence } from '../helpers/cli.js';
import { tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const PASS = 'correct horse battery';
let work: string;
let passFile: string;
let ca: string;

beforeAll(() => {
  work = tempDir('lantrust-ca-cli-');
  passFile = join(work, 'pass.txt');
  writeFileSync(passFile, `${PASS}\n`);
  ca = join(work, 'ca');
  const r = cli(['ca', 'init', '--dir', ca, '--name', 'Acme Ltd', '--permit-dns', 'cams.acme.example', '--permit-cidr', '192.168.0.0/16', '--passphrase-file', passFile]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/✓ Made the company root for Acme Ltd/);
  expect(r.stdout).toMatch(/Trusts\s+only names under cams\.acme\.example and addresses in 192\.168\.0\.0\/16/);
  expect(r.stdout).toMatch(/encrypted, scrypt/);
});

describe('lantrust ca (CLI)', () => {
  it('init output is fit for check-root (exit 0)', () => {
    const r = cli(['check-root', join(ca, 'root.pem'), '--expect-cidr', '192.168.1.0/24', '--expect-dns', 'lobby.cams.acme.example']);
    expect(r.stdout.split('\n')[0]).toMatch(/is fit to distribute/);
    expect(r.code).toBe(0);
  });

  it('issue: names as arguments (mkcert style), --json, files in DIR/devices', () => {
    const r = cli(['ca', 'issue', '--dir', ca, '--passphrase-file', passFile, '--name', 'lobby-cam', 'lobby.cams.acme.example', '192.168.1.50', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { label: string; ip: string[]; dns: string[]; files: Record<string, string> };
    expect(d).toMatchObject({ label: 'lobby-cam', ip: ['192.168.1.50'], dns: ['lobby.cams.acme.example'] });
    expect(readdirSync(join(ca, 'devices')).sort()).toEqual(['lobby-cam.chain.pem', 'lobby-cam.crt', 'lobby-cam.key', 'lobby-cam.server.pem']);
  });

  it('issue outside the constraints: exit 1, one sentence, nothing written, no passphrase asked', () => {
    const out = join(work, 'never');
    const r = cli(['ca', 'issue', '--dir', ca, '--name', 'evil', '--dns', 'mail.google.com', '--out', out]);
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/refusing mail\.google\.com for evil: this CA may vouch for only names under cams\.acme\.example and addresses in 192\.168\.0\.0\/16/);
    expect(existsSync(out)).toBe(false);
  });

  it('bulk: per-device refusals in a summary, exit 1', () => {
    const csv = join(work, 'devices.csv');
    writeFileSync(csv, 'name,ip,dns\ncam1,192.168.1.1,cam1.cams.acme.example\ncam2,10.0.0.2,\ncam3,192.168.1.3,\n');
    const out = join(work, 'fleet');
    const r = cli(['ca', 'issue', '--dir', ca, '--from', csv, '--out', out, '--passphrase-file', passFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✓ cam1/);
    expect(r.stdout).toMatch(/✗ cam2\s+line 3: refusing 10\.0\.0\.2/);
    expect(r.stdout).toMatch(/2 issued into .*fleet, 1 refused \(nothing written for them\)/);
    expect(readdirSync(out).filter((f) => f.startsWith('cam2'))).toEqual([]);
  });

  it('sign prints the chain to stdout; list shows what was issued', () => {
    const openssl = findTool('openssl');
    const csr = join(work, 'door.csr');
    execFileSync(openssl, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(work, 'door.key'), '-subj', '/CN=door-cam', '-addext', 'subjectAltName=IP:192.168.7.7', '-out', csr], { stdio: 'ignore' });
    const s = cli(['ca', 'sign', '--dir', ca, '--csr', csr, '--passphrase-file', passFile]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(s.stderr).toMatch(/signed door-cam for 192\.168\.7\.7/);
    const l = cli(['ca', 'list', '--dir', ca]);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/lobby-cam\s+192\.168\.1\.50 lobby\.cams\.acme\.example/);
    expect(l.stdout).toMatch(/door-cam\s+192\.168\.7\.7/);
    const j = JSON.parse(cli(['ca', 'list', '--dir', ca, '--json']).stdout) as { entries: { label: string; status: string }[] };
    expect(j.entries.map((e) => e.label).sort()).toEqual(['cam1', 'cam3', 'door-cam', 'lobby-cam']);
  });

  it('bad input: one sentence, exit 2', () => {
    const wrong = join(work, 'wrong.txt');
    writeFileSync(wrong, 'not it\n');
    const cases: [string[], RegExp][] = [
      [['ca'], /ca init, ca issue, ca sign or ca list/],
      [['ca', 'frobnicate'], /not a ca command/],
      [['ca', 'init', '--dir', join(work, 'x'), '--permit-dns', 'a.example', '--no-passphrase'], /--name/],
      [['ca', 'init', '--dir', join(work, 'x'), '--name', 'X', '--no-passphrase'], /at least one --permit-dns/],
      [['ca', 'init', '--dir', join(work, 'x'), '--name', 'X', '--permit-dns', 'a.example', '--key', 'dsa'], /not a key type/],
      [['ca', 'init', '--dir', join(work, 'x'), '--name', 'X', '--permit-cidr', '192.168.1.0/33', '--no-passphrase'], /./],
      [['ca', 'init', '--dir', join(work, 'x'), '--name', 'X', '--permit-dns', 'a.example'], /stdin is not a terminal/],
      [['ca', 'init', '--dir', join(work, 'x'), '--name', 'X', '--permit-dns', 'a.example', '--no-passphrase', '--passphrase-file', passFile], /either --passphrase-file or --no-passphrase/],
      [['ca', 'init', '--dir', ca, '--name', 'X', '--permit-dns', 'a.example', '--no-passphrase'], /already holds a CA/],
      [['ca', 'issue', '--dir', ca, '--ip', '192.168.1.9'], /encrypted, but stdin is not a terminal/],
      [['ca', 'issue', '--dir', ca, '--ip', '192.168.1.9', '--passphrase-file', wrong], /passphrase does not open/],
      [['ca', 'issue', '--dir', ca, '--ip', '192.168.1.9', '--passphrase-file', join(work, 'missing.txt')], /cannot read the passphrase file/],
      [['ca', 'issue', '--dir', join(work, 'nope'), '--ip', '192.168.1.9'], /does not exist/],
      [['ca', 'issue', '--dir', ca, '--name', 'a/b', '--ip', '192.168.1.9'], /cannot be a device label/],
      [['ca', 'issue', '--dir', ca, '--days', 'ten', '--ip', '192.168.1.9'], /--days must be a whole number/],
      [['ca', 'issue', '--dir', ca], /give the device's names/],
      [['ca', 'issue', '--dir', ca, '--from', join(work, 'nope.csv')], /cannot read/],
      [['ca', 'sign', '--dir', ca, '--csr', join(ca, 'root.pem'), '--passphrase-file', passFile], /not a certificate request/],
      [['ca', 'list', '--dir', join(work, 'nope')], /does not exist/],
      [['ca', 'issue', '--dir', ca, '--bogus'], /--bogus/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      expect(`${args.join(' ')} -> ${r.code}`).toBe(`${args.join(' ')} -> 2`);
      expectOneSentence(r.stderr);
      expect(r.stderr).toMatch(re);
    }
    expect(existsSync(join(work, 'x', 'ca.json'))).toBe(false);
  });

  it('asks for the passphrase on a terminal without echoing it', async () => {
    // util-linux `script` gives the CLI a real pty; type the passphrase only once the prompt is shown.
    const cmd = `${process.execPath} ${BIN} ca issue --dir ${ca} --name tty-cam --ip 192.168.4.4`;
    const p = spawn(findTool('script'), ['-qec', cmd, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    let seen = '';
    let typed = false;
    const code = await new Promise<number>((resolve) => {
      p.stdout.on('data', (d: Buffer) => {
        seen += d.toString();
        if (!typed && seen.includes('Passphrase for the CA key')) {
          typed = true;
          p.stdin.write(`${PASS}\r`);
        }
      });
      p.on('close', (c) => resolve(c ?? -1));
      setTimeout(() => p.kill('SIGKILL'), 60_000);
    });
    expect(seen).toMatch(/✓ Issued tty-cam/);
    expect(seen).not.toContain(PASS);
    expect(code).toBe(0);
  });
});
