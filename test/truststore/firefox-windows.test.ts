// Firefox profile discovery (profiles.ini, real NSS dbs) and the Windows adapter running the IT pack's
// LanTrustCore.ps1 under real pwsh against CurrentUser\Root in a temp HOME.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfilesIni } from '../../src/main/truststore/firefox.js';
import { defaultEnv, installRoot, loadRoot, rootStatus, uninstallRoot } from '../../src/main/truststore/index.js';
import { windowsUser } from '../../src/main/truststore/windows.js';
import { cli } from '../helpers/cli.js';
import { findTool, nssList } from '../helpers/oracles.js';
import { tempDir } from '../helpers/certs.js';
import { cliEnv, makePki, type Pki } from './fixtures.js';

const certutil = findTool('certutil');
const pwsh = findTool('pwsh');

function newDb(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync(certutil!, ['-d', `sql:${dir}`, '-N', '--empty-password']);
}

describe('profiles.ini', () => {
  it('reads relative and absolute profiles, Windows separators, and ignores install sections', () => {
    const ini = '[Install4F96D1932A9F858E]\nDefault=abc.default-release\n\n[Profile1]\nName=work\nIsRelative=0\nPath=/data/ff/work\n\n[Profile0]\nName=default\nIsRelative=1\nPath=Profiles\\abc.default-release\nDefault=1\n\n[General]\nStartWithLastProfile=1\n';
    expect(parseProfilesIni(ini, '/h/.mozilla/firefox')).toEqual(['/data/ff/work', '/h/.mozilla/firefox/Profiles/abc.default-release']);
  });
});

describe('Firefox profiles found through profiles.ini', () => {
  let home: string;
  let pki: Pki;
  const profiles: string[] = [];
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(() => {
    home = tempDir('lantrust-ffhome-');
    pki = makePki({ name: 'Firefox Test Root' });
    // Classic location, relative profile.
    const classic = join(home, '.mozilla', 'firefox');
    newDb(join(classic, 'abc.default-release'));
    // A profile elsewhere, by absolute path; and one listed but never started (no db): skipped.
    const elsewhere = join(home, 'elsewhere', 'work');
    newDb(elsewhere);
    mkdirSync(join(classic, 'never-started'), { recursive: true });
    writeFileSync(join(classic, 'profiles.ini'), `[Profile0]\nName=default\nIsRelative=1\nPath=abc.default-release\n\n[Profile1]\nName=work\nIsRelative=0\nPath=${elsewhere}\n\n[Profile2]\nName=x\nIsRelative=1\nPath=never-started\n`);
    // The snap Firefox.
    const snap = join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox');
    newDb(join(snap, 'snp.default'));
    writeFileSync(join(snap, 'profiles.ini'), '[Profile0]\nName=default\nIsRelative=1\nPath=snp.default\n');
    // A folder with a db that no profiles.ini names: not a profile.
    newDb(join(classic, 'orphan'));
    profiles.push(join(classic, 'abc.default-release'), elsewhere, join(snap, 'snp.default'));
  });

  it('installs into every listed profile once, and uninstall removes it from each', () => {
    const env = cliEnv(home);
    const r = cli(['install', '--root', pki.rootFile, '--store', 'firefox'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/firefox\s+added to/g)).toHaveLength(3);
    cli(['install', '--root', pki.rootFile, '--store', 'firefox'], { env });
    for (const p of profiles) expect(nssList(p).match(/lantrust [0-9a-f]{8}\)\s+C,,/g)).toHaveLength(1);
    expect(nssList(join(home, '.mozilla', 'firefox', 'orphan'))).not.toContain('lantrust');
    const st = JSON.parse(cli(['status', '--root', pki.rootFile, '--store', 'firefox', '--json'], { env }).stdout) as { stores: { path: string; installed: boolean }[] };
    expect(st.stores.map((s) => [s.path, s.installed])).toEqual(profiles.map((p) => [p, true]));
    expect(cli(['uninstall', '--root', pki.rootFile, '--store', 'firefox'], { env }).code).toBe(0);
    for (const p of profiles) expect(nssList(p)).not.toContain('lantrust');
  });
});

describe('Windows CurrentUser\\Root through LanTrustCore.ps1 under pwsh', () => {
  let home: string;
  let pki: Pki;
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('add, add again, status, remove — checked in .NET\'s store folder — and the pin is enforced by the script', async () => {
    home = tempDir('lantrust-pwshhome-');
    pki = makePki({ name: 'Windows Test Root' });
    const env = defaultEnv({ home, platform: 'win32', tools: { powershell: pwsh! } });
    const cert = await loadRoot(pki.rootFile);
    // .NET on Linux keeps CurrentUser\Root as one file per certificate, named by thumbprint.
    const storeDir = join(home, '.dotnet', 'corefx', 'cryptography', 'x509stores', 'root');
    const inStore = () => (existsSync(storeDir) ? readdirSync(storeDir) : []).filter((f) => f.toUpperCase().startsWith(cert.info.sha1Thumbprint));

    const first = await installRoot({ root: pki.rootFile, stores: ['windows-user'], env });
    expect(first.stores).toEqual([expect.objectContaining({ store: 'windows-user', installed: true, changed: true })]);
    expect(inStore()).toHaveLength(1);
    const second = await windowsUser.add(cert, env);
    expect(second[0]).toMatchObject({ installed: true, changed: false });
    expect(inStore()).toHaveLength(1);
    expect((await rootStatus({ root: pki.rootFile, stores: ['windows-user'], env })).stores[0]).toMatchObject({ installed: true, path: 'Cert:\\CurrentUser\\Root' });

    // A RootCert whose pin doesn't match its DER: the PowerShell core refuses before opening the store.
    const forged = { ...cert, sha256: 'ab'.repeat(32) };
    const bad = await windowsUser.remove(forged, env);
    expect(bad[0]).toMatchObject({ error: true });
    expect(bad[0]!.message).toContain('does not match its pinned SHA-256');
    expect(inStore()).toHaveLength(1);

    const un = await uninstallRoot({ root: pki.rootFile, stores: ['windows-user'], env });
    expect(un.stores[0]).toMatchObject({ installed: false, changed: true });
    expect(inStore()).toHaveLength(0);
  }, 180_000); // five pwsh starts: ~2 s each when idle, far more on a busy 2-core runner
});
