// `ca list`: what this CA has issued, soonest expiry first, from the append-only DIR/issued.jsonl.
import { readIssued, type IssuedRecord } from './store.js';

export const EXPIRY_WARNING_DAYS = 30;

export interface IssuedEntry extends IssuedRecord {
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  status: 'ok' | 'expiring' | 'expired';
  /** A later certificate was issued for the same label (a renewal). */
  superseded: boolean;
}

export interface ListIssuedOptions {
  /** Include certificates replaced by a later one for the same label (default: newest per label only). */
  all?: boolean;
  now?: Date;
}

export interface ListIssuedResult {
  entries: IssuedEntry[];
  /** Line numbers of issued.jsonl that could not be read. */
  damagedLines: number[];
}

const DAY = 86_400_000;

export async function listIssued(dir: string, opts: ListIssuedOptions = {}): Promise<ListIssuedResult> {
  const now = (opts.now ?? new Date()).getTime();
  const { records, damagedLines } = await readIssued(dir);
  const newest = new Map<string, IssuedRecord>();
  for (const r of records) {
    const key = r.label.toLowerCase();
    const prev = newest.get(key);
    if (!prev || r.issuedAt >= prev.issuedAt) newest.set(key, r);
  }
  const entries = records
    .map((r): IssuedEntry => {
      const daysLeft = Math.floor((new Date(r.notAfter).getTime() - now) / DAY);
      const status = daysLeft < 0 ? 'expired' : daysLeft < EXPIRY_WARNING_DAYS ? 'expiring' : 'ok';
      return { ...r, daysLeft, status, superseded: newest.get(r.label.toLowerCase()) !== r };
    })
    .filter((e) => opts.all || !e.superseded)
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter) || a.label.localeCompare(b.label));
  return { entries, damagedLines };
}
