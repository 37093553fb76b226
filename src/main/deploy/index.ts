// lantrust deploy, as a library (the CLI, the demo and the UI call this): every camera of a devices list
// gets its own company certificate on the camera, bound to HTTPS and verified, in parallel. Rows outside
// the CA's constraints are refused before any camera is contacted.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { checkAgainstCa, normalizeDevice, readCaCertificates, withCaLock, type CsvDevice, type OpenCa } from '../ca/index.js';
import { unlockOffThread } from './unlock.js';
// The same checks as checkDevice(), against the CA read once for the whole list.
import { errorMessage, UserError } from '../errors.js';
import { mapLimit } from '../parallel.js';
import { createdAliases, Journal, JOURNAL_FILE } from './journal.js';
import { deployOne, type RunContext } from './one.js';
import { normalizeFingerprint, readPins } from './trust.js';
import type { DeployResult, DeploySummary, DeployTarget } from './types.js';
import { join } from 'node:path';

export type * from './types.js';

/** One camera as the devices list (or the command line) gives it, with its password read. */
export interface DeployRow extends Omit<CsvDevice, 'line' | 'passwordFile'> {
  line?: number;
  /** The camera's URL as the user gave it (reports); default https://FIRST-NAME[:PORT]/. */
  url?: string;
  password?: string;
  /** Path of a stream or image to fetch one frame from after the switch (a frame is then required). */
  streamPath?: string;
}

export interface DeployOptions {
  /** The CA folder. */
  dir: string;
  rows: DeployRow[];
  /** The CA key's passphrase (null/absent for an unencrypted key); not needed with dryRun. */
  passphrase?: string | null;
  /** on-device (default): the camera makes the key; upload: lantrust makes it and sends it once. */
  key?: 'on-device' | 'upload';
  /** Replace company certificates expiring within this many days (default 30). */
  renewWithinDays?: number;
  dryRun?: boolean;
  /** Cameras at once (default 16). */
  concurrency?: number;
  /** Budget of each step with a camera, in ms (default 15000). */
  timeoutMs?: number;
  trustCurrentCert?: boolean;
  /** LABEL -> SHA-256 the camera must present at first contact. */
  expectFingerprints?: Record<string, string>;
  /** Validity of the new certificates in days (default: the CA's, 397). */
  days?: number;
  now?: () => Date;
  onProgress?: (done: number, total: number, result: DeployResult) => void;
}

export interface DeployReport {
  results: DeployResult[];
  summary: DeploySummary;
  /** The journal every action went to. */
  journal: string;
}

export const DEFAULT_RENEW_WITHIN_DAYS = 30;
export const DEFAULT_TIMEOUT_MS = 15_000;

function summarize(results: DeployResult[], ms: number): DeploySummary {
  const n = (a: DeployResult['action']) => results.filter((r) => r.action === a).length;
  return { total: results.length, deployed: n('deployed'), renewed: n('renewed'), upToDate: n('up-to-date'), refused: n('refused'), failed: n('failed'), skipped: n('skipped'), ms };
}

