// The operations the app's screens may call — ONE table, served to Electron over IPC (electron.ts)
// and to the browser by `lantrust ui` (web.ts). Every argument arrives from a renderer and is
// validated here; every answer is plain JSON. No electron import: Electron-only powers come in
// through `ApiHost` (e.g. Chromium's own certificate verifier).
import { existsSync } from 'node:fs';
import { homedir, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedCert } from './cert/describe.js';
import { lintRoot } from './constraints/lint.js';
import { describeConstraints } from './constraints/model.js';
import { UserError, errorMessage } from './errors.js';
import type { TestResult } from './probe/types.js';
import { isWebUrl, type Camera, type Helpdesk, type LoadedProfile, type Scope } from './profile.js';
import type { StoreEnv, StoreResult } from './truststore/common.js';
import { needsAdminPrompt, trustChange, trustStatus } from './api-trust.js';
import { NAME_CONSTRAINT_FINDINGS } from './truststore/index.js';

// ---------- what the screens see ----------

export interface RootView {
  subject: string;
  commonName?: string;
  organisation?: string;
  /** SHA-256, colon-separated upper-case hex. */
  sha256: string;
  notAfter: string;
  /** "only names under cams.example.com and addresses in 192.168.0.0/16" */
  constraints: string;
  constrained: boolean;
}

export type ProfileView =
  | {
      ok: true;
      company: string;
      root: RootView;
      /** The root matched the pinned SHA-256 (always true here: a mismatch never gets this far). */
      pinOk: true;
      /** Can it be installed? When not, `why` says so in one sentence. */
      installable: boolean;
      why?: string;
      /** Lint warnings worth showing (expiring soon, ...). */
      warnings: string[];
      cameras: Camera[];
      helpdesk?: Helpdesk;
      scope: Scope;
      /** 'electron' or 'web' (the browser host can't ask Chromium's verifier). */
      host: 'electron' | 'web';
      platform: string;
      demo: boolean;
      /** "Everyone" will make Windows ask for administrator approval (UAC): Windows, not elevated. */
      adminPrompt: boolean;
    }
  | { ok: false; error: string; helpdesk?: Helpdesk };

/** One store location's answer, as the install engine gives it (needsRoot = needs an administrator). */
export type StoreRow = StoreResult;

export interface StatusView {
  rows: StoreRow[];
  /** Installed in at least one store a browser here reads. */
  trusted: boolean;
}

export interface ChangeView {
  ok: boolean;
  /** One sentence for the result line. */
  summary: string;
  rows: StoreRow[];
  /** Notes from the engine (stores skipped and why). */
  notes: string[];
}

export interface CameraView {
  name?: string;
  url: string;
  result: TestResult;
  /** The first JPEG as a data: URL, when the chain is good and the camera sent one. */
  frame?: string;
  /** Chromium's own verifier (Electron only): "net::OK" or "net::ERR_...". */
  chromium?: { error: string; detail?: string };
  /** The company root counted as trusted for this test (it is installed here). */
  rootTrustedHere: boolean;
  /** When the root is not installed yet: what Chrome would say once it is ("net::OK", ...). */
  ifInstalled?: string;
}

export interface ExportView {
  filename: string;
  mime: string;
  content: string;
}

/** The intranet page written by `writeSite` (the same folder `lantrust site` writes). */
export interface SiteView {
  dir: string;
  files: { name: string; bytes: number; sha256: string }[];
}

/** The operation table's shape: the names are the API (IPC channel ops and /api/NAME paths). */
export interface Operations {
  profile(): Promise<ProfileView>;
  status(): Promise<StatusView>;
  install(arg: { scope: Scope }): Promise<ChangeView>;
  uninstall(arg: { scope: Scope }): Promise<ChangeView>;
  testCamera(arg: { url: string; name?: string }): Promise<CameraView>;
  testAll(): Promise<CameraView[]>;
  diagnostics(): Promise<{ text: string }>;
  exportReport(arg: { format: 'json' | 'html' }): Promise<ExportView>;
  writeSite(): Promise<SiteView>;
}

