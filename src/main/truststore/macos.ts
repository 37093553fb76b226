// macOS keychains through `security`: the System keychain (all users, needs root/admin) and the
// login keychain (this user; macOS asks for the user's password to change trust settings).
// Matched by SHA-256: `security find-certificate -a -Z` prints each certificate's hashes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLine, result, unavailable, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { run } from '../run.js';

type Who = Pick<StoreAdapter, 'id' | 'title'>;
const SECURITY = '/usr/bin/security';

/** SHA-256 hashes (lower-case hex) of every certificate in a keychain. */
async function keychainHashes(keychain: string): Promise<string[]> {
  const r = await run(SECURITY, ['find-certificate', '-a', '-Z', keychain]);
  return [...r.stdout.matchAll(/SHA-256 hash:\s*([0-9A-Fa-f]{64})/g)].map((m) => m[1]!.toLowerCase());
}

function adapter(who: Who, keychain: (env: StoreEnv) => string, system: boolean): StoreAdapter {
  async function detect(env: StoreEnv): Promise<Detection> {
    if (env.platform !== 'darwin') return { available: false, why: 'macOS keychains exist only on macOS.', otherPlatform: true };
    return { available: true, path: keychain(env) };
  }
  async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const ok = (await keychainHashes(d.path!)).includes(cert.sha256);
    return [result(who, { path: d.path!, installed: ok, message: ok ? `in ${d.path}.` : `not in ${d.path}.` })];
  }
  async function add(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    if ((await keychainHashes(d.path!)).includes(cert.sha256)) return [result(who, { path: d.path!, installed: true, message: `already in ${d.path}; nothing changed.` })];
    if (system && !env.isRoot) return [result(who, { path: d.path!, needsRoot: true, message: 'The System keychain needs administrator rights: run this command again with sudo.' })];
    const dir = await mkdtemp(join(tmpdir(), 'lantrust-mac-'));
    try {
      const file = join(dir, 'root.pem');
      await writeFile(file, cert.pem);
      const r = await run(SECURITY, ['add-trusted-cert', ...(system ? ['-d'] : []), '-r', 'trustRoot', '-p', 'ssl', '-k', d.path!, file], { timeoutMs: 300_000 });
      if (r.code !== 0) return [result(who, { path: d.path!, error: true, message: `security could not add the root to ${d.path}: ${lastLine(r.stderr)}.` })];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return [result(who, { path: d.path!, installed: true, changed: true, message: `added to ${d.path} and trusted for SSL.` })];
  }
  async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    if (!(await keychainHashes(d.path!)).includes(cert.sha256)) return [result(who, { path: d.path!, message: `not in ${d.path}; nothing changed.` })];
    if (system && !env.isRoot) return [result(who, { path: d.path!, installed: true, needsRoot: true, message: 'The System keychain needs administrator rights: run this command again with sudo.' })];
    // delete-certificate -Z takes the SHA-1 (unique per DER); -t also removes our trust settings.
    const r = await run(SECURITY, ['delete-certificate', '-Z', cert.info.sha1Thumbprint, '-t', d.path!]);
    if (r.code !== 0) return [result(who, { path: d.path!, installed: true, error: true, message: `security could not remove the root from ${d.path}: ${lastLine(r.stderr)}.` })];
    return [result(who, { path: d.path!, changed: true, message: `removed from ${d.path}.` })];
  }
  return { ...who, detect, has, add, remove };
}

export const macosSystem = adapter({ id: 'macos-system', title: 'macOS System keychain' }, () => '/Library/Keychains/System.keychain', true);
export const macosUser = adapter({ id: 'macos-user', title: 'macOS login keychain' }, (env) => join(env.home, 'Library', 'Keychains', 'login.keychain-db'), false);
