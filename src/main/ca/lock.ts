// One lantrust at a time per CA folder: DIR/.lock, created exclusively, holding who took it.
// Without it, two parallel `ca issue --name same` can leave a key that doesn't match its certificate,
// and two `ca init` on one folder can both "succeed". Reentrant within a process (deploy signs while
// holding it). A lock left by a process that no longer runs on this host is taken over.
import { open, readFile, realpath, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';

export const LOCK_FILE = '.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

interface Hold {
  count: number;
  /** Resolves to the lock file's path once this process holds it. */
  ready: Promise<string>;
}
const holds = new Map<string, Hold>();

/** How long to wait for another lantrust before giving up (ms). Short runs (ca issue) finish well within it. */
const WAIT_MS = 30_000;
/** A lock file nobody can read (torn write, other format) is stale after this long. */
const UNREADABLE_STALE_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

async function readRaw(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseLock(raw: string | undefined): LockInfo | undefined {
  try {
    const info = JSON.parse(raw ?? '') as LockInfo;
    return Number.isInteger(info.pid) && typeof info.host === 'string' && typeof info.since === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The lock's content when it is left over from a process that is gone, else undefined. */
async function staleContent(path: string): Promise<string | undefined> {
  const raw = await readRaw(path);
  const info = parseLock(raw);
  if (info) return info.host === hostname() && !alive(info.pid) ? raw : undefined;
  try {
    return Date.now() - (await stat(path)).mtimeMs > UNREADABLE_STALE_MS ? (raw ?? '') : undefined;
  } catch {
    return undefined; // vanished meanwhile: the next exclusive create decides
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockInfo));
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`cannot lock the CA folder (${(e as NodeJS.ErrnoException).code ?? 'error'} on ${path}); check that the folder exists and is writable.`);
  }
}

async function acquire(dir: string, waitMs: number): Promise<string> {
  const path = join(dir, LOCK_FILE);
  const deadline = Date.now() + waitMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (await tryCreate(path)) return path;
    const stale = await staleContent(path);
    // Remove only what is still that stale file (another waiter may have replaced it with a live
    // lock meanwhile), then race fairly through the exclusive create.
    if (stale !== undefined && (await readRaw(path)) === stale) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const info = parseLock(await readRaw(path));
      const who = info ? `process ${info.pid}${info.host !== hostname() ? ` on ${info.host}` : ''} since ${info.since.slice(11, 19)} UTC` : 'another process';
      throw new UserError(`another lantrust is using the CA in ${dir} (${who}); wait for it to finish, or delete ${path} if no lantrust is running.`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * Runs `fn` while holding the CA folder's lock (waiting up to 30 s for another lantrust). Calls in
 * the same process share one hold (nested or concurrent), so a fleet signing in parallel takes it once.
 */
export async function withCaLock<T>(dir: string, fn: () => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
  let key: string;
  try {
    key = await realpath(dir);
  } catch {
    return fn(); // no folder, nothing to protect: the caller reports it in its own words
  }
  let h = holds.get(key);
  if (!h) {
    const ready = acquire(key, opts.waitMs ?? WAIT_MS);
    const hold: Hold = { count: 0, ready };
    holds.set(key, hold);
    ready.catch(() => holds.get(key) === hold && holds.delete(key));
    h = hold;
  }
  h.count++;
  try {
    await h.ready;
    return await fn();
  } finally {
    if (--h.count === 0) {
      if (holds.get(key) === h) holds.delete(key);
      const path = await h.ready.catch(() => undefined);
      if (path) await rm(path, { force: true });
    }
  }
}