export type OpName = keyof Operations;
export type OpArg<K extends OpName> = Parameters<Operations[K]> extends [infer A] ? A : undefined;
export type OpResult<K extends OpName> = Awaited<ReturnType<Operations[K]>>;

export const OP_NAMES = ['profile', 'status', 'install', 'uninstall', 'testCamera', 'testAll', 'diagnostics', 'exportReport', 'writeSite'] as const satisfies readonly OpName[];
// Compile-time check that OP_NAMES lists every operation.
type Missing = Exclude<OpName, (typeof OP_NAMES)[number]>;
const allListed: Missing extends never ? true : never = true;
void allListed;

/** What a call returns over IPC or HTTP: never a stack trace, only a sentence. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: string };

// ---------- the table ----------

export interface ApiHost {
  kind: 'electron' | 'web';
  /**
   * Electron: Chromium's own verdict for a URL (src/main/chromium-verify.ts). `trust` names the stores
   * that hold the company root now: Chromium's cached verdicts are reused only while it is unchanged.
   */
  chromiumVerify?: (url: string, trust: string) => Promise<{ error: string; detail?: string }>;
}

export interface ApiContext {
  /** The profile and its pin-checked root, or why it could not be loaded. */
  loaded: LoadedProfile | { error: string; helpdesk?: Helpdesk };
  demo?: boolean;
  /** Extra `--resolve HOST:PORT:ADDR` rules for the probe (demo cameras with names). */
  resolve?: string[];
  /** Where the trust stores are (the demo uses temp folders for every store); default: this machine's. */
  storeEnv?: Partial<StoreEnv>;
  timeoutMs?: number;
  /** Where `writeSite` makes its folder; default: ~/Downloads (demo: the temp folder). Never chosen by a renderer. */
  siteParent?: string;
}

const MAX_URL = 2048;

