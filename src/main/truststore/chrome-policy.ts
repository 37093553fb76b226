// Chrome/Chromium managed policy on Linux: a JSON file in /etc/opt/chrome/policies/managed (Chrome) or
// /etc/chromium/policies/managed (Chromium) listing the root in CACertificatesWithConstraints (with the
// --permit constraints, which Chrome applies to the leaf) or CACertificates. Root only.
// We write one file, lantrust.json, and keep other roots and other policies in it; other files are only
// read, except that uninstall takes exactly this root out of them.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromePolicy as policyFor } from '../pack/policy.js';
import { exists, result, unavailable, writable, type AddOptions, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { writeFileAtomic } from '../fsutil.js';

const self = { id: 'chrome-policy', title: 'Chrome/Chromium policy' } as const;

export const POLICY_FILE = 'lantrust.json';
const KEYS = ['CACertificates', 'CACertificatesWithConstraints'] as const;
const NEEDS_ROOT = 'Chrome policy folders need root: run this command again with sudo.';

type Policy = Record<string, unknown>;

const certHash = (b64: unknown) => (typeof b64 === 'string' ? createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex') : '');

/** Does this policy document trust the root, and with which constraints? */
function entryFor(p: Policy, cert: RootCert): { key: (typeof KEYS)[number]; constraints?: unknown } | undefined {
  const plain = p.CACertificates;
  if (Array.isArray(plain) && plain.some((c) => certHash(c) === cert.sha256)) return { key: 'CACertificates' };
  const withC = p.CACertificatesWithConstraints;
  if (Array.isArray(withC)) {
    const e = withC.find((x: unknown) => certHash((x as { certificate?: unknown })?.certificate) === cert.sha256) as { constraints?: unknown } | undefined;
    if (e) return { key: 'CACertificatesWithConstraints', constraints: e.constraints };
  }
  return undefined;
}

/** The same document without this root (other roots and policies kept). */
function without(p: Policy, cert: RootCert): Policy {
  const out: Policy = { ...p };
  if (Array.isArray(p.CACertificates)) out.CACertificates = p.CACertificates.filter((c) => certHash(c) !== cert.sha256);
  if (Array.isArray(p.CACertificatesWithConstraints)) {
    out.CACertificatesWithConstraints = p.CACertificatesWithConstraints.filter((x: unknown) => certHash((x as { certificate?: unknown })?.certificate) !== cert.sha256);
  }
  for (const k of KEYS) if (Array.isArray(out[k]) && (out[k] as unknown[]).length === 0) delete out[k];
  return out;
}

type Read = { policy: Policy } | { missing: true } | { broken: string };

/** A policy file: its object, or that there is none, or why Chrome can't use it (it ignores such files). */
async function readPolicyFile(file: string): Promise<Read> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { missing: true } : { broken: `unreadable (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? { policy: v as Policy } : { broken: 'not a JSON object' };
  } catch (e) {
    return { broken: `not valid JSON: ${(e as Error).message.split('\n')[0]}` };
  }
}

async function readPolicy(file: string): Promise<Policy | undefined> {
  const r = await readPolicyFile(file);
  return 'policy' in r ? r.policy : undefined;
}

async function writePolicy(file: string, p: Policy): Promise<void> {
  // Our own file goes when it has nothing left; someone else's file stays, even if empty.
  if (!Object.keys(p).length && file.endsWith(`/${POLICY_FILE}`)) {
    await rm(file, { force: true });
    return;
  }
  await writeFileAtomic(file, `${JSON.stringify(p, null, 2)}\n`);
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** Policy folders that apply here: the configured ones when overridden, else those of installed browsers. */
async function policyDirs(env: StoreEnv): Promise<string[]> {
  const defaults = ['/etc/opt/chrome/policies/managed', '/etc/chromium/policies/managed'];
  const overridden = env.chromePolicyDirs.join('\n') !== defaults.join('\n');
  if (overridden) return env.chromePolicyDirs;
  const out: string[] = [];
  for (const dir of env.chromePolicyDirs) {
    const probes = dir.startsWith('/etc/opt/chrome') ? ['/opt/google/chrome', '/etc/opt/chrome'] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium', '/snap/bin/chromium', '/etc/chromium'];
    for (const p of probes) {
      if (await exists(p)) {
        out.push(dir);
        break;
      }
    }
  }
  return out;
}

const words = (c: unknown) => {
  const o = (c ?? {}) as { permitted_dns_names?: string[]; permitted_cidrs?: string[] };
  const all = [...(o.permitted_dns_names ?? []), ...(o.permitted_cidrs ?? [])];
  return all.length ? ` (only ${all.join(', ')})` : '';
};

export async function detect(env: StoreEnv): Promise<Detection> {
  if (env.platform !== 'linux') return { available: false, why: 'this store is the Linux policy folder; on Windows use `lantrust gen` (Install-LanTrustRoot.ps1 -Browsers), on macOS a configuration profile.', otherPlatform: true };
  const dirs = await policyDirs(env);
  if (!dirs.length) return { available: false, path: env.chromePolicyDirs[0], why: 'neither Google Chrome nor Chromium is installed here.' };
  return { available: true, path: dirs[0]!, paths: dirs };
}

async function hasIn(dir: string, cert: RootCert): Promise<StoreResult> {
  for (const f of await jsonFiles(dir)) {
    const p = await readPolicy(f);
    const e = p && entryFor(p, cert);
    if (e) return result(self, { path: dir, installed: true, message: `trusted by policy ${f} (${e.key}${words(e.constraints)}).` });
  }
  return result(self, { path: dir, message: `no policy in ${dir} trusts the root.` });
}

export async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  return Promise.all(d.paths!.map((dir) => hasIn(dir, cert)));
}

export async function add(cert: RootCert, env: StoreEnv, opts: AddOptions = {}): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  const wanted = policyFor(cert.der, { permitDns: opts.permitDns ?? [], permitCidr: opts.permitCidr ?? [] });
  const wantedEntry = entryFor(wanted, cert)!;
  const out: StoreResult[] = [];
  for (const dir of d.paths!) {
    const file = join(dir, POLICY_FILE);
    const read = await readPolicyFile(file);
    if ('broken' in read && (await exists(file)) && !(await writable(dir))) {
      out.push(result(self, { path: dir, needsRoot: true, message: NEEDS_ROOT }));
      continue;
    }
    // Our own file, damaged (Chrome ignores it): keep it under a name Chrome doesn't read, and say so.
    let kept = '';
    if ('broken' in read) {
      kept = `${file}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        await rename(file, kept);
      } catch (e) {
        out.push(result(self, { path: dir, error: true, message: `${file} is ${read.broken}, and lantrust could not set it aside (${(e as NodeJS.ErrnoException).code ?? 'error'}); fix or remove it, then install again.` }));
        continue;
      }
    }
    const current = 'policy' in read ? read.policy : {};
    const mine = entryFor(current, cert);
    if (mine && mine.key === wantedEntry.key && JSON.stringify(mine.constraints) === JSON.stringify(wantedEntry.constraints)) {
      out.push(result(self, { path: dir, installed: true, message: `already in ${file}${words(mine.constraints)}; nothing changed.` }));
      continue;
    }
    if (!mine) {
      const elsewhere = await hasIn(dir, cert);
      if (elsewhere.installed && !opts.permitDns?.length && !opts.permitCidr?.length) {
        out.push({ ...elsewhere, message: `already ${elsewhere.message.replace(/\.$/, '')}; nothing changed.` });
        continue;
      }
    }
    if (!(await writable(dir))) {
      out.push(result(self, { path: dir, needsRoot: true, message: NEEDS_ROOT }));
      continue;
    }
    const next = without(current, cert);
    for (const k of KEYS) if (wanted[k]) next[k] = [...((next[k] as unknown[] | undefined) ?? []), ...(wanted[k] as unknown[])];
    await mkdir(dir, { recursive: true });
    await writePolicy(file, next);
    const note = 'broken' in read ? ` The old file was ${read.broken}, so Chrome ignored it; it is kept as ${kept}.` : '';
    out.push(result(self, { path: dir, installed: true, changed: true, message: `${mine ? 'updated' : 'wrote'} ${file} (${wantedEntry.key}${words(wantedEntry.constraints)}); restart Chrome to apply it.${note}` }));
  }
  return out;
}

export async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  const out: StoreResult[] = [];
  for (const dir of d.paths!) {
    const touched: string[] = [];
    let blocked = false;
    for (const f of await jsonFiles(dir)) {
      const p = await readPolicy(f);
      if (!p || !entryFor(p, cert)) continue;
      if (!(await writable(f))) {
        blocked = true;
        break;
      }
      await writePolicy(f, without(p, cert));
      touched.push(f);
    }
    if (blocked) out.push(result(self, { path: dir, installed: true, needsRoot: true, message: NEEDS_ROOT }));
    else out.push(result(self, { path: dir, changed: touched.length > 0, message: touched.length ? `removed the root from ${touched.join(', ')}; restart Chrome to apply it.` : `no policy in ${dir} trusts the root; nothing changed.` }));
  }
  return out;
}

export const chromePolicy: StoreAdapter = { ...self, detect, has, add, remove };
