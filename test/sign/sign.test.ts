// lantrust sign against real tools: openssl makes the PFX, osslsigncode (run separately) verifies,
// pwsh parses and runs the signed scripts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signFiles, verifySignature } from '../../src/main/sign/index.js';
import { renderCore, toScriptFile } from '../../src/main/pack/powershell.js';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { makeRoot } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';
import { makeTestSigner, type TestSigner } from './fixtures.js';
import { minimalPe } from './pe.js';

/** osslsigncode's own verdict, run independently of our code: exit 0 = intact and chains to caFile. */
function ossVerify(file: string, caFile: string): { ok: boolean; out: string } {
  const r = spawnSync(findTool('osslsigncode'), ['verify', '-in', file, '-CAfile', caFile], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('lantrust sign (osslsigncode)', () => {
  let s: TestSigner;
  let work: string;
  const script = (name: string, body: string | Buffer) => {
    const p = join(work, name);
    writeFileSync(p, body);
    return p;
  };

  beforeAll(() => {
    s = makeTestSigner();
    work = mkdtempSync(join(tmpdir(), 'lantrust-signwork-'));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(s.dir, { recursive: true, force: true });
  });

  it('signs generated .ps1 files in place; osslsigncode verifies each and pwsh still runs them', async () => {
    const ascii = script('Hello.ps1', 'param([string]$Name = "World")\r\nWrite-Output "Hello, $Name"\r\n');
    const bom = script('Umlaut.ps1', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Write-Output "Grüße aus Zürich"\r\n', 'utf8')]));
    const r = cli(['sign', ascii, bom, '--pfx', s.pfx, '--pass-file', s.passFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`signed and verified ${ascii}`);
    for (const f of [ascii, bom]) {
      const text = readFileSync(f, 'latin1');
      expect(text).toContain('# SIG # Begin signature block');
      expect(ossVerify(f, s.certPem).ok).toBe(true);
      // Without trusting the self-signed certificate, osslsigncode rejects the chain: the check can fail.
      expect(spawnSync(findTool('osslsigncode'), ['verify', '-in', f]).status).not.toBe(0);
    }
    // The byte-order mark survives signing (Windows PowerShell 5.1 needs it to read non-ASCII text).
    expect(readFileSync(bom).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const out = execFileSync(findTool('pwsh'), ['-NoProfile', '-NonInteractive', '-File', ascii, '-Name', 'Signed'], { encoding: 'utf8' });
    expect(out.trim()).toBe('Hello, Signed');
    // No temporary files are left next to the originals.
    expect(readdirSync(work).filter((n) => n.includes('lantrust-'))).toEqual([]);
  });

  it('signs a real pack script (LanTrustCore with its data block) and pwsh parses it cleanly', async () => {
    const root = makeRoot({ name: 'Acme Sign Test Root' });
    const file = script('LanTrustCore.ps1', toScriptFile(renderCore({ rootDer: root.der, company: 'Acme "; Remove-Item *' })));
    const [res] = await signFiles([file], { pfx: s.pfx, password: s.password });
    expect(res).toMatchObject({ kind: 'powershell', verified: true, backend: 'osslsigncode' });
    expect(res!.signer).toContain('Lantrust Test Code Signing');
    expect(ossVerify(file, s.certPem).ok).toBe(true);
    const v = await verifySignature(file, { caFile: s.certPem });
    expect(v).toMatchObject({ signed: true, intact: true, trusted: true, ok: true });
    const ps = `$e=$null; $t=$null; [void][System.Management.Automation.Language.Parser]::ParseFile('${file.replace(/'/g, "''")}', [ref]$t, [ref]$e); $e.Count`;
    expect(execFileSync(findTool('pwsh'), ['-NoProfile', '-NonInteractive', '-Command', ps], { encoding: 'utf8' }).trim()).toBe('0');
  });

  it('`lantrust gen --sign-pfx` signs every script of a real pack; each verifies, and the pack still parses in pwsh', () => {
    const root = makeRoot({ name: 'Acme Pack Root' });
    const rootFile = script('pack-root.pem', root.pem);
    const out = join(work, 'pack');
    const r = cli(['gen', '--root', rootFile, '--out', out, '--company', 'Acme GmbH', '--sign-pfx', s.pfx, '--sign-pass-file', s.passFile]);
    expect(r.code, r.stderr).toBe(0);
    const scripts = readdirSync(out).filter((n) => n.endsWith('.ps1'));
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const n of scripts) {
      const v = ossVerify(join(out, n), s.certPem);
      expect(v.ok, `${n}: ${v.out}`).toBe(true);
    }
    const list = scripts.map((n) => `'${join(out, n).replace(/'/g, "''")}'`).join(',');
    const ps = `$n = 0; foreach ($f in @(${list})) { $e = $null; $t = $null; [void][System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$t, [ref]$e); $n += $e.Count }; $n`;
    expect(execFileSync(findTool('pwsh'), ['-NoProfile', '-NonInteractive', '-Command', ps], { encoding: 'utf8' }).trim()).toBe('0');
    // A wrong password signs nothing and writes no pack.
    const out2 = join(work, 'pack2');
    const bad = cli(['gen', '--root', rootFile, '--out', out2, '--sign-pfx', s.pfx, '--sign-pass-file', s.wrongPassFile]);
    expect(bad.code).not.toBe(0);
    expectOneSentence(bad.stderr);
    expect(bad.stderr).toMatch(/password .* is wrong/);
  });

  it('a script changed after signing fails verification, in osslsigncode and in `sign --verify`', async () => {
    const f = script('Tamper.ps1', 'Write-Output "installing the company root"\r\n');
    await signFiles([f], { pfx: s.pfx, password: s.password });
    expect(ossVerify(f, s.certPem).ok).toBe(true);
    writeFileSync(f, readFileSync(f, 'latin1').replace('installing the company root', 'installing the attacker root'), 'latin1');
    const oss = ossVerify(f, s.certPem);
    expect(oss.ok).toBe(false);
    expect(oss.out).toContain('MISMATCH');
    const v = await verifySignature(f, { caFile: s.certPem });
    expect(v).toMatchObject({ signed: true, intact: false, ok: false });
    const r = cli(['sign', '--verify', f, '--ca-file', s.certPem]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/modified after it was signed/);
  });

  it('an unsigned file is reported as unsigned', async () => {
    const f = script('Plain.ps1', 'Write-Output 1\r\n');
    const v = await verifySignature(f, { caFile: s.certPem });
    expect(v).toMatchObject({ signed: false, ok: false });
  });

  it('a wrong password is one sentence, exit != 0, and the file is unchanged', () => {
    const f = script('Wrong.ps1', 'Write-Output "keep me"\r\n');
    const before = readFileSync(f);
    const r = cli(['sign', f, '--pfx', s.pfx, '--pass-file', s.wrongPassFile]);
    expect(r.code).not.toBe(0);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/password .* is wrong/);
    expect(readFileSync(f).equals(before)).toBe(true);
    expect(readdirSync(work).filter((n) => n.includes('lantrust-'))).toEqual([]);
  });

  it('the password never appears in the arguments of the signing tool (it goes through stdin)', () => {
    const src = readFileSync(new URL('../../src/main/sign/osslsigncode.ts', import.meta.url), 'utf8');
    expect(src).toMatch(/'-readpass', '-'/);
    expect(src).not.toMatch(/'-pass',/);
  });

  it('missing PFX, unsupported file type, a PFX without a password given, a non-code-signing certificate: one sentence each, nothing signed', () => {
    const f = script('Untouched.ps1', 'Write-Output 2\r\n');
    const before = readFileSync(f);
    const txt = script('notes.txt', 'hello');
    const other = makeTestSigner({ eku: 'serverAuth' });
    const caCert = makeTestSigner({ ca: true });
    const cases: [string[], RegExp][] = [
      [['sign', f, '--pfx', join(work, 'missing.pfx'), '--pass-file', s.passFile], /does not exist; check the --pfx path/],
      [['sign', f, txt, '--pfx', s.pfx, '--pass-file', s.passFile], /notes\.txt is not a file Authenticode can sign/],
      [['sign', f, '--pfx', s.pfx], /protected by a password; .*--pass-file/],
      [['sign', f, '--pfx', other.pfx, '--pass-file', other.passFile], /not for code signing/],
      [['sign', f, '--pfx', caCert.pfx, '--pass-file', caCert.passFile], /is a CA certificate, not a code-signing certificate/],
      [['sign', f, '--pfx', s.pfx, '--pass-file', join(work, 'nope.txt')], /cannot read the password file/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneSentence(r.stderr);
      expect(r.stderr).toMatch(msg);
    }
    expect(readFileSync(f).equals(before)).toBe(true);
    rmSync(other.dir, { recursive: true, force: true });
    rmSync(caCert.dir, { recursive: true, force: true });
  });

  it('an EC (P-256) code-signing certificate works too', async () => {
    const ec = makeTestSigner({ key: 'ec' });
    const f = script('Ec.ps1', 'Write-Output "ec"\r\n');
    const exe = script('ec.exe', minimalPe());
    const res = await signFiles([f, exe], { pfx: ec.pfx, password: ec.password });
    expect(res.map((r) => r.signer)).toEqual(['CN=Lantrust Test Code Signing, O=Example Co', 'CN=Lantrust Test Code Signing, O=Example Co']);
    expect(ossVerify(f, ec.certPem).ok).toBe(true);
    expect(ossVerify(exe, ec.certPem).ok).toBe(true);
    rmSync(ec.dir, { recursive: true, force: true });
  });

  it('a BOM-less script with non-ASCII text is refused (Windows PowerShell 5.1 would hash it differently)', () => {
    const f = script('Ansi.ps1', Buffer.from('Write-Output "Grüße"\r\n', 'utf8'));
    const r = cli(['sign', f, '--pfx', s.pfx, '--pass-file', s.passFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/UTF-8 with BOM/);
  });

  it('signs a Windows program (.exe); osslsigncode verifies it, and a flipped byte breaks it', async () => {
    const exe = script('tiny.exe', minimalPe());
    const r = cli(['sign', exe, '--pfx', s.pfx, '--pass-file', s.passFile, '--description', 'Acme Trust']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(exe).length).toBeGreaterThan(minimalPe().length);
    expect(ossVerify(exe, s.certPem).ok).toBe(true);
    const bad = readFileSync(exe);
    bad[0x200] ^= 0xff; // the code section
    writeFileSync(exe, bad);
    expect(ossVerify(exe, s.certPem).ok).toBe(false);
    expect((await verifySignature(exe, { caFile: s.certPem })).intact).toBe(false);
    // Signing again replaces the broken signature with a good one.
    await signFiles([exe], { pfx: s.pfx, password: s.password });
    expect(ossVerify(exe, s.certPem).ok).toBe(true);
  });
});
