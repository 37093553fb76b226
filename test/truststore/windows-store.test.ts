// The Windows store adapters (windows-user) as the app runs them, under the real pwsh on Linux
// (CurrentUser\Root is read-write there): the core is run from memory after a hash check (no
// -ExecutionPolicy Bypass -File), answers say which copy is trusted; and root rotation in the app's
// install, removing the replaced root from exactly the stores it installs to (a real NSS db here).
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/main/profile.js';
import { defaultEnv, installRoot, loadRoot } from '../../src/main/truststore/index.js';
import { DIALOG_TIMEOUT_MS, encodedArgs, fromMemoryCommand, windowsUser } from '../../src/main/truststore/windows.js';
import { findTool, makeNssHome, nssAddRoot, nssList } from '../helpers/oracles.js';
import { tempDir } from '../helpers/certs.js';
import { makePki } from './fixtures.js';

const pwsh = findTool('pwsh');
findTool('certutil');
const work = tempDir('lantrust-winstore-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('windows-user adapter (pwsh standing in for Windows PowerShell)', () => {
  it('runs the core from memory: the command line is base64 only, and reads, adds and removes the root', async () => {
    const cmd = fromMemoryCommand({ scriptPath: 'C:\\Temp\\x.ps1', scriptSha256: 'ab'.repeat(32) });
    const args = encodedArgs(cmd);
    expect(args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(args.join(' ')).not.toMatch(/-File|-ExecutionPolicy/);
    expect(cmd).toContain('[scriptblock]::Create(');
    // Windows' Security Warning for CurrentUser\Root waits for a person: PowerShell is not stopped for 15 minutes.
    expect(DIALOG_TIMEOUT_MS).toBe(15 * 60_000);

    const pki = makePki({ name: 'Adapter Store Root' }, work);
    const cert = await loadRoot(pki.rootFile);
    const home = tempDir('lantrust-winstore-home-');
    const env = defaultEnv({ home, platform: 'win32', tools: { powershell: pwsh } });
    expect(await windowsUser.has(cert, env)).toEqual([expect.objectContaining({ installed: false, message: 'not in Cert:\\CurrentUser\\Root.' })]);
    expect(await windowsUser.add(cert, env)).toEqual([expect.objectContaining({ installed: true, changed: true, message: 'added to Cert:\\CurrentUser\\Root.' })]);
    expect(await windowsUser.has(cert, env)).toEqual([expect.objectContaining({ installed: true, message: "trusted: in CurrentUser\\Root (lantrust's copy) [.Default]." })]);
    expect(await windowsUser.add(cert, env)).toEqual([expect.objectContaining({ installed: true, changed: false })]);
    expect(await windowsUser.remove(cert, env)).toEqual([expect.objectContaining({ installed: false, changed: true, message: 'removed from Cert:\\CurrentUser\\Root.' })]);
    rmSync(home, { recursive: true, force: true });
  }, 240_000);
});

describe('root rotation in the app\'s install', () => {
  it('the profile carries old roots inline; install removes them from the stores it installs to, and nothing else', async () => {
    const pki = makePki({ name: 'New Company Root' }, work);
    const old = makePki({ name: 'Old Company Root' }, work);
    const bystander = makePki({ name: 'Bystander Root' }, work);
    const profile = parseProfile({ company: 'Rot Co', root: pki.rootFile, sha256: pki.sha256, replaces: [old.rootDer.toString('base64'), old.rootPem] }, work);
    expect(profile.replaces).toEqual([old.rootDer.toString('base64'), old.rootDer.toString('base64')]);
    expect(() => parseProfile({ company: 'X', root: 'r.pem', sha256: pki.sha256, replaces: ['not a certificate'] }, work)).toThrow(
      'the company profile: "replaces" entry 1 must be one old root certificate (base64 DER or PEM); fix the file and try again.',
    );
    const home = makeNssHome();
    try {
      nssAddRoot(home.db, old.rootFile, 'Old Company Root');
      nssAddRoot(home.db, bystander.rootFile, 'Bystander Root');
      const r = await installRoot({ root: pki.rootFile, stores: ['nss'], env: { home: home.home }, replaces: [old.rootDer] });
      expect(r.notes).toContain('Removed the replaced root "Old Company Root" from Chrome/Chromium (NSS).');
      const list = nssList(home.db);
      expect(list).not.toContain('Old Company Root');
      expect(list).toContain('Bystander Root');
      expect(list).toContain('New Company Root');
    } finally {
      home.cleanup();
    }
  }, 120_000);
});
