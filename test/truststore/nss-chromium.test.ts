// lantrust install / status / uninstall against a real NSS db in a temp HOME, judged by real headless Chromium.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { chromeVerdicts, findTool, makeNssHome, nssAddRoot, nssList } from '../helpers/oracles.js';
import { cliEnv, makePki, type Pki } from './fixtures.js';

const certutil = findTool('certutil');
findTool('chromium'); // required oracle: missing = failure

/** Every certificate in the db as "nickname -> trust" plus how many DER copies each nickname holds. */
function snapshot(db: string): string[] {
  return nssList(db)
    .split('\n')
    .slice(4)
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(.+?)\s+(\S*,\S*,\S*)\s*$/.exec(l)!;
      const pems = execFileSync(certutil!, ['-d', `sql:${db}`, '-L', '-n', m[1]!, '-a'], { encoding: 'utf8' });
      return `${m[1]} | ${m[2]} | ${(pems.match(/BEGIN CERTIFICATE/g) ?? []).length}`;
    })
    .sort();
}

describe('install into NSS, checked by Chromium', () => {
  let home: ReturnType<typeof makeNssHome>;
  let pki: Pki;
  let other: Pki;
  let cam: SimCamera;
  let env: Record<string, string>;

  beforeAll(async () => {
    home = makeNssHome();
    env = cliEnv(home.home);
    pki = makePki({ name: 'Acme Cameras Root' });
    other = makePki({ name: 'Someone Else CA' }, pki.dir);
    // A certificate that was there before us, with its own trust flags: it must survive everything.
    nssAddRoot(home.db, other.rootFile, 'Someone Else CA');
    execFileSync(certutil!, ['-d', `sql:${home.db}`, '-M', '-n', 'Someone Else CA', '-t', 'CT,C,C']);
    cam = await startCamera({ key: pki.leafKey, cert: pki.leafPem });
  });
  afterAll(async () => {
    await cam?.close();
    home?.cleanup();
  });

  it('flips Chromium from AUTHORITY_INVALID to OK and back, touching nothing else', async () => {
    const url = cam.url;
    const before = snapshot(home.db);
    expect((await chromeVerdicts([url], { home: home.home })).get(url)).toBe('net::ERR_CERT_AUTHORITY_INVALID');

    const first = cli(['install', '--root', pki.rootFile, '--store', 'nss', '--sha256', pki.sha256], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/nss\s+added to ~\/\.pki\/nssdb as "Test Co Acme Cameras Root \(lantrust [0-9a-f]{8}\)"/);
    const second = cli(['install', '--root', pki.rootFile, '--store', 'nss'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing changed');

    // One copy, trusted for SSL, next to the untouched other root.
    const after = snapshot(home.db);
    expect(after.filter((l) => l.includes('lantrust'))).toEqual([expect.stringMatching(/\| C,, \| 1$/)]);
    expect(after.filter((l) => !l.includes('lantrust'))).toEqual(before);

    expect((await chromeVerdicts([url], { home: home.home })).get(url)).toBe('net::OK');

    const status = cli(['status', '--root', pki.rootFile, '--store', 'nss', '--json'], { env });
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout) as { stores: { store: string; path: string; installed: boolean }[] };
    expect(doc.stores).toEqual([expect.objectContaining({ store: 'nss', path: home.db, installed: true })]);

    const un = cli(['uninstall', '--root', pki.rootFile, '--store', 'nss'], { env });
    expect(un.code).toBe(0);
    expect(un.stdout).toMatch(/removed "Test Co Acme Cameras Root \(lantrust [0-9a-f]{8}\)" from ~\/\.pki\/nssdb/);
    expect(snapshot(home.db)).toEqual(before);
    const again = cli(['uninstall', '--root', pki.rootFile, '--store', 'nss'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');

    expect((await chromeVerdicts([url], { home: home.home })).get(url)).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    const st = cli(['status', '--root', pki.rootFile, '--store', 'nss', '--json'], { env });
    expect(st.code).toBe(1);
    expect((JSON.parse(st.stdout) as { stores: { installed: boolean }[] }).stores[0]!.installed).toBe(false);
   }, 150_000); // three Chromium launches and eight CLI runs on a busy 2-core machine

  it('finds the root by its DER under any nickname, and trusts a present-but-untrusted copy instead of adding a second', () => {
    // Someone imported our root without trust flags under their own name (e.g. Chrome's import dialog).
    nssAddRoot(home.db, pki.rootFile, 'imported by hand');
    execFileSync(certutil!, ['-d', `sql:${home.db}`, '-M', '-n', 'imported by hand', '-t', ',,']);
    const st = cli(['status', '--root', pki.rootFile, '--store', 'nss'], { env });
    expect(st.code).toBe(1);
    expect(st.stdout).toContain('present in ~/.pki/nssdb as "imported by hand" but not trusted');
    const r = cli(['install', '--root', pki.rootFile, '--store', 'nss'], { env });
    expect(r.code).toBe(0);
    expect(snapshot(home.db).filter((l) => l.startsWith('imported by hand'))).toEqual(['imported by hand | C,, | 1']);
    expect(cli(['uninstall', '--root', pki.rootFile, '--store', 'nss'], { env }).code).toBe(0);
    expect(snapshot(home.db).some((l) => l.startsWith('imported by hand'))).toBe(false);
    expect(snapshot(home.db)).toEqual([expect.stringMatching(/^Someone Else CA \| CT,C,C \| 1$/)]);
  });

  it('refuses, changing nothing: an unconstrained root, a pin mismatch, policy constraints aimed at NSS', () => {
    const loose = makePki({ name: 'Loose Root', constraints: null }, pki.dir);
    const before = snapshot(home.db);
    const unconstrained = cli(['install', '--root', loose.rootFile, '--store', 'nss'], { env });
    expect(unconstrained.code).toBe(1);
    expectOneSentence(unconstrained.stderr);
    expect(unconstrained.stderr).toMatch(/not name-constrained \(no-name-constraints\).*Nothing was installed/);

    const pin = cli(['install', '--root', pki.rootFile, '--store', 'nss', '--sha256', other.sha256], { env });
    expect(pin.code).toBe(1);
    expectOneSentence(pin.stderr);
    expect(pin.stderr).toContain('not the pinned');

    const policyOnly = cli(['install', '--root', loose.rootFile, '--store', 'nss', '--permit-dns', 'cams.test'], { env });
    expect(policyOnly.code).toBe(1);
    expect(policyOnly.stderr).toMatch(/constrain it only in the chrome-policy store, not in nss/);

    const badPin = cli(['install', '--root', pki.rootFile, '--store', 'nss', '--sha256', 'abc'], { env });
    expect(badPin.code).toBe(2);
    expect(snapshot(home.db)).toEqual(before);

    // The explicit override works, and uninstall takes it out again.
    const forced = cli(['install', '--root', loose.rootFile, '--store', 'nss', '--allow-unconstrained'], { env });
    expect(forced.code).toBe(0);
    expect(snapshot(home.db).length).toBe(before.length + 1);
    expect(cli(['uninstall', '--root', loose.rootFile, '--store', 'nss'], { env }).code).toBe(0);
    expect(snapshot(home.db)).toEqual(before);
  });

  it('says how to get certutil when it is missing', () => {
    const r = cli(['status', '--root', pki.rootFile, '--store', 'nss'], { env: { ...env, LANTRUST_CERTUTIL: '/nonexistent/certutil' } });
    expect(r.stdout).toContain('sudo apt install libnss3-tools');
    expect(r.stdout).toContain('dnf install nss-tools');
  });
});