export function makeOperations(ctx: ApiContext, host: ApiHost): Operations {
  const last = new Map<string, CameraView>();
  const need = (): LoadedProfile => {
    if ('error' in ctx.loaded) throw new UserError(ctx.loaded.error);
    return ctx.loaded;
  };
  const target = () => ({ root: need().root, ...(ctx.storeEnv ? { env: ctx.storeEnv } : {}) });
  let adminPrompt: Promise<boolean> | undefined; // one PowerShell start per run, on Windows only

  async function status(): Promise<StatusView> {
    const rows = (await trustStatus(target()));
    return { rows, trusted: rows.some((r) => r.installed) };
  }

  async function change(kind: 'install' | 'uninstall', arg: { scope: Scope }): Promise<ChangeView> {
    const { profile } = need();
    const scope = checkScope(arg);
    const view = profileView(need(), host, ctx);
    if (kind === 'install' && view.ok && !view.installable) throw new UserError(view.why ?? 'this root cannot be installed.');
    const r = await trustChange(kind, target(), scope, profile);
    if (r.summary) return { ok: false, summary: r.summary, rows: r.stores, notes: r.notes };
    return summarize(kind, scope, r.stores, r.notes);
  }

  const probeOptions = (trustRoot: boolean) => ({
    anchors: trustRoot ? [{ der: need().root.der, source: 'the company root' }] : [],
    system: true,
    timeoutMs: ctx.timeoutMs ?? 5000,
    ...(ctx.resolve?.length ? { resolve: ctx.resolve } : {}),
  });

  async function probe(urls: string[], trustRoot: boolean): Promise<TestResult[]> {
    const { testUrls } = await import('./probe/index.js');
    return testUrls(urls, { ...probeOptions(trustRoot), frame: true, keepFrame: true });
  }

  /** Tests cameras in parallel (one timeout at most each), as Chrome on this computer would see them now. */
  async function testMany(cams: { url: string; name?: string }[]): Promise<CameraView[]> {
    const { profile } = need();
    const st: StatusView = await status().catch(() => ({ trusted: false, rows: [] }));
    const trustKey = st.rows.filter((r) => r.installed).map((r) => `${r.store} ${r.path ?? ''}`).sort().join('\n');
    // Chrome here trusts the company root only where it is installed: test with what is true now.
    const results = await probe(cams.map((c) => c.url), st.trusted);
    // For cameras refused only because the root isn't installed yet: judge the certificates they already
    // sent again as if it were (no second connection, no second frame download).
    const untrusted = st.trusted ? [] : results.flatMap((r, i) => (r.chrome.error === 'net::ERR_CERT_AUTHORITY_INVALID' ? [i] : []));
    const { rejudge } = await import('./probe/index.js');
    const again = untrusted.length ? await rejudge(untrusted.map((i) => results[i]!), probeOptions(true)) : [];
    const ifInstalled = new Map(untrusted.map((i, j) => [i, again[j]!.chrome.error]));
    return Promise.all(
      results.map(async (result, i) => {
        const cam = cams[i]!;
        const later = ifInstalled.get(i);
        if (later && later !== result.chrome.error) {
          result.chrome.cause = `this computer does not trust ${profile.company}'s certificate yet`;
          result.chrome.fix =
            later === 'net::OK'
              ? 'install it on the Trust screen ("just me" is enough), then test again'
              : `install it on the Trust screen; after that Chrome would still say ${later}, so ask your helpdesk about this camera`;
        }
        const frame = result.stream.frameBase64 ? `data:image/jpeg;base64,${result.stream.frameBase64}` : undefined;
        // Don't send the frame twice (it's in `frame`); keep the JSON small for IPC and export.
        const slim: TestResult = { ...result, stream: { ...result.stream } };
        delete slim.stream.frameBase64;
        const view: CameraView = { url: cam.url, result: slim, rootTrustedHere: st.trusted, ...(cam.name ? { name: cam.name } : {}), ...(frame ? { frame } : {}), ...(later ? { ifInstalled: later } : {}) };
        if (host.chromiumVerify) {
          view.chromium = await host.chromiumVerify(cam.url, trustKey).catch((e: unknown) => ({ error: 'unknown', detail: errorMessage(e) }));
        }
        last.set(cam.url, view);
        return view;
      }),
    );
  }

  return {
    async profile() {
      const view = profileView(ctx.loaded, host, ctx);
      if (view.ok) view.adminPrompt = await (adminPrompt ??= needsAdminPrompt(target()).catch(() => false));
      return view;
    },
    status,
    install: (arg) => change('install', arg),
    uninstall: (arg) => change('uninstall', arg),
    async testCamera(arg) {
      const a = obj(arg, 'testCamera');
      const url = typeof a.url === 'string' ? a.url.trim() : '';
      if (!url || url.length > MAX_URL || !isWebUrl(url)) throw new UserError('enter the camera address as a web address, like https://192.168.1.50/ .');
      const name = typeof a.name === 'string' ? a.name.slice(0, 200) : need().profile.cameras.find((c) => c.url === url)?.name;
      return (await testMany([{ url, ...(name ? { name } : {}) }]))[0]!;
    },
    async testAll() {
      const { profile } = need();
      if (!profile.cameras.length) throw new UserError('this company profile lists no cameras; type a camera address on the Cameras screen instead.');
      return testMany(profile.cameras);
    },
    async diagnostics() {
      return { text: diagnosticsText(ctx, host, await status().catch((e: unknown) => errorMessage(e)), [...last.values()]) };
    },
    async exportReport(arg) {
      const a = obj(arg, 'exportReport');
      if (a.format !== 'json' && a.format !== 'html') throw new UserError('choose the report format: json or html.');
      const results = [...last.values()];
      const st = await status().catch((e: unknown) => errorMessage(e));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      if (a.format === 'json') {
        const doc = { generated: new Date().toISOString(), profile: summaryOf(ctx), status: st, results: results.map((r) => ({ ...r, frame: undefined })) };
        return { filename: `lantrust-report-${stamp}.json`, mime: 'application/json', content: `${JSON.stringify(doc, null, 2)}\n` };
      }
      const { renderReport } = await import('./api-report.js');
      return { filename: `lantrust-report-${stamp}.html`, mime: 'text/html', content: await renderReport(summaryOf(ctx), st, results) };
    },
    async writeSite() {
      const loaded = need();
      const { makeSite } = await import('./site/index.js');
      const { fileSafe } = await import('./pack/generate.js');
      const downloads = join(homedir(), 'Downloads');
      const parent = ctx.siteParent ?? (ctx.demo || !existsSync(downloads) ? tmpdir() : downloads);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const site = await makeSite({ loaded, outDir: join(parent, `${fileSafe(loaded.profile.company)}-intranet-page-${stamp}`) });
      return { dir: site.dir, files: site.files.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 })) };
    },
  };
}

