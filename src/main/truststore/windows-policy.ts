// Chrome and Edge enterprise policy on Windows: HKLM\SOFTWARE\Policies\Google\Chrome and
// \Microsoft\Edge, where the IT pack (-Browsers) and the app's "everyone" install put the root in
// CACertificatesWithConstraints (a REG_SZ holding JSON, with the --permit constraints). Someone else's
// GPO may list it in CACertificates\<n> instead. Read and written by LanTrustCore.ps1
// (Get-LanTrustBrowserPolicyStatus, Set-/Remove-LanTrustBrowserPolicy), the same code the pack ships.
import { normalizeConstraints } from '../pack/generate.js';
import { chromeConstraintsJson } from '../pack/policy.js';
import { psLiteral } from '../pack/powershell.js';
import { result, unavailable, type AddOptions, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { isElevated } from './windows-elevate.js';
import { powershellPath, runCore } from './windows.js';

const self = { id: 'windows-policy', title: 'Chrome/Edge policy' } as const;
const HIVE = { LocalMachine: 'HKLM', CurrentUser: 'HKCU' } as const;
type PolicyScope = keyof typeof HIVE;
const where = (s: PolicyScope) => `${HIVE[s]}\\SOFTWARE\\Policies (Google\\Chrome, Microsoft\\Edge)`;
const MACHINE = where('LocalMachine');
const NEEDS_ADMIN = `${MACHINE} needs administrator rights: run the installer as administrator (Chrome and Edge also trust the root from --store windows-user).`;

/** What Get-LanTrustBrowserPolicyStatus reports for one browser in one hive. */
export interface PolicyRow {
  scope: PolicyScope;
  browser: 'Chrome' | 'Edge';
  /** Registry key, e.g. HKLM:\SOFTWARE\Policies\Google\Chrome. */
  path: string;
  /** The root is in CACertificatesWithConstraints. */
  constrained: boolean;
  /** The root is in CACertificates\<n> (no constraints). */
  plain: boolean;
  /** CACertificatesWithConstraints is there but is not valid JSON. */
  unreadable: boolean;
  /** The constraints listed with our root. */
  dns: string[];
  cidrs: string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v == null ? [] : [v]).filter((x): x is string => typeof x === 'string');

/** Checks the PowerShell answer (compressed JSON) and returns its rows; throws one sentence on anything else. */
export function parsePolicyStatus(json: string): PolicyRow[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error('the policy status from PowerShell is not JSON');
  }
  // ConvertTo-Json in Windows PowerShell 5.1 may unwrap a one-element array.
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    const o = (x ?? {}) as Record<string, unknown>;
    if ((o.scope !== 'LocalMachine' && o.scope !== 'CurrentUser') || (o.browser !== 'Chrome' && o.browser !== 'Edge') || typeof o.path !== 'string') {
      throw new Error('the policy status from PowerShell has an unexpected shape');
    }
    return { scope: o.scope, browser: o.browser, path: o.path, constrained: o.constrained === true, plain: o.plain === true, unreadable: o.unreadable === true, dns: strings(o.dns), cidrs: strings(o.cidrs) };
  });
}

const listed = (r: PolicyRow) => r.constrained || r.plain;
const both = (names: string[]) => names.join(' and ');

/** One hive's rows in one sentence: which browsers list the root, with which constraints, what can't be read. */
export function describePolicy(rows: PolicyRow[]): { installed: boolean; message: string } {
  const yes = rows.filter(listed);
  const no = rows.filter((r) => !listed(r));
  const bad = rows.filter((r) => r.unreadable);
  const parts: string[] = [];
  if (yes.length) {
    const limits = [...new Set(yes.flatMap((r) => (r.constrained ? [...r.dns, ...r.cidrs] : [])))];
    const how = yes.every((r) => r.constrained) ? (limits.length ? ` for ${limits.join(', ')} only` : '') : yes.some((r) => r.constrained) ? '' : ' without constraints (CACertificates)';
    parts.push(`${both(yes.map((r) => r.browser))} ${yes.length > 1 ? 'policies trust' : 'policy trusts'} this root${how}`);
    if (no.length) parts.push(`${both(no.map((r) => r.browser))} policy does not`);
  } else {
    parts.push('not in the Chrome or Edge policy');
  }
  if (bad.length) parts.push(`unreadable policy: ${both(bad.map((r) => r.browser))} CACertificatesWithConstraints is not valid JSON, so that browser ignores it — fix or remove it in your group policy`);
  return { installed: yes.length > 0, message: `${parts.join('; ')}.` };
}

