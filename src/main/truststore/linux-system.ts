// The Linux system store (curl, wget, Python, Node with --use-openssl-ca...): Debian/Ubuntu
// /usr/local/share/ca-certificates + update-ca-certificates, Fedora/RHEL /etc/pki/ca-trust/source/anchors
// + update-ca-trust. Root only. Our file is named after the fingerprint; other files are matched by SHA-256.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../cert/describe.js';
import { pemCertificates } from '../cert/read.js';
import { exists, lastLine, result, unavailable, which, writable, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { run } from '../run.js';
import { writeFileAtomic } from '../fsutil.js';

const self = { id: 'system', title: 'Linux system store' } as const;

interface Layout {
  dir: string;
  update: string[];
  ext: string;
}

async function layout(env: StoreEnv): Promise<Layout | undefined> {
  if (env.systemAnchorDir) return { dir: env.systemAnchorDir, update: env.systemUpdateCommand ?? [], ext: '.crt' };
  const debian = await which('update-ca-certificates', env, ['/usr/sbin', '/sbin']);
  if (debian) return { dir: '/usr/local/share/ca-certificates', update: env.systemUpdateCommand ?? [debian], ext: '.crt' };
  const fedora = await which('update-ca-trust', env, ['/usr/bin', '/usr/sbin']);
  if (fedora) return { dir: '/etc/pki/ca-trust/source/anchors', update: env.systemUpdateCommand ?? [fedora, 'extract'], ext: '.pem' };
  return undefined;
}

const fileName = (cert: RootCert, l: Layout) => `lantrust-${cert.sha256.slice(0, 16)}${l.ext}`;

/** Files in the anchors folder (one level; Debian also allows sub-folders) holding this root. */
async function filesWith(cert: RootCert, dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number) => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (/\.(crt|pem|cer)$/i.test(n)) {
        let text: string;
        try {
          text = await readFile(p, 'latin1');
        } catch {
          continue;
        }
        if (pemCertificates(text).some((der) => sha256Hex(der) === cert.sha256)) out.push(p);
      } else if (depth < 1 && !n.includes('.')) {
        await walk(p, depth + 1);
      }
    }
  };
  await walk(dir, 0);
  return out;
}

const NEEDS_ROOT = 'The system store needs root: run this command again with sudo.';

export async function detect(env: StoreEnv): Promise<Detection> {
  if (env.platform !== 'linux') return { available: false, why: 'the Linux system store exists only on Linux.', otherPlatform: true };
  const l = await layout(env);
  if (!l) return { available: false, why: 'neither update-ca-certificates (Debian/Ubuntu: `sudo apt install ca-certificates`) nor update-ca-trust (Fedora) is installed.' };
  return { available: true, path: l.dir };
}

export async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  const l = await layout(env);
  if (!d.available || !l) return unavailable(self, d);
  const files = await filesWith(cert, l.dir);
  return [result(self, { path: l.dir, installed: files.length > 0, message: files.length ? `in the system store (${files.join(', ')}).` : 'not in the system store.' })];
}

async function update(l: Layout): Promise<string | undefined> {
  if (!l.update.length) return undefined;
  const r = await run(l.update[0]!, l.update.slice(1), { timeoutMs: 120_000 });
  return r.code === 0 ? undefined : `${l.update.join(' ')} failed: ${lastLine(r.stderr || r.stdout)}`;
}

export async function add(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  const l = await layout(env);
  if (!d.available || !l) return unavailable(self, d);
  const files = await filesWith(cert, l.dir);
  if (files.length) return [result(self, { path: l.dir, installed: true, message: `already in the system store (${files[0]}); nothing changed.` })];
  if (!(await writable(l.dir))) return [result(self, { path: l.dir, needsRoot: true, message: NEEDS_ROOT })];
  const { mkdir } = await import('node:fs/promises');
  await mkdir(l.dir, { recursive: true });
  const target = join(l.dir, fileName(cert, l));
  // Write then rename: update-ca-certificates never sees half a file.
  await writeFileAtomic(target, cert.pem);
  const failed = await update(l);
  if (failed) return [result(self, { path: l.dir, installed: true, changed: true, error: true, message: `wrote ${target}, but ${failed}.` })];
  return [result(self, { path: l.dir, installed: true, changed: true, message: `added ${target}${l.update.length ? ` and ran ${l.update[0]!.split('/').pop()}` : ''}.` })];
}

export async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  const l = await layout(env);
  if (!d.available || !l) return unavailable(self, d);
  const files = await filesWith(cert, l.dir);
  if (!files.length) return [result(self, { path: l.dir, message: 'not in the system store; nothing changed.' })];
  if (!(await writable(l.dir))) return [result(self, { path: l.dir, installed: true, needsRoot: true, message: NEEDS_ROOT })];
  const kept: string[] = [];
  for (const f of files) {
    // A bundle file that also holds other certificates is not ours to delete.
    const text = await readFile(f, 'latin1');
    if ((text.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length > 1) kept.push(f);
    else await rm(f, { force: true });
  }
  if (kept.length === files.length) return [result(self, { path: l.dir, installed: true, error: true, message: `the root is inside bundle file(s) with other certificates (${kept.join(', ')}); edit them by hand.` })];
  const failed = await update(l);
  const still = (await exists(l.dir)) ? await filesWith(cert, l.dir) : [];
  return [
    result(self, {
      path: l.dir,
      installed: still.length > 0,
      changed: true,
      error: Boolean(failed || kept.length),
      message: failed ? `removed the file, but ${failed}.` : kept.length ? `removed our file; the root is still inside ${kept.join(', ')} with other certificates.` : 'removed from the system store.',
    }),
  ];
}

export const linuxSystem: StoreAdapter = { ...self, detect, has, add, remove };
