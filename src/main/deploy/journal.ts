// DIR/deploy.jsonl: one line per thing deploy did or found, appended as it happens (so a run cut short
// by Ctrl-C, a crash or a camera reboot leaves its trail). It is also the record of which aliases
// lantrust created on which camera: only those are ever removed. Never holds a password, passphrase or key.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withCaLock } from '../ca/index.js';

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

export class Journal {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly run: string,
  ) {}

  /** Appends a line (in order, one write each, under the CA lock). */
  note(label: string, url: string, step: string, detail: Record<string, unknown> = {}): Promise<void> {
    const line: JournalLine = { time: new Date().toISOString(), run: this.run, label, url, step, ...detail };
    const text = `${JSON.stringify(line)}\n`;
    this.tail = this.tail.then(() => withCaLock(this.dir, () => appendFile(join(this.dir, JOURNAL_FILE), text, { mode: 0o644 })));
    return this.tail;
  }

  flush(): Promise<void> {
    return this.tail;
  }
}

/** Aliases lantrust created on the camera `label` (by earlier runs too) and has not removed since. */
export async function createdAliases(dir: string, label: string): Promise<Set<string>> {
  let text = '';
  try {
    text = await readFile(join(dir, JOURNAL_FILE), 'utf8');
  } catch {
    return new Set();
  }
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let l: Partial<JournalLine>;
    try {
      l = JSON.parse(raw) as Partial<JournalLine>;
    } catch {
      continue; // a line cut short by a crash: the others still count
    }
    if (l.label !== label || typeof l.alias !== 'string') continue;
    if (CREATING_STEPS.has(l.step ?? '')) out.add(l.alias);
    if (REMOVING_STEPS.has(l.step ?? '')) out.delete(l.alias);
  }
  return out;
}
