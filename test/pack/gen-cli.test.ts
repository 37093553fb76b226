// `lantrust gen` as an admin runs it: the files, the warning for an unconstrained root, and refusals that write nothing.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRoot, tempDir, writeTemp } from '../helpers/certs.js';
import { cli } from '../helpers/cli.js';
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
