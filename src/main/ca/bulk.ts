// `ca issue --from devices.csv`: a whole fleet in one run. Each row is checked on its own; a refused
// row writes nothing and the rest still get their certificates.
import { readFile } from 'node:fs/promises';
import { UserError, errorMessage } from '../errors.js';
import { checkAgainstCa, defaultOut, validateDays, issueChecked, normalizeDevice, type CheckedDevice, type IssuedDevice, type LeafOptions } from './issue.js';
import { appendIssued, ensureDir, openCa, type IssuedRecord } from './store.js';

export interface CsvDevice {
  /** 1-based line number in the file. */
  line: number;
  name: string;
  ip: string[];
  dns: string[];
  /** Why the row itself is unusable (refused without looking further). */
  problem?: string;
}

/** Splits one CSV line (RFC 4180 quoting). */
function splitCsvLine(line: string, lineNo: number, file: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new UserError(`${file} line ${lineNo} has an unclosed quote; fix that line and run again (nothing was written).`);
  cells.push(cur);
  return cells.map((c) => c.trim());
}

/** Parses devices.csv (header name,ip,dns in any order; several values per cell separated by spaces). */
export function parseDevicesCsv(text: string, file = 'devices.csv'): CsvDevice[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIdx = lines.findIndex((l) => l.trim() && !l.trim().startsWith('#'));
  if (headerIdx < 0) throw new UserError(`${file} is empty; it needs a header line "name,ip,dns" and one line per device.`);
  const header = splitCsvLine(lines[headerIdx]!, headerIdx + 1, file).map((h) => h.toLowerCase());
  const col = (n: string) => header.indexOf(n);
  const unknown = header.filter((h) => !['name', 'ip', 'dns'].includes(h));
  if (unknown.length || (col('ip') < 0 && col('dns') < 0)) {
    throw new UserError(`${file} must start with the header line "name,ip,dns" (found "${lines[headerIdx]!.trim()}"); nothing was written.`);
  }
  const out: CsvDevice[] = [];
  for (let i = headerIdx + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    const cells = splitCsvLine(raw, i + 1, file);
    const cell = (n: string) => (col(n) >= 0 ? (cells[col(n)] ?? '') : '');
    const split = (s: string) => s.split(/\s+/).filter(Boolean);
    const dev: CsvDevice = { line: i + 1, name: cell('name'), ip: split(cell('ip')), dns: split(cell('dns')) };
    if (cells.length > header.length) dev.problem = `it has ${cells.length} cells but the header has ${header.length}; put several names in one cell separated by spaces, not commas.`;
    out.push(dev);
  }
  if (!out.length) throw new UserError(`${file} has a header but no devices; add one line per device, e.g. lobby-cam,192.168.1.50,lobby.cams.example.com.`);
  return out;
}

export interface IssueFromCsvOptions extends LeafOptions {
  dir: string;
  /** Path of devices.csv (or give `csvText`). */
  csv?: string;
  csvText?: string;
  passphrase?: string | null;
  out?: string;
  p12Passphrase?: string;
}

export interface RefusedDevice {
  line: number;
  label: string;
  reason: string;
}

export interface IssueFromCsvResult {
  issued: IssuedDevice[];
  refused: RefusedDevice[];
  out: string;
  /** Wall-clock milliseconds for the whole run (CA key opening included). */
  ms: number;
}

/** Runs `fn` over items with at most `n` in flight, keeping the results in order. */
async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

export async function issueFromCsv(opts: IssueFromCsvOptions): Promise<IssueFromCsvResult> {
  const t0 = performance.now();
  const file = opts.csv ?? 'devices.csv';
  let text = opts.csvText;
  if (text === undefined) {
    if (!opts.csv) throw new UserError('give the device list with --from devices.csv.');
    try {
      text = await readFile(opts.csv, 'utf8');
    } catch {
      throw new UserError(`cannot read ${opts.csv}; give the path of a CSV with the header "name,ip,dns".`);
    }
  }
  validateDays(opts.days);
  const rows = parseDevicesCsv(text, file);
  const ca = await openCa(opts.dir, opts.passphrase);
  const refused: RefusedDevice[] = [];
  const ok: CheckedDevice[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const fallback = row.name || row.dns[0] || row.ip[0] || `line ${row.line}`;
    try {
      if (row.problem) throw new UserError(row.problem);
      const dev = normalizeDevice({ ...(row.name ? { label: row.name } : {}), ip: row.ip, dns: row.dns });
      const prev = seen.get(dev.label.toLowerCase());
      if (prev) throw new UserError(`the label ${dev.label} is already used on line ${prev}; labels become file names, so give each device its own.`);
      checkAgainstCa(ca, dev);
      seen.set(dev.label.toLowerCase(), row.line);
      ok.push(dev);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      refused.push({ line: row.line, label: fallback, reason: errorMessage(e) });
    }
  }
  const out = defaultOut(opts.dir, opts.out);
  const results: { device: IssuedDevice; record: IssuedRecord }[] = [];
  if (ok.length) {
    await ensureDir(out, 'output');
    const ctx = { ca, out, ...(opts.p12Passphrase !== undefined ? { p12Passphrase: opts.p12Passphrase } : {}), source: 'csv' as const };
    // A few in flight: key generation runs on libuv's pool (matters for RSA), writes overlap.
    results.push(...(await mapLimit(ok, 4, (dev) => issueChecked(ctx, dev, opts))));
    await appendIssued(ca.dir, results.map((r) => r.record));
  }
  return { issued: results.map((r) => r.device), refused, out, ms: performance.now() - t0 };
}