/** Runs one operation for a host: checks the name and turns every failure into a sentence. */
export async function callOperation(ops: Operations, name: unknown, arg: unknown): Promise<Envelope> {
  if (typeof name !== 'string' || !(OP_NAMES as readonly string[]).includes(name)) return { ok: false, error: 'unknown operation.' };
  try {
    const fn = ops[name as OpName] as (a: unknown) => Promise<unknown>;
    return { ok: true, value: await fn(arg ?? {}) };
  } catch (e) {
    if (e instanceof UserError) return { ok: false, error: e.message };
    if (process.env.LANTRUST_DEBUG) process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    return { ok: false, error: `something went wrong (${errorMessage(e).replace(/\s+/g, ' ').slice(0, 300)}); copy the diagnostics and send them to your helpdesk.` };
  }
}

// ---------- helpers ----------

function obj(arg: unknown, op: string): Record<string, unknown> {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new UserError(`${op} needs its settings as an object.`);
  return arg as Record<string, unknown>;
}

function checkScope(arg: unknown): Scope {
  const a = obj(arg, 'install');
  if (a.scope !== 'CurrentUser' && a.scope !== 'LocalMachine') throw new UserError('choose "just me" or "everyone on this computer".');
  return a.scope;
}

function summarize(kind: 'install' | 'uninstall', scope: Scope, rows: StoreRow[], notes: string[]): ChangeView {
  const who = scope === 'CurrentUser' ? 'for you' : 'for everyone on this computer';
  const failed = rows.filter((r) => r.error || r.needsRoot);
  const usable = rows.filter((r) => r.available);
  if (!usable.length) {
    return { ok: false, summary: `No certificate store ${who} was found on this computer; ask your helpdesk.`, rows, notes };
  }
  if (failed.length) {
    const admin = failed.some((r) => r.needsRoot);
    const verb = kind === 'install' ? 'installed' : 'removed';
    return {
      ok: false,
      summary: admin
        ? `Not ${verb} everywhere: ${failed.map((r) => r.title).join(', ')} need an administrator; choose "just me" or ask IT.`
        : `Not ${verb} everywhere: ${failed.map((r) => `${r.title} (${r.message.replace(/\.$/, '')})`).join('; ')}.`,
      rows,
      notes,
    };
  }
  if (kind === 'install') {
    const changed = rows.some((r) => r.changed);
    return { ok: true, summary: changed ? `Done: the certificate is now trusted ${who}. Restart your browser if a camera page is open.` : `Already done: the certificate was already trusted ${who}.`, rows, notes };
  }
  return { ok: true, summary: rows.some((r) => r.changed) ? `Removed ${who}.` : `Nothing to remove: it was not installed ${who}.`, rows, notes };
}

function rootView(root: ParsedCert): RootView {
  const i = root.info;
  const o = i.organization;
  return {
    subject: i.subject,
    ...(i.commonName ? { commonName: i.commonName } : {}),
    ...(o ? { organisation: o } : {}),
    sha256: i.sha256,
    notAfter: i.notAfter,
    constraints: describeConstraints(i.nameConstraints),
    constrained: Boolean(i.nameConstraints && (i.nameConstraints.permitted.length || i.nameConstraints.excluded.length)),
  };
}

