// DIR/deploy.jsonl: one line per thing deploy did or found, appended as it happens (so a run cut short
// by Ctrl-C, a crash or a camera reboot leaves its trail). It is also the record of which aliases
// lantrust created on which camera: only those are ever removed. Never holds a password, passphrase or key.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';

export const JOURNAL_FILE = 'deploy.jsonl';

export interface JournalLine {
  time: string;
  run: string;
  label: string;
  url: string;
  step: string;
  [detail: string]: unknown;
}

/** Steps whose `alias` is a certificate lantrust created on the camera. */
export const CREATING_STEPS = new Set(['create']);
export const REMOVING_STEPS = new Set(['removed']);

/** Appends to DIR/deploy.jsonl for one run; the caller holds the CA lock for the run (deploy() does). */
export class Journal {
  private tail: Promise<void> = Promise.resolve();
  private file: Promise<FileHandle> | undefined;
  private failed: unknown;
  private queue: string[] = [];
  private batch: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly run: string,
  ) {}

  /**
   * Appends a line, in order (lines queued while a write is under way go out together in the next
   * write; a crash can cut only the last one short). Await it only
   * where the line must be on disk before going on (before asking a camera to create an alias);
   * a write that fails is reported by close().
   */
  note(label: string, url: string, step: string, detail: Record<string, unknown> = {}): Promise<void> {
    const line: JournalLine = { time: new Date().toISOString(), run: this.run, label, url, step, ...detail };
    this.queue.push(`${JSON.stringify(line)}\n`);
    this.file ??= open(join(this.dir, JOURNAL_FILE), 'a', 0o644);
    const file = this.file;
    this.batch ??= this.tail.then(async () => {
      this.batch = undefined;
      const text = this.queue.join('');
      this.queue = [];
      await (await file).appendFile(text);
    });
    const written = this.batch;
    this.tail = written.catch((e: unknown) => {
      this.failed ??= e;
    });
    written.catch(() => {}); // handled here; close() reports it
    return written;
  }

  /** Waits for every line to be written and closes the file. */
  async close(): Promise<void> {
    await this.tail;
    const f = this.file;
    this.file = undefined;
    if (f) await (await f).close();
    if (this.failed) throw new UserError(`cannot write ${join(this.dir, JOURNAL_FILE)} (${(this.failed as NodeJS.ErrnoException).code ?? 'error'}); check the CA folder's disk and permissions.`);
  }
}

/** For every camera label: the aliases lantrust created there (in any run) and has not removed since. */
export async function createdAliases(dir: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  let text = '';
  try {
    text = await readFile(join(dir, JOURNAL_FILE), 'utf8');
  } catch {
    return out;
  }
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let l: Partial<JournalLine>;
    try {
      l = JSON.parse(raw) as Partial<JournalLine>;
    } catch {
      continue; // a line cut short by a crash: the others still count
    }
    if (typeof l.label !== 'string' || typeof l.alias !== 'string') continue;
    const set = out.get(l.label) ?? new Set<string>();
    out.set(l.label, set);
    if (CREATING_STEPS.has(l.step ?? '')) set.add(l.alias);
    if (REMOVING_STEPS.has(l.step ?? '')) set.delete(l.alias);
  }
  return out;
}