const sentence = (s: string | undefined) => `${(s ?? 'PowerShell failed').replace(/\.$/, '')}.`;
const STATUS = 'Get-LanTrustBrowserPolicyStatus -Scope LocalMachine';

async function detect(env: StoreEnv): Promise<Detection> {
  if (env.platform !== 'win32') return { available: false, path: MACHINE, why: 'Chrome/Edge registry policies exist only on Windows.', otherPlatform: true };
  if (!(await powershellPath(env))) return { available: false, path: MACHINE, why: 'PowerShell was not found; it ships with Windows, so check PATH.' };
  return { available: true, path: MACHINE };
}

/** The machine's policy always; the user's (HKCU) only when it lists the root or can't be read. */
async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  const a = await runCore(cert, env, 'Get-LanTrustBrowserPolicyStatus -Scope LocalMachine, CurrentUser');
  let rows: PolicyRow[];
  try {
    if (!a.ok) throw new Error(a.error);
    rows = parsePolicyStatus(String(a.value));
  } catch (e) {
    return [result(self, { path: MACHINE, error: true, message: `could not read the Chrome/Edge policy: ${sentence((e as Error).message)}` })];
  }
  const out: StoreResult[] = [];
  for (const scope of ['LocalMachine', 'CurrentUser'] as const) {
    const mine = rows.filter((r) => r.scope === scope);
    if (scope === 'CurrentUser' && !mine.some((r) => listed(r) || r.unreadable)) continue;
    out.push(result(self, { path: where(scope), ...describePolicy(mine) }));
  }
  return out;
}

interface Change {
  before: string;
  after: string;
}

/** Runs a change between two status reads in one PowerShell start; the row says what is true afterwards. */
async function change(cert: RootCert, env: StoreEnv, call: string, done: (now: { installed: boolean; message: string }, changed: boolean, rows: PolicyRow[]) => string): Promise<StoreResult[]> {
  const a = await runCore(cert, env, `@{ before = (${STATUS}); done = @(${call}); after = (${STATUS}) }`);
  if (!a.ok) return [result(self, { path: MACHINE, error: true, message: sentence(a.error) })];
  try {
    const v = a.value as Change;
    const rows = parsePolicyStatus(String(v.after));
    const changed = String(v.before) !== String(v.after);
    const now = describePolicy(rows);
    return [result(self, { path: MACHINE, installed: now.installed, changed, message: done(now, changed, rows) })];
  } catch (e) {
    return [result(self, { path: MACHINE, error: true, message: sentence((e as Error).message) })];
  }
}

async function add(cert: RootCert, env: StoreEnv, opts: AddOptions = {}): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  const c = normalizeConstraints(opts.permitDns ?? [], opts.permitCidr ?? []);
  if (!c.permitDns.length && !c.permitCidr.length) {
    return [result(self, { path: MACHINE, message: 'nothing written: the Chrome/Edge policy is written only with --permit-dns/--permit-cidr constraints (without them Chrome and Edge trust the root from the Windows store).' })];
  }
  if (!(await isElevated(env))) return [result(self, { path: MACHINE, needsRoot: true, message: NEEDS_ADMIN })];
  const json = psLiteral(chromeConstraintsJson(cert.der, c));
  return change(cert, env, `Set-LanTrustBrowserPolicy -Scope LocalMachine -ConstraintsJson ${json}`, (now, changed) =>
    changed ? `written: ${now.message.charAt(0).toLowerCase()}${now.message.slice(1)}` : `already there; nothing changed: ${now.message}`,
  );
}

async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
  const d = await detect(env);
  if (!d.available) return unavailable(self, d);
  if (!(await isElevated(env))) return [result(self, { path: MACHINE, installed: true, needsRoot: true, message: `removing from ${NEEDS_ADMIN.charAt(0).toLowerCase()}${NEEDS_ADMIN.slice(1)}` })];
  return change(cert, env, 'Remove-LanTrustBrowserPolicy -Scope LocalMachine', (_now, changed, rows) => {
    // lantrust writes only CACertificatesWithConstraints; a CACertificates entry is someone else's GPO.
    const plain = rows.filter((r) => r.plain).map((r) => r.browser);
    const left = plain.length ? ` It is still in ${both(plain)}'s CACertificates, which lantrust never writes: remove it in your group policy.` : '';
    return `${changed ? 'removed from the Chrome/Edge policy.' : 'not in the Chrome/Edge policy CACertificatesWithConstraints; nothing changed.'}${left}`;
  });
}

export const windowsPolicy: StoreAdapter = { ...self, detect, has, add, remove };
