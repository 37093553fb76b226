// Firefox. Linux: every profile listed in profiles.ini (classic, snap, XDG and flatpak locations) has
// its own NSS database. Windows/macOS: Firefox 120+ imports roots from the system store when the
// enterprise-roots policy is on, so "installed" there means that policy is set (the root itself goes
// into the Windows or macOS store).
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { certutilPath, CERTUTIL_MISSING, nssAddTo, nssDbSpec, nssHasIn, nssRemoveFrom } from './nss.js';
import { lastLine, result, tilde, unavailable, which, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { run } from '../run.js';

const self = { id: 'firefox', title: 'Firefox' } as const;

/** Folders that may hold a profiles.ini for this HOME and platform. */
export function firefoxRoots(env: StoreEnv): string[] {
  if (env.platform === 'win32') return env.appData ? [join(env.appData, 'Mozilla', 'Firefox')] : [];
  if (env.platform === 'darwin') return [join(env.home, 'Library', 'Application Support', 'Firefox')];
  return [
    join(env.home, '.mozilla', 'firefox'),
    join(env.home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(env.home, '.config', 'mozilla', 'firefox'),
    join(env.home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
  ];
}

/** Profile folders named in one profiles.ini ([ProfileN] Path=, IsRelative=). */
export function parseProfilesIni(text: string, base: string): string[] {
  const out: string[] = [];
  let section = '';
  let path: string | undefined;
  let relative = true;
  const flush = () => {
    if (/^Profile\d+$/i.test(section) && path) out.push(relative && !isAbsolute(path) ? join(base, ...path.split(/[\\/]/)) : path);
    path = undefined;
    relative = true;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      flush();
      section = sec[1]!;
      continue;
    }
    const kv = /^([^=]+)=(.*)$/.exec(line);
    if (!kv) continue;
    if (kv[1]!.trim() === 'Path') path = kv[2]!.trim();
    if (kv[1]!.trim() === 'IsRelative') relative = kv[2]!.trim() !== '0';
  }
  flush();
  return out;
}

/** Profile folders that hold an NSS database, from every profiles.ini found. */
export async function firefoxProfiles(env: StoreEnv): Promise<string[]> {
  const found: string[] = [];
  for (const root of firefoxRoots(env)) {
    let text: string;
    try {
      text = await readFile(join(root, 'profiles.ini'), 'utf8');
    } catch {
      continue;
    }
    for (const p of parseProfilesIni(text, root)) if (!found.includes(p) && (await nssDbSpec(p))) found.push(p);
  }
  return found;
}

// --- Windows / macOS: the enterprise-roots policy ---------------------------------------------

const WIN_KEY = 'HKLM\\SOFTWARE\\Policies\\Mozilla\\Firefox\\Certificates';
const MAC_DOMAIN = '/Library/Preferences/org.mozilla.firefox';

async function policyOn(env: StoreEnv): Promise<boolean> {
  if (env.platform === 'win32') {
    const r = await run((await which('reg', env)) ?? 'reg', ['query', WIN_KEY, '/v', 'ImportEnterpriseRoots']);
    return r.code === 0 && /0x1\b/.test(r.stdout);
  }
  const r = await run('defaults', ['read', MAC_DOMAIN, 'Certificates__ImportEnterpriseRoots']);
  return r.code === 0 && r.stdout.trim() === '1';
}

async function policyResult(env: StoreEnv, changed = false): Promise<StoreResult> {
  const on = await policyOn(env);
  const where = env.platform === 'win32' ? WIN_KEY : MAC_DOMAIN;
  return result(self, {
    path: where,
    installed: on,
    changed,
    message: on
      ? 'Firefox imports roots from the system store (ImportEnterpriseRoots policy is set).'
      : 'Firefox imports roots from the system store only if security.enterprise_roots.enabled is on (default since Firefox 120); the ImportEnterpriseRoots policy is not set.',
  });
}

async function setPolicy(env: StoreEnv): Promise<StoreResult> {
  if (await policyOn(env)) return policyResult(env);
  if (!env.isRoot) {
    return result(self, { path: env.platform === 'win32' ? WIN_KEY : MAC_DOMAIN, needsRoot: true, message: 'Setting the Firefox ImportEnterpriseRoots policy needs administrator rights; Firefox 120+ already imports system roots by default.' });
  }
  const r =
    env.platform === 'win32'
      ? await run((await which('reg', env)) ?? 'reg', ['add', WIN_KEY, '/v', 'ImportEnterpriseRoots', '/t', 'REG_DWORD', '/d', '1', '/f'])
      : await run('defaults', ['write', MAC_DOMAIN, 'Certificates__ImportEnterpriseRoots', '-bool', 'TRUE']);
  if (r.code !== 0) return result(self, { error: true, message: `could not set the Firefox ImportEnterpriseRoots policy: ${lastLine(r.stderr)}.` });
  if (env.platform === 'darwin') await run('defaults', ['write', MAC_DOMAIN, 'EnterprisePoliciesEnabled', '-bool', 'TRUE']);
  return policyResult(env, true);
}

// --- the verbs --------------------------------------------------------------------------------

export async function detect(env: StoreEnv): Promise<Detection> {
  if (env.platform === 'win32' || env.platform === 'darwin') {
    return { available: true, path: env.platform === 'win32' ? WIN_KEY : MAC_DOMAIN };
  }
  const profiles = await firefoxProfiles(env);
  const main = firefoxRoots(env)[0]!;
  if (!(await certutilPath(env))) return { available: false, path: profiles[0] ?? main, why: CERTUTIL_MISSING };
  if (!profiles.length) return { available: false, path: main, why: `no Firefox profile found (looked for profiles.ini in ${firefoxRoots(env).map((r) => tilde(r, env)).join(', ')}).` };
  return { available: true, path: profiles[0]!, paths: profiles };
}

export async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  if (!d.paths) return [await policyResult(env)];
  const certutil = (await certutilPath(env))!;
  return Promise.all(d.paths.map((p) => nssHasIn(self, certutil, p, cert, env)));
}

export async function add(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  if (!d.paths) return [await setPolicy(env)];
  const certutil = (await certutilPath(env))!;
  const out: StoreResult[] = [];
  for (const p of d.paths) out.push(await nssAddTo(self, certutil, p, cert, env));
  return out;
}

export async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  // The policy is not the certificate: leave it; the root itself is removed from the system store.
  if (!d.paths) return [result(self, { path: d.path, message: 'Firefox reads the system store here; removing the root from the Windows/macOS store removes it from Firefox.' })];
  const certutil = (await certutilPath(env))!;
  const out: StoreResult[] = [];
  for (const p of d.paths) out.push(await nssRemoveFrom(self, certutil, p, cert, env));
  return out;
}

export const firefox: StoreAdapter = { ...self, detect, has, add, remove };