export async function deploy(opts: DeployOptions): Promise<DeployReport> {
  const t0 = Date.now();
  const now = opts.now ?? (() => new Date());
  const ca = await readCaCertificates(opts.dir);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  // Every row checked against the CA before any camera is contacted.
  const results = new Array<DeployResult | undefined>(opts.rows.length);
  const targets: { i: number; t: DeployTarget }[] = [];
  const seen = new Map<string, number | undefined>();
  for (const [i, row] of opts.rows.entries()) {
    const fallback = row.name || row.dns[0] || row.ip[0] || `line ${row.line ?? i + 1}`;
    const refuse = (error: string) => (results[i] = { label: fallback, url: '', ...(row.line !== undefined ? { line: row.line } : {}), action: 'refused', error, ms: 0 });
    try {
      if (row.problem) throw new UserError(row.problem);
      const device = normalizeDevice({ ...(row.name ? { label: row.name } : {}), ip: row.ip, dns: row.dns });
      if (seen.has(device.label.toLowerCase())) throw new UserError(`the label ${device.label} is already used${seen.get(device.label.toLowerCase()) !== undefined ? ` on line ${seen.get(device.label.toLowerCase())}` : ''}; give each camera its own name`);
      checkAgainstCa(ca, device);
      seen.set(device.label.toLowerCase(), row.line);
      const host = device.ip[0] ?? device.dns[0]!;
      const address = row.address ?? host;
      const port = row.port ?? 443;
      const url = row.url ?? `https://${host.includes(':') ? `[${host}]` : host}${port === 443 ? '' : `:${port}`}/`;
      targets.push({ i, t: { device, address, host, port, url, ...(row.user !== undefined ? { user: row.user } : {}), ...(row.password !== undefined ? { password: row.password } : {}), ...(row.streamPath ? { streamPath: row.streamPath } : {}), ...(row.line !== undefined ? { line: row.line } : {}) } });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      refuse(`${fallback}${row.line !== undefined ? ` (line ${row.line})` : ''} was not contacted: ${errorMessage(e).replace(/; nothing was written\.?$/, '').replace(/\.$/, '')}`);
    }
  }

  const expect = new Map<string, string>();
  for (const [label, fp] of Object.entries(opts.expectFingerprints ?? {})) {
    const norm = normalizeFingerprint(fp);
    if (!norm) throw new UserError(`--expect-fingerprint ${label}=${fp}: that is not a SHA-256 fingerprint (64 hex digits, colons allowed).`);
    if (!targets.some((x) => x.t.device.label === label)) throw new UserError(`--expect-fingerprint names ${label}, which is not a camera in this run; use the label from the name column.`);
    expect.set(label, norm);
  }
  const pins = await readPins(opts.dir);

  // The CA key is opened once, when the first camera needs a signature, off the main thread so the
  // other cameras go on meanwhile; no camera is written to before it is open, and a wrong passphrase
  // ends the run with one sentence. A run where nothing is due never opens it.
  let key: Promise<KeyObject> | undefined;
  const unlock = () => {
    if (!key) {
      key = unlockOffThread(opts.dir, opts.passphrase);
      key.catch(() => {}); // each camera awaits it; the run reports it once, below
    }
    return key;
  };
  const run = `${now().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const ctx: RunContext = {
    ca,
    unlock: async (): Promise<OpenCa> => ({ ...ca, issuerKey: await unlock() }),
    anchors: [{ der: ca.root.der, source: join(opts.dir, ca.settings.files.root) }],
    journal: new Journal(opts.dir, run),
    created: await createdAliases(opts.dir),
    pins,
    expect,
    trustCurrent: Boolean(opts.trustCurrentCert),
    key: opts.key ?? 'on-device',
    renewWithinDays: opts.renewWithinDays ?? DEFAULT_RENEW_WITHIN_DAYS,
    ...(opts.days !== undefined ? { days: opts.days } : {}),
    dryRun: Boolean(opts.dryRun),
    timeoutMs,
    now,
  };

  const total = targets.length;
  let done = 0;
  await withCaLock(opts.dir, async () => {
    for (const [i, r] of results.entries()) if (r) await ctx.journal.note(r.label, '', 'refused', { error: r.error, ...(opts.rows[i]!.line !== undefined ? { line: opts.rows[i]!.line } : {}) });
    await mapLimit(targets, opts.concurrency ?? 16, async ({ i, t }) => {
      let r: DeployResult;
      try {
        if (!isIP(t.address)) {
          const name = t.address;
          t.address = await lookup(name).then(
            (a) => a.address,
            () => {
              throw new UserError(`cannot find ${name} in DNS; put the camera's IP address in the address column`);
            },
          );
        }
        r = await deployOne(t, ctx);
      } catch (e) {
        r = { label: t.device.label, url: t.url, action: 'failed', error: `${t.device.label} (${t.url}): ${errorMessage(e)}`, ms: 0 };
      }
      results[i] = r;
      opts.onProgress?.(++done, total, r);
    });
    await ctx.journal.close();
  });
  if (key) await key; // a wrong passphrase: its sentence, not thirty failed cameras
  const list = results.filter((r): r is DeployResult => Boolean(r));
  return { results: list, summary: summarize(list, Date.now() - t0), journal: join(opts.dir, JOURNAL_FILE) };
}