function profileView(loaded: ApiContext['loaded'], host: ApiHost, ctx: ApiContext): ProfileView {
  if ('error' in loaded) return { ok: false, error: loaded.error, ...(loaded.helpdesk ? { helpdesk: loaded.helpdesk } : {}) };
  const { profile, root } = loaded;
  const findings = lintRoot(root.info, {
    ...(profile.constraints?.permitDns.length ? { expectDns: profile.constraints.permitDns } : {}),
    ...(profile.constraints?.permitCidr.length ? { expectCidr: profile.constraints.permitCidr } : {}),
  });
  // Missing/loose name constraints can be waived by the admin (allowUnconstrained) or made moot by
  // policy constraints in the profile; any other error blocks installation.
  const waivable = (id: string) => NAME_CONSTRAINT_FINDINGS.has(id) && (profile.allowUnconstrained || Boolean(profile.constraints));
  const errors = findings.filter((f) => f.severity === 'error' && !waivable(f.id));
  const view: ProfileView = {
    ok: true,
    company: profile.company,
    root: rootView(root),
    pinOk: true,
    installable: errors.length === 0,
    warnings: findings.filter((f) => f.severity === 'warning').map((f) => f.message),
    cameras: profile.cameras,
    scope: profile.scope ?? 'CurrentUser',
    host: host.kind,
    platform: platform(),
    demo: Boolean(ctx.demo),
    adminPrompt: false,
  };
  if (profile.helpdesk) view.helpdesk = profile.helpdesk;
  if (errors.length) view.why = `This certificate should not be installed: ${errors[0]!.message.replace(/\.$/, '')}. Ask your IT department for a new installer.`;
  return view;
}

export interface ReportSummary {
  company?: string;
  rootSubject?: string;
  rootSha256?: string;
  constraints?: string;
  error?: string;
}

function summaryOf(ctx: ApiContext): ReportSummary {
  if ('error' in ctx.loaded) return { error: ctx.loaded.error };
  const r = rootView(ctx.loaded.root);
  return { company: ctx.loaded.profile.company, rootSubject: r.subject, rootSha256: r.sha256, constraints: r.constraints };
}

function diagnosticsText(ctx: ApiContext, host: ApiHost, st: StatusView | string, results: CameraView[]): string {
  const s = summaryOf(ctx);
  const lines = [
    `lantrust diagnostics — ${new Date().toISOString()}`,
    `Computer: ${platform()} (${host.kind === 'electron' ? 'app' : 'browser UI'})`,
    s.error ? `Profile: NOT LOADED — ${s.error}` : `Company: ${s.company}\nRoot: ${s.rootSubject}\nSHA-256: ${s.rootSha256}\nTrusts: ${s.constraints}`,
    '',
    'Certificate stores:',
    ...(typeof st === 'string' ? [`  could not read: ${st}`] : st.rows.map((r) => `  ${r.installed ? '[installed]' : r.available ? '[not installed]' : '[n/a]'} ${r.title}${r.path ? ` (${r.path})` : ''}: ${r.message}`)),
    '',
    results.length ? 'Cameras tested:' : 'No camera tested yet.',
  ];
  for (const v of results) {
    const c = v.result.chrome;
    lines.push(`  ${c.error === 'net::OK' ? 'OK  ' : 'FAIL'} ${v.name ? `${v.name} ` : ''}${v.url}`);
    lines.push(`       Chrome: ${c.error}${v.chromium ? ` (Chromium here says ${v.chromium.error})` : ''}`);
    if (c.error !== 'net::OK') lines.push(`       Cause: ${c.cause}`, `       Fix: ${c.fix}`);
    if (v.result.tls.protocol) lines.push(`       TLS: ${v.result.tls.protocol} ${v.result.tls.cipher ?? ''}`.trimEnd());
    if (v.result.stream.fetched) lines.push(`       Picture: ${v.result.stream.frameBytes ?? 0} bytes in ${v.result.stream.firstFrameMs ?? '?'} ms${v.result.stream.error ? ` (${v.result.stream.error})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the preload exposes as window.lantrust: one function per operation, same names as the table. */
export type Bridge = { [K in OpName]: (arg: OpArg<K>) => Promise<Envelope<OpResult<K>>> };
