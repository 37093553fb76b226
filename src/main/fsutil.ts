// Writing files so that a crash or a failure never leaves half a file behind, and a file planted in
// the output folder (a symlink named like our temp file) can never receive what we write: temp names
// are random, created exclusively (O_EXCL refuses any existing path, symlinks included), their mode
// is set on the open descriptor before any byte is written, and rename() replaces the target entry
// itself (a symlink at the target is replaced, never followed).
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(12).toString('hex')}.tmp`);
}

/** Writes via a random, exclusively created temp sibling + rename; `mode` is exact whatever the umask. */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const tmp = tempSibling(path);
  let created = false;
  try {
    const fh = await open(tmp, 'wx', mode);
    created = true;
    try {
      await fh.chmod(mode); // the umask may have cleared bits; never widens beyond `mode`
      await fh.writeFile(data);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    if (created) await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes several files in one folder all-or-nothing: every temp file first, then the renames, so a
 * failure leaves none of them. Synchronous on purpose: for hundreds of small files, thread-pool round
 * trips cost more than the writes.
 */
export function writeFilesAtomicSync(dir: string, items: readonly { name: string; data: string | Buffer; mode: number }[]): void {
  const temps: string[] = [];
  try {
    for (const it of items) {
      const tmp = tempSibling(join(dir, it.name));
      const fd = openSync(tmp, 'wx', it.mode);
      temps.push(tmp);
      try {
        fchmodSync(fd, it.mode);
        const buf = typeof it.data === 'string' ? Buffer.from(it.data) : it.data;
        for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
      } finally {
        closeSync(fd);
      }
    }
    items.forEach((it, i) => renameSync(temps[i]!, join(dir, it.name)));
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    throw e;
  }
}
