// Chrome/Chromium on Linux: the NSS database in ~/.pki/nssdb (and the snap and flatpak copies).
// Also the NSS helpers Firefox profiles use. Certificates are matched by SHA-256 of the DER, never by nickname.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../cert/describe.js';
import { pemCertificates } from '../cert/read.js';
import { exists, lastLine, result, tilde, unavailable, which, type Detection, type AddOptions, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { run } from '../run.js';

export const CERTUTIL_MISSING =
  'certutil (the NSS tool) is not installed: run `sudo apt install libnss3-tools` (Debian/Ubuntu) or `sudo dnf install nss-tools` (Fedora), then try again.';

/** Trust flags for a CA that may issue web server certificates ("C,," as mkcert and Chromium's docs use). */
const TRUST = 'C,,';

export async function certutilPath(env: StoreEnv): Promise<string | undefined> {
  return which('certutil', env, ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin']);
}

/** "sql:DIR" for cert9.db, "dbm:DIR" for the legacy cert8.db, undefined when DIR holds no NSS db. */
export async function nssDbSpec(dir: string): Promise<string | undefined> {
  if (await exists(join(dir, 'cert9.db'))) return `sql:${dir}`;
  if (await exists(join(dir, 'cert8.db'))) return `dbm:${dir}`;
  return undefined;
}

export interface NssEntry {
  nickname: string;
  trust: string;
}

/** Every nickname and its trust flags in a db (`certutil -L`). */
export async function nssList(certutil: string, db: string): Promise<NssEntry[]> {
  const r = await run(certutil, ['-d', db, '-L']);
  if (r.code !== 0) throw new Error(`certutil could not read ${db}: ${lastLine(r.stderr)}`);
  const out: NssEntry[] = [];
  for (const line of r.stdout.split(/\r?\n/).slice(4)) {
    const m = /^(.+?)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (m) out.push({ nickname: m[1]!, trust: m[2]! });
  }
  return out;
}

/** SHA-256 (hex) of every certificate stored under a nickname. */
async function nssHashes(certutil: string, db: string, nickname: string): Promise<string[]> {
  const r = await run(certutil, ['-d', db, '-L', '-n', nickname, '-a']);
  if (r.code !== 0) return [];
  return pemCertificates(r.stdout).map(sha256Hex);
}

/** Where this root sits in a db: its nickname, trust flags, and whether that nickname is shared with other certificates. */
export async function nssFind(certutil: string, db: string, cert: RootCert): Promise<(NssEntry & { shared: boolean }) | undefined> {
  const entries = await nssList(certutil, db);
  // Our own nickname first: the common case (installed by us) costs one extra call.
  const own = entries.find((e) => e.nickname === cert.nickname);
  if (own) {
    const hashes = await nssHashes(certutil, db, own.nickname);
    if (hashes.includes(cert.sha256)) return { ...own, shared: hashes.length > 1 };
  }
  // Otherwise every nickname: certutil can only dump one at a time, so a few run at once.
  const rest = entries.filter((e) => e !== own);
  for (let i = 0; i < rest.length; i += 8) {
    const batch = rest.slice(i, i + 8);
    const found = await Promise.all(batch.map((e) => nssHashes(certutil, db, e.nickname)));
    const k = found.findIndex((h) => h.includes(cert.sha256));
    if (k >= 0) return { ...batch[k]!, shared: found[k]!.length > 1 };
  }
  return undefined;
}

/**
 * Certificates a db trusts as CAs for websites ("C" or "T" in the SSL flags), as DER: what Chromium
 * anchors on. Lets the camera test use exactly the roots an NSS db holds.
 */
export async function nssTrustedRoots(certutil: string, dir: string): Promise<{ nickname: string; der: Buffer }[]> {
  const db = await nssDbSpec(dir);
  if (!db) return [];
  const out: { nickname: string; der: Buffer }[] = [];
  for (const e of await nssList(certutil, db)) {
    if (!trusted(e.trust)) continue;
    const r = await run(certutil, ['-d', db, '-L', '-n', e.nickname, '-a']);
    for (const der of pemCertificates(r.stdout)) out.push({ nickname: e.nickname, der });
  }
  return out;
}

const trusted = (trust: string) => /[CT]/.test(trust.split(',')[0] ?? '');

type Who = Pick<StoreAdapter, 'id' | 'title'>;

/**
 * Our nickname, or "NAME #2", "#3"... when an unrelated certificate already uses it: NSS would
 * otherwise refuse the add (SEC_ERROR_ADDING_CERT), or file ours under someone else's name.
 */
async function freeNickname(certutil: string, db: string, nickname: string): Promise<string> {
  const taken = new Set((await nssList(certutil, db)).map((e) => e.nickname));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? nickname : `${nickname} #${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export async function nssHasIn(who: Who, certutil: string, dir: string, cert: RootCert, env: StoreEnv): Promise<StoreResult> {
  const db = await nssDbSpec(dir);
  const path = tilde(dir, env);
  if (!db) return result(who, { path: dir, available: false, message: `no NSS database in ${path}.` });
  try {
    const e = await nssFind(certutil, db, cert);
    if (!e) return result(who, { path: dir, message: `not trusted in ${path}.` });
    if (!trusted(e.trust)) return result(who, { path: dir, message: `present in ${path} as "${e.nickname}" but not trusted for websites (flags ${e.trust}).` });
    return result(who, { path: dir, installed: true, message: `trusted in ${path} as "${e.nickname}".` });
  } catch (err) {
    return result(who, { path: dir, error: true, message: (err as Error).message });
  }
}

export async function nssAddTo(who: Who, certutil: string, dir: string, cert: RootCert, env: StoreEnv): Promise<StoreResult> {
  const db = await nssDbSpec(dir);
  const path = tilde(dir, env);
  if (!db) return result(who, { path: dir, available: false, message: `no NSS database in ${path}.` });
  try {
    const e = await nssFind(certutil, db, cert);
    if (e && trusted(e.trust)) return result(who, { path: dir, installed: true, message: `already trusted in ${path} as "${e.nickname}"; nothing changed.` });
    // NSS keeps one copy per certificate: a present but untrusted copy gets trust flags, not a second entry.
    const r = e ? await run(certutil, ['-d', db, '-M', '-n', e.nickname, '-t', TRUST]) : await run(certutil, ['-d', db, '-A', '-t', TRUST, '-n', await freeNickname(certutil, db, cert.nickname), '-a'], { input: cert.pem });
    if (r.code !== 0) return result(who, { path: dir, error: true, message: `certutil could not add the root to ${path}: ${lastLine(r.stderr)}.` });
    const after = await nssFind(certutil, db, cert);
    if (!after || !trusted(after.trust)) return result(who, { path: dir, error: true, message: `certutil reported success but the root is not trusted in ${path}.` });
    return result(who, { path: dir, installed: true, changed: true, message: `added to ${path} as "${after.nickname}".` });
  } catch (err) {
    return result(who, { path: dir, error: true, message: (err as Error).message });
  }
}

export async function nssRemoveFrom(who: Who, certutil: string, dir: string, cert: RootCert, env: StoreEnv): Promise<StoreResult> {
  const db = await nssDbSpec(dir);
  const path = tilde(dir, env);
  if (!db) return result(who, { path: dir, available: false, message: `no NSS database in ${path}.` });
  try {
    const e = await nssFind(certutil, db, cert);
    if (!e) return result(who, { path: dir, message: `not in ${path}; nothing changed.` });
    if (e.shared) {
      // certutil deletes by nickname; with several certificates under it we can't touch only ours.
      return result(who, { path: dir, installed: true, error: true, message: `the root shares the nickname "${e.nickname}" with other certificates in ${path}, so it can't be removed alone; remove it with Chrome's certificate manager.` });
    }
    const r = await run(certutil, ['-d', db, '-D', '-n', e.nickname]);
    if (r.code !== 0) return result(who, { path: dir, installed: true, error: true, message: `certutil could not remove "${e.nickname}" from ${path}: ${lastLine(r.stderr)}.` });
    if (await nssFind(certutil, db, cert)) return result(who, { path: dir, installed: true, error: true, message: `certutil reported success but the root is still in ${path}.` });
    return result(who, { path: dir, changed: true, message: `removed "${e.nickname}" from ${path}.` });
  } catch (err) {
    return result(who, { path: dir, error: true, message: (err as Error).message });
  }
}

/** NSS db folders Chrome/Chromium use for this HOME: the plain one, snap Chromium, flatpak browsers. */
export async function chromeNssDirs(env: StoreEnv): Promise<string[]> {
  const dirs = [join(env.home, '.pki', 'nssdb'), join(env.home, 'snap', 'chromium', 'current', '.pki', 'nssdb')];
  const flatpak = join(env.home, '.var', 'app');
  try {
    for (const app of (await readdir(flatpak)).sort()) dirs.push(join(flatpak, app, '.pki', 'nssdb'));
  } catch {
    /* no flatpak apps */
  }
  const found: string[] = [];
  for (const d of dirs) if (await nssDbSpec(d)) found.push(d);
  return found;
}

const self: Who = { id: 'nss', title: 'Chrome/Chromium (NSS)' };

export async function detect(env: StoreEnv): Promise<Detection> {
  if (env.platform !== 'linux') return { available: false, why: 'Chrome on this system uses the operating system store, not an NSS database.', otherPlatform: true };
  const dirs = await chromeNssDirs(env);
  const main = join(env.home, '.pki', 'nssdb');
  if (!(await certutilPath(env))) return { available: false, path: dirs[0] ?? main, why: CERTUTIL_MISSING };
  if (!dirs.length) return { available: false, path: main, why: `no NSS database in ${tilde(main, env)} yet: Chrome/Chromium makes it on first start (or choose --store nss to create it).` };
  return { available: true, path: dirs[0]!, paths: dirs };
}

export async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  const certutil = await certutilPath(env);
  if (!d.available || !certutil) return unavailable(self, d);
  return Promise.all(d.paths!.map((dir) => nssHasIn(self, certutil, dir, cert, env)));
}

/** Adds to every Chrome NSS db here; `create` makes ~/.pki/nssdb first when there is none (explicit --store nss). */
export async function add(cert: RootCert, env: StoreEnv, opts: AddOptions = {}): Promise<StoreResult[]> {
  let d = await detect(env);
  const certutil = await certutilPath(env);
  if (!d.available && certutil && opts.create && env.platform === 'linux' && d.path) {
    await mkdir(d.path, { recursive: true });
    const r = await run(certutil, ['-d', `sql:${d.path}`, '-N', '--empty-password']);
    if (r.code !== 0) return [result(self, { path: d.path, error: true, message: `certutil could not create an NSS database in ${tilde(d.path, env)}: ${lastLine(r.stderr)}.` })];
    d = await detect(env);
  }
  if (!d.available || !certutil) return unavailable(self, d);
  const out: StoreResult[] = [];
  for (const dir of d.paths!) out.push(await nssAddTo(self, certutil, dir, cert, env));
  return out;
}

export async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  const certutil = await certutilPath(env);
  if (!d.available || !certutil) return unavailable(self, d);
  const out: StoreResult[] = [];
  for (const dir of d.paths!) out.push(await nssRemoveFrom(self, certutil, dir, cert, env));
  return out;
}

export const nss: StoreAdapter = { ...self, detect, has, add, remove };
