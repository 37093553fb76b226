import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { makeRoot, tempDir, writeTemp } from '../helpers/certs.js';

const dir = tempDir();
const good = writeTemp(dir, 'good.pem', makeRoot().pem);
const unconstrained = writeTemp(dir, 'unconstrained.cer', makeRoot({ constraints: null }).der);

describe('lantrust check-root', () => {
  it('exit 0 and a verdict line for a fit root', () => {
    const r = cli(['check-root', good]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/✓ .* is fit to distribute/);
    expect(r.stdout).toMatch(/only names under cams\.example\.com and addresses in 192\.168\.0\.0\/16/);
    expect(r.stderr).toBe('');
  });

  it('exit 1 with findings grouped and fixes shown', () => {
    const r = cli(['check-root', unconstrained]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/✗ .* not fit to distribute: 1 error/);
    expect(r.stdout).toMatch(/Errors:\n {2}✗ The root has no name constraints/);
    expect(r.stdout).toMatch(/fix: make a constrained root/);
  });

  it('--json is exactly one document, for exit 0 and 1', () => {
    for (const [file, code] of [[good, 0], [unconstrained, 1]] as const) {
      const r = cli(['check-root', file, '--json', '--expect-cidr', '192.168.1.0/24']);
      expect(r.code).toBe(code);
      const doc = JSON.parse(r.stdout) as { certificate: { sha256: string }; findings: { id: string; severity: string; message: string; fix: string }[] };
      expect(Object.keys(doc)).toEqual(['certificate', 'findings']);
      expect(doc.certificate.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      for (const f of doc.findings) expect(Object.keys(f)).toEqual(['id', 'severity', 'message', 'fix']);
    }
  });

  it('--expect-dns outside the constraints is an error', () => {
    const r = cli(['check-root', good, '--expect-dns', 'intranet.other.com', '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id)).toEqual(['expect-dns']);
  });

  it('unusable input: exit 2 and one sentence, never a stack trace', () => {
    const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const keyPem = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const cases: [string, string | Buffer, RegExp][] = [
      ['empty.pem', '', /empty/],
      ['random.bin', randomBytes(1000), /not a certificate|damaged/],
      ['truncated.pem', makeRoot().pem.slice(0, 200), /truncated/],
      ['key.pem', keyPem, /private key; never distribute it/],
      ['both.pem', makeRoot().pem + keyPem, /private key; never distribute it/],
      ['huge.pem', Buffer.alloc(3 * 1024 * 1024, 0x2d), /far larger/],
    ];
    for (const [name, data, msg] of cases) {
      const f = writeTemp(dir, name, data);
      const r = cli(['check-root', f]);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      expectOneSentence(r.stderr);
      expect(r.stderr, name).toMatch(msg);
      // --json does not change how unusable input is reported
      expect(cli(['check-root', f, '--json']).code).toBe(2);
    }
    for (const args of [['check-root', `${dir}/missing.pem`], ['check-root', dir], ['check-root'], ['check-root', good, '--bogus'], ['check-root', good, '--expect-cidr', '10.0.0.1/8'], ['nonsense']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneSentence(r.stderr);
    }
    expect(existsSync(`${dir}/missing.pem`)).toBe(false);
  });

  it('--help is made of examples and every verb answers --help', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/check-root/);
    const r = cli(['check-root', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n {2}lantrust check-root/);
    expect(cli([]).code).toBe(2);
  });

  it('describe prints every certificate in a file', () => {
    const bundle = writeTemp(dir, 'bundle.pem', makeRoot({ name: 'A' }).pem + makeRoot({ name: 'B', key: 'rsa-2048' }).pem);
    const r = cli(['describe', bundle, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { certificates: { subject: string; publicKey: { type: string } }[] };
    expect(doc.certificates.map((c) => c.subject)).toEqual(['O=Test Co, CN=A', 'O=Test Co, CN=B']);
    expect(doc.certificates[1]!.publicKey.type).toBe('RSA');
  });
});
