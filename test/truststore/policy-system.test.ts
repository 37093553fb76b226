// The root-only stores in temp folders: Chrome managed policy (with constraints) and the Linux anchors folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAnchors } from '../../src/main/probe/index.js';
import { installRoot, uninstallRoot } from '../../src/main/truststore/index.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/certs.js';
import { cliEnv, makePki } from './fixtures.js';

const home = tempDir('lantrust-polhome-');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('chrome-policy store', () => {
  it('an unconstrained root goes only into the policy, with the --permit constraints, keeping everything else', async () => {
    const env = cliEnv(home);
    const dir = env.LANTRUST_CHROME_POLICY_DIRS!;
    mkdirSync(dir, { recursive: true });
    const vendor = makePki({ name: 'Vendor Root', constraints: null });
    const mine = makePki({ name: 'Already There' }, vendor.dir);
    // Another admin's file and another root + policy already in ours: both must survive.
    writeFileSync(join(dir, 'admin.json'), JSON.stringify({ HomepageLocation: 'https://intranet.example/' }));
    writeFileSync(join(dir, 'lantrust.json'), JSON.stringify({ CACertificates: [mine.rootDer.toString('base64')], ShowHomeButton: true }));

    // Auto mode on an unconstrained root with policy constraints: everything but chrome-policy is skipped, and it says so.
    const r = cli(['install', '--root', vendor.rootFile, '--permit-dns', 'cams.test', '--permit-cidr', '127.0.0.0/8'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Skipped .*system.*apply only to the chrome-policy store/);
    expect(existsSync(env.LANTRUST_SYSTEM_ANCHOR_DIR!)).toBe(false);
    cli(['install', '--root', vendor.rootFile, '--store', 'chrome-policy', '--permit-dns', 'cams.test', '--permit-cidr', '127.0.0.0/8'], { env });
    const doc = JSON.parse(readFileSync(join(dir, 'lantrust.json'), 'utf8')) as Record<string, unknown>;
    expect(doc).toEqual({
      CACertificates: [mine.rootDer.toString('base64')],
      ShowHomeButton: true,
      CACertificatesWithConstraints: [{ certificate: vendor.rootDer.toString('base64'), constraints: { permitted_dns_names: ['cams.test'], permitted_cidrs: ['127.0.0.0/8'] } }],
    });
    // The test engine reads the same file as Chrome does and sees the constraint.
    const anchors = await loadAnchors({ chromePolicy: join(dir, 'lantrust.json') });
    expect(anchors.find((a) => a.der.equals(vendor.rootDer))?.policyConstraints).toEqual({ permittedDnsNames: ['cams.test'], permittedCidrs: ['127.0.0.0/8'] });

    // Changing the constraints replaces our entry; it never duplicates it.
    await installRoot({ root: vendor.rootFile, stores: ['chrome-policy'], permitDns: ['other.test'], env: { chromePolicyDirs: [dir] } });
    const doc2 = JSON.parse(readFileSync(join(dir, 'lantrust.json'), 'utf8')) as { CACertificatesWithConstraints: unknown[] };
    expect(doc2.CACertificatesWithConstraints).toEqual([{ certificate: vendor.rootDer.toString('base64'), constraints: { permitted_dns_names: ['other.test'] } }]);

    const un = await uninstallRoot({ root: vendor.rootFile, stores: ['chrome-policy'], env: { chromePolicyDirs: [dir] } });
    expect(un.stores[0]).toMatchObject({ changed: true, installed: false });
    expect(JSON.parse(readFileSync(join(dir, 'lantrust.json'), 'utf8'))).toEqual({ CACertificates: [mine.rootDer.toString('base64')], ShowHomeButton: true });
    expect(JSON.parse(readFileSync(join(dir, 'admin.json'), 'utf8'))).toEqual({ HomepageLocation: 'https://intranet.example/' });
  });
});

describe('Linux system store', () => {
  it('writes one file named by fingerprint, runs the update command, and removes only that file', async () => {
    const anchors = join(home, 'anchors');
    const marker = join(home, 'updated');
    mkdirSync(anchors, { recursive: true });
    writeFileSync(join(anchors, 'someone-else.crt'), makePki({ name: 'Neighbour' }).rootPem);
    const pki = makePki({ name: 'System Root' });
    const env = { systemAnchorDir: anchors, systemUpdateCommand: ['sh', '-c', `echo x >> ${marker}`], isRoot: true };
    const a = await installRoot({ root: pki.rootFile, stores: ['system'], env });
    expect(a.stores[0]).toMatchObject({ installed: true, changed: true });
    const b = await installRoot({ root: pki.rootFile, stores: ['system'], env });
    expect(b.stores[0]).toMatchObject({ installed: true, changed: false });
    expect(readdirSync(anchors).sort()).toEqual([expect.stringMatching(/^lantrust-[0-9a-f]{16}\.crt$/), 'someone-else.crt']);
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
    await uninstallRoot({ root: pki.rootFile, stores: ['system'], env });
    expect(readdirSync(anchors)).toEqual(['someone-else.crt']);
    expect(readFileSync(marker, 'utf8')).toBe('x\nx\n');
  });
});
