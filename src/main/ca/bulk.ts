// `ca issue --from devices.csv`: a whole fleet in one run. Each row is checked on its own; a refused
// row writes nothing and the rest still get their certificates.
import { readFile } from 'node:fs/promises';
import { parseCsv } from '../csv.js';
import { mapLimit } from '../parallel.js';
import { UserError, errorMessage } from '../errors.js';
import { join } from 'node:path';
import { checkAgainstCa, defaultOut, deviceFileNames, validateDays, issueChecked, normalizeDevice, type CheckedDevice, type IssuedDevice, type LeafOptions } from './issue.js';
import { withCaLock } from './lock.js';
import { appendIssued, assertNotCaFile, ensureDir, openCa, readCaCertificates, type IssuedRecord } from './store.js';

export interface CsvDevice {
  /** 1-based line number in the file. */
  line: number;
  name: string;
  ip: string[];
  dns: string[];
  /** deploy: host or IP to connect to, when it differs from the first ip. */
  address?: string;
  /** deploy: HTTPS port, when not 443. */
  port?: number;
  /** deploy: the camera account for this row. */
  user?: string;
  /** deploy: file holding that account's password (relative paths are relative to the CSV's folder). */
  passwordFile?: string;
  /** Why the row itself is unusable (refused without looking further). */
  problem?: string;
}

/** Columns of devices.csv: the names, then what `lantrust deploy` needs to reach each camera. */
export const DEVICE_COLUMNS = ['name', 'ip', 'dns', 'address', 'port', 'user', 'password_file'] as const;

/** Parses devices.csv (header name,ip,dns in any order, optional deploy columns; several values per cell separated by spaces). */
export function parseDevicesCsv(text: string, file = 'devices.csv'): CsvDevice[] {
  const table = parseCsv(text, file);
  const unknown = table.header.filter((h) => !(DEVICE_COLUMNS as readonly string[]).includes(h));
  if (unknown.length || (!table.header.includes('ip') && !table.header.includes('dns'))) {
    throw new UserError(
      `${file} must start with the header line "name,ip,dns" (optional columns: address, port, user, password_file)${unknown.length ? `; "${unknown[0]}" is not one of them` : ''}; nothing was written.`,
    );
  }
  const split = (s: string | undefined) => (s ?? '').split(/\s+/).filter(Boolean);
  const out: CsvDevice[] = table.bad.map((b) => ({ line: b.line, name: '', ip: [], dns: [], problem: `this line can't be read: ${b.reason}.` }));
  for (const row of table.rows) {
    const c = row.cells;
    const dev: CsvDevice = { line: row.line, name: c.name ?? '', ip: split(c.ip), dns: split(c.dns) };
    if (c.address) dev.address = c.address;
    if (c.user) dev.user = c.user;
    if (c.password_file) dev.passwordFile = c.password_file;
    if (c.port) {
      const port = /^\d{1,5}$/.test(c.port) ? Number(c.port) : NaN;
      if (port >= 1 && port <= 65535) dev.port = port;
      else dev.problem = `the port "${c.port}" is not a port number (1-65535).`;
    }
    if (row.width > table.header.length) dev.problem = `it has ${row.width} cells but the header has ${table.header.length}; put several names in one cell separated by spaces, not commas.`;
    out.push(dev);
  }
  if (!out.length) throw new UserError(`${file} has a header but no devices; add one line per device, e.g. lobby-cam,192.168.1.50,lobby.cams.example.com.`);
  return out.sort((a, b) => a.line - b.line);
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
  const out = defaultOut(opts.dir, opts.out);
  const refused: RefusedDevice[] = [];
  const results: { device: IssuedDevice; record: IssuedRecord }[] = [];
  await withCaLock(opts.dir, async () => {
    const certs = await readCaCertificates(opts.dir);
    const ca = await openCa(opts.dir, opts.passphrase, certs);
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
        await assertNotCaFile(opts.dir, certs.settings, deviceFileNames(dev.label, opts.p12Passphrase !== undefined).map((f) => join(out, f)));
        seen.set(dev.label.toLowerCase(), row.line);
        ok.push(dev);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        refused.push({ line: row.line, label: fallback, reason: errorMessage(e) });
      }
    }
    if (ok.length) {
      await ensureDir(out, 'output');
      const ctx = { ca, out, ...(opts.p12Passphrase !== undefined ? { p12Passphrase: opts.p12Passphrase } : {}), source: 'csv' as const };
      // A few in flight: key generation runs on libuv's pool (matters for RSA), writes overlap.
      results.push(...(await mapLimit(ok, 4, (dev) => issueChecked(ctx, dev, opts))));
      await appendIssued(ca.dir, results.map((r) => r.record));
    }
  });
  return { issued: results.map((r) => r.device), refused, out, ms: performance.now() - t0 };
}
