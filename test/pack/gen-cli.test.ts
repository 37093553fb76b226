// `lantrust gen` as an admin runs it: the files, the warning for an unconstrained root, and refusals that write nothing.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { makeRoot, tempDir, writeTemp } from '../helpers/certs.js';
import { cli, cliAsync } from '../helpers/cli.js';
import { findTool } from '../helpers/oracles.js';
import { makeTestSigner } from '../sign/fixtures.js';
import { startTsa } from './tsa.js';
import { stableUuid } from '../../src/main/pack/mobileconfig.js';
import { sha256Hex } from '../../src/main/cert/describe.js';

const dir = tempDir('lantrust-gen-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lantrust gen', () => {
  it('writes the whole pack; chrome policy carries the constraints; re-running replaces only its own files', () => {
    const root = makeRoot();
    const file = writeTemp(dir, 'root.pem', root.pem);
    const out = join(dir, 'pack');
    mkdirSync(out);
    writeFileSync(join(out, 'keep-me.txt'), 'mine');
    const r = cli(['gen', '--root', file, '--out', out, '--company', 'Acme <&> GmbH', '--permit-dns', 'Cams.Example.com', '--permit-cidr', '192.168.1.0/24']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      ['Acme-GmbH-root.mobileconfig', 'Install-LanTrustRoot.ps1', 'New-LanTrustGpo.ps1', 'README.txt', 'Test-LanTrustRoot.ps1', 'Uninstall-LanTrustRoot.ps1', 'chrome-policy.json', 'firefox-policies.json', 'keep-me.txt', 'root.cer', 'root.pem'].sort(),
    );
    expect(readFileSync(join(out, 'root.cer')).equals(root.der)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'chrome-policy.json'), 'utf8'))).toEqual({
      CACertificatesWithConstraints: [{ certificate: root.der.toString('base64'), constraints: { permitted_dns_names: ['cams.example.com'], permitted_cidrs: ['192.168.1.0/24'] } }],
    });
    expect(JSON.parse(readFileSync(join(out, 'firefox-policies.json'), 'utf8'))).toEqual({ policies: { Certificates: { ImportEnterpriseRoots: true, Install: ['root.cer'] } } });
    const mc = readFileSync(join(out, 'Acme-GmbH-root.mobileconfig'), 'utf8');
    expect(mc).toContain('<string>Acme &lt;&amp;&gt; GmbH</string>');
    expect(mc).toContain(stableUuid(sha256Hex(root.der), 'cert'));
    expect(mc.replace(/\s+/g, '')).toContain(root.der.toString('base64'));
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toContain('New-LanTrustGpo.ps1 -LinkTo');
    expect(readFileSync(join(out, 'keep-me.txt'), 'utf8')).toBe('mine');
    // same input, same bytes (stable UUIDs, no dates): a re-run diff is empty
    const first = readFileSync(join(out, 'Install-LanTrustRoot.ps1'));
    expect(cli(['gen', '--root', file, '--out', out, '--company', 'Acme <&> GmbH', '--permit-dns', 'cams.example.com', '--permit-cidr', '192.168.1.0/24']).code).toBe(0);
    expect(readFileSync(join(out, 'Install-LanTrustRoot.ps1')).equals(first)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes('.lantrust-'))).toEqual([]);
  });

  it('warns about an unconstrained root given without --permit, saying what it means and how to fix it', () => {
    const file = writeTemp(dir, 'open.pem', makeRoot({ constraints: null }).pem);
    const out = join(dir, 'open-pack');
    const r = cli(['gen', '--root', file, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: The root has no name constraints: .*impersonate any website/);
    expect(r.stderr).toContain('--permit-dns');
    expect(JSON.parse(readFileSync(join(out, 'chrome-policy.json'), 'utf8'))).toEqual({ CACertificates: [expect.any(String)] });
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toContain('WARNINGS');
  });

  it.each([
    ['a device certificate', () => makeRoot({ ca: false }).pem, [], /not fit to distribute, so nothing was written: This is not a CA certificate/],
    ['an expired root', () => makeRoot({ notBefore: new Date(Date.now() - 9e10), notAfter: new Date(Date.now() - 864e5) }).pem, [], /expired/],
    ['a private key', () => makeRoot().key.export({ type: 'pkcs8', format: 'pem' }) as string, [], /private key/],
    ['--permit outside the root', () => makeRoot().pem, ['--permit-dns', 'other.example.org'], /other\.example\.org is not covered/],
    ['a bad CIDR', () => makeRoot().pem, ['--permit-cidr', '192.168.1.1/16'], /host bits set/],
  ])('refuses %s in one sentence and writes nothing', (_label, make, extra, msg) => {
    const file = writeTemp(dir, `bad-${Math.random().toString(36).slice(2)}.pem`, make());
    const out = join(dir, `never-${Math.random().toString(36).slice(2)}`);
    const r = cli(['gen', '--root', file, '--out', out, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});

describe('lantrust gen for a fleet: rotation, time stamps, roots without constraints', () => {
  it('--replaces puts the old roots\' SHA-256/SHA-1 into the scripts and README; the new root itself is refused', () => {
    const root = makeRoot({ name: 'Rotated Root' });
    const old1 = makeRoot({ name: 'Old One', key: 'ec-p384' });
    const old2 = makeRoot({ name: 'Old pfSense', key: 'rsa-2048', constraints: null });
    const f = (n: string, pem: string) => writeTemp(dir, n, pem);
    const out = join(dir, 'rot-pack');
    const r = cli(['gen', '--root', f('rot.pem', root.pem), '--out', out, '--replaces', f('old1.pem', old1.pem), '--replaces', f('old2.pem', old2.pem), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const x = (d: Buffer, alg: string) => createHash(alg).update(d).digest('hex');
    expect(JSON.parse(r.stdout).replaces).toEqual([x(old1.der, 'sha256'), x(old2.der, 'sha256')]);
    for (const s of ['Install-LanTrustRoot.ps1', 'New-LanTrustGpo.ps1']) {
      expect(readFileSync(join(out, s), 'latin1')).toContain(`$LanTrustReplaces = @('${x(old1.der, 'sha256')}|${x(old1.der, 'sha1').toUpperCase()}', '${x(old2.der, 'sha256')}|${x(old2.der, 'sha1').toUpperCase()}')`);
    }
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toContain(`Replaces:    SHA-256 ${x(old1.der, 'sha256')}`);
    const self = cli(['gen', '--root', f('rot2.pem', root.pem), '--out', join(dir, 'never-self'), '--replaces', f('rot3.pem', root.pem)]);
    expect(self.code).toBe(2);
    expect(self.stderr.trim()).toBe('lantrust: --replaces names the new root itself; give the OLD root(s) the new one replaces.');
    expect(existsSync(join(dir, 'never-self'))).toBe(false);
  });

  it('a root without name constraints, given --permit, is a Chrome/Edge-policy-only pack unless --add-to-windows-store (with a warning)', () => {
    const open = writeTemp(dir, 'open2.pem', makeRoot({ name: 'Open CA', constraints: null }).pem);
    const permit = ['--permit-dns', 'cams.example.com', '--permit-cidr', '192.168.1.0/24'];
    const a = cli(['gen', '--root', open, '--out', join(dir, 'open-policy'), ...permit, '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).windows).toBe('chrome-edge-policy-only');
    expect(a.stderr).toMatch(/warning: .*only in the Chrome and Edge policy .* Add --add-to-windows-store/);
    expect(readFileSync(join(dir, 'open-policy', 'Install-LanTrustRoot.ps1'), 'latin1')).toContain("$LanTrustStoreMode = 'policy'");
    const readme = readFileSync(join(dir, 'open-policy', 'README.txt'), 'utf8');
    expect(readme).toContain('Chrome and Edge policy ONLY');
    expect(readme).toContain('Do NOT use a "Trusted certificate" profile');
    const b = cli(['gen', '--root', open, '--out', join(dir, 'open-store'), ...permit, '--add-to-windows-store', '--json']);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).windows).toBe('root-store');
    expect(b.stderr).toMatch(/warning: .*--add-to-windows-store puts it in the Windows Root store too: .*every other Windows program, and Firefox with ImportEnterpriseRoots, trusts the root for every name/);
    expect(readFileSync(join(dir, 'open-store', 'README.txt'), 'utf8')).toMatch(/WARNINGS[\s\S]*--add-to-windows-store/);
    const constrained = cli(['gen', '--root', writeTemp(dir, 'c.pem', makeRoot().pem), '--out', join(dir, 'never-c'), '--add-to-windows-store']);
    expect(constrained.code).toBe(2);
    expect(constrained.stderr).toMatch(/--add-to-windows-store is only for a root without name constraints/);
  });

  it('README.txt gives the Intune, MECM, AllSigned, logging and GPO facts', () => {
    const out = join(dir, 'readme-pack');
    expect(cli(['gen', '--root', writeTemp(dir, 'rm.pem', makeRoot().pem), '--out', out]).code).toBe(0);
    const t = readFileSync(join(out, 'README.txt'), 'utf8');
    for (const s of [
      'Run script in 64-bit PowerShell: Yes',
      'Run this script using the logged-on credentials: No',
      '%SystemRoot%\\Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\',
      'Computer certificate\r\n      store - Root',
      'Compliance rule: Value',
      'Begins with  LanTrust: OK:',
      'Trusted\r\n  Publishers',
      '--timestamp',
      '%ProgramData%\\LanTrust\\lantrust.log',
      'source "LanTrust"',
      'Unverified: lantrust has not watched this on a real domain',
      'the GPO applied last wins',
    ]) {
      expect(t, s).toContain(s);
    }
  });

  it('--timestamp reaches the signer: a local RFC 3161 authority time-stamps every script; an unreachable one writes nothing', async () => {
    const signer = makeTestSigner();
    const tsa = await startTsa();
    try {
      const root = writeTemp(dir, 'ts.pem', makeRoot().pem);
      const out = join(dir, 'ts-pack');
      const r = await cliAsync(['gen', '--root', root, '--out', out, '--sign-pfx', signer.pfx, '--sign-pass-file', signer.passFile, '--timestamp', tsa.url]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('(scripts signed and time-stamped)');
      expect(tsa.queries).toBe(4);
      const v = spawnSync(findTool('osslsigncode'), ['verify', '-in', join(out, 'Install-LanTrustRoot.ps1'), '-CAfile', signer.certPem, '-TSA-CAfile', tsa.cert], { encoding: 'utf8' });
      // osslsigncode finds the countersignature and verifies it against the TSA's certificate.
      expect(`${v.stdout}${v.stderr}`).toMatch(/Countersignatures:\s*Timestamp time: /);
      expect(`${v.stdout}${v.stderr}`).toMatch(/Timestamp verified using:\s*-+\s*Signer #0:\s*Subject: \/CN=Lantrust Test TSA/);
      expect(v.status).toBe(0);
      const bad = await cliAsync(['gen', '--root', root, '--out', join(dir, 'never-ts'), '--sign-pfx', signer.pfx, '--sign-pass-file', signer.passFile, '--timestamp', 'http://127.0.0.1:9/']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(dir, 'never-ts'))).toBe(false);
      expect(cli(['gen', '--root', root, '--out', join(dir, 'never-ts2'), '--timestamp', tsa.url]).stderr.trim()).toBe('lantrust: --timestamp needs --sign-pfx FILE (it time-stamps the signatures).');
    } finally {
      await tsa.close();
    }
  }, 120_000);
});
