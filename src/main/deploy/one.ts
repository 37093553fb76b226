// One camera, start to end: first contact (its served certificate, the trust decision, before any
// request), the plan (is its served certificate current?), then protocol, install, bind, verify, and
// on any failure after install: bind the previous configuration again and delete what lantrust created.
// A camera thus ends serving its new verified certificate or its previous one.
import type { OpenCa, CaCertificates, SignedCsr } from '../ca/index.js';
import { signCsrForDevice } from '../ca/index.js';
import { sha256Fingerprint, type ParsedCert } from '../cert/describe.js';
import { errorMessage, UserError } from '../errors.js';
import type { TrustAnchor } from '../probe/types.js';
import { explainConnection } from '../verify/explain.js';
import { matchHost } from '../verify/hostname.js';
import { AxisRest } from './axis-rest.js';
import { AxisSoap } from './axis-soap.js';
import type { WebServerTls } from './axis-webserver.js';
import { chromeVerdict, servedChain, verifySwitch, waitForServed } from './check.js';
import type { Journal } from './journal.js';
import { detectProtocol, NotDeployable, type CameraProtocol, type Inventory } from './protocol.js';
import { chainsToCompany, decideTrust, savePins, type Pin } from './trust.js';
import type { CertSummary, DeployResult, DeployTarget } from './types.js';
import { VapixClient, VapixError } from './vapix.js';

const DAY = 86_400_000;

export interface RunContext {
  ca: CaCertificates;
  /** The CA, opened once for the run (when the first camera needs a signature). */
  unlock(): Promise<OpenCa>;
  anchors: TrustAnchor[];
  journal: Journal;
  /** Aliases earlier runs created, per label (read once, before this run wrote anything). */
  created: Map<string, Set<string>>;
  pins: Record<string, Pin>;
  expect: Map<string, string>;
  trustCurrent: boolean;
  key: 'on-device' | 'upload';
  renewWithinDays: number;
  days?: number;
  dryRun: boolean;
  timeoutMs: number;
  now: () => Date;
}

function summary(c: ParsedCert): CertSummary {
  return { sha256: c.info.sha256, notAfter: c.info.notAfter, issuer: c.info.issuer };
}

/** "lantrust-LABEL-YYYYMMDDHHMMSS": recognisable, short enough for ONVIF ids (64). */
function newAlias(label: string, now: Date, taken: Set<string>): string {
  const base = `lantrust-${label.slice(0, 40)}-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
  let alias = base;
  for (let i = 2; taken.has(alias); i++) alias = `${base}-${i}`;
  return alias;
}

/** Why a VAPIX step failed, as the end of a sentence naming the camera. */
function vapixWords(e: unknown, label: string, url: string): string {
  if (e instanceof NotDeployable) return `${label}: ${e.message}`;
  if (!(e instanceof VapixError)) return `${label}: ${errorMessage(e)}`;
  const d = e.detail;
  switch (e.kind) {
    case 'no-credentials':
      return `${label} (${url}) asks for an account (HTTP 401, ${d.scheme}); give --user and --password-file, or the user and password_file columns`;
    case 'auth':
      return `${label} (${url}) refused the user name or password (HTTP 401 on ${d.path}); check the account (it needs administrator rights) and its password file`;
    case 'timeout':
      return `${label} (${url}) stopped answering: ${e.message}`;
    case 'peer':
      return `${label} (${url}) switched certificates in the middle of the run (${e.message}); nothing more was sent to it, run deploy again`;
    case 'malformed':
      return `${label} (${url}) answered something that is not VAPIX: ${e.message}`;
    case 'fault':
      return `${label} (${url}) refused a web service call: ${e.message}`;
    case 'http':
      return `${label} (${url}) refused ${d.path ?? 'a call'} (HTTP ${d.status}${d.code !== undefined ? `, error ${d.code}` : ''}: ${e.message})`;
    default:
      return `${label} (${url}): ${e.message}`;
  }
}

export async function deployOne(t: DeployTarget, ctx: RunContext): Promise<DeployResult> {
  const t0 = Date.now();
  const { label } = t.device;
  const r: DeployResult = { label, url: t.url, ...(t.line !== undefined ? { line: t.line } : {}), action: 'failed', ms: 0 };
  const done = async () => {
    r.ms = Date.now() - t0;
    void ctx.journal.note(label, t.url, 'result', { action: r.action, ...(r.error ? { error: r.error } : {}), ...(r.verdict ? { verdict: r.verdict } : {}) });
    return r;
  };
  // Journal lines are written in order in the background; only the alias record is waited for.
  const note = (step: string, detail?: Record<string, unknown>) => ctx.journal.note(label, t.url, step, detail);

  // 1. First contact: what does it serve? Nothing is sent but a TLS ClientHello.
  let served: ParsedCert[];
  try {
    const s = await servedChain(t, ctx.timeoutMs);
    if (!s.hs.ok) {
      const w = explainConnection(s.hs.error!, t.host, t.port, s.hs.detail);
      r.error = `cannot reach ${label} at ${t.address}:${t.port}: ${w.cause}; ${w.fix}`;
      r.verdict = `net::${s.hs.error}`;
      return done();
    }
    served = s.certs;
  } catch {
    r.error = `${label} (${t.url}) presents a certificate that cannot be parsed; replace it on the camera by hand, then run deploy again`;
    return done();
  }
  if (!served.length) {
    r.error = `${label} (${t.url}) presented no certificate; configure HTTPS on the camera, then run deploy again`;
    return done();
  }
  r.before = summary(served[0]!);
  void note('contact', { ...r.before });

  // 2. May it receive a password?
  const decision = decideTrust({ label, served, host: t.host, port: t.port, names: t.device, ca: ctx.ca, ...(ctx.pins[label] ? { pin: ctx.pins[label] } : {}), ...(ctx.expect.has(label) ? { expect: ctx.expect.get(label)! } : {}), trustCurrent: ctx.trustCurrent, now: ctx.now() });
  if (!decision.ok) {
    r.action = 'refused';
    r.error = decision.reason;
    return done();
  }
  void note('trusted', { how: decision.how, sha256: r.before.sha256 });
  if (decision.pin && !ctx.dryRun) await savePins(ctx.ca.dir, { [label]: decision.pin });

  // 3. Plan: is what it serves current?
  const leaf = served[0]!;
  const company = chainsToCompany(leaf.der, ctx.ca);
  const missing = [...t.device.ip, ...t.device.dns].filter((n) => !matchHost(n, leaf.info.subjectAltName).ok);
  const daysLeft = Math.floor((Date.parse(leaf.info.notAfter) - ctx.now().getTime()) / DAY);
  let plan: 'deploy' | 'renew' | 'up-to-date' = !company ? 'deploy' : missing.length || daysLeft <= ctx.renewWithinDays ? 'renew' : 'up-to-date';
  let reason = !company
    ? `it serves a certificate not issued by the company CA (${leaf.info.selfIssued ? 'self-signed' : leaf.info.issuer})`
    : missing.length
      ? `its certificate does not cover ${missing.join(', ')}`
      : daysLeft < 0
        ? 'its certificate has expired'
        : daysLeft <= ctx.renewWithinDays
          ? `its certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (renewing within ${ctx.renewWithinDays})`
          : `its company certificate is valid for ${daysLeft} more days`;
  if (plan === 'up-to-date') {
    const v = await chromeVerdict(t, ctx.anchors, ctx.timeoutMs, false);
    if (v.error === 'net::OK') {
      r.action = 'up-to-date';
      r.verdict = v.error;
      r.after = r.before;
      r.reason = reason;
      void note('plan', { plan, reason });
      return done();
    }
    plan = 'renew';
    reason = `Chrome would refuse what it serves (${v.error}: ${v.cause})`;
  }
  r.reason = reason;
  void note('plan', { plan, reason });
  if (ctx.dryRun) {
    r.action = 'skipped';
    r.plan = plan;
    return done();
  }

  // The CA key starts opening now (once per run), while this camera is asked what it speaks.
  const unlocking = ctx.unlock();
  unlocking.catch(() => {});

  // 4. Credentials go only to a connection presenting a certificate checked above (or the new one).
  const allowed = new Set([leaf.info.sha256]);
  const client = new VapixClient(
    { host: t.host, address: t.address, port: t.port },
    {
      ...(t.user !== undefined ? { user: t.user, password: t.password ?? '' } : {}),
      timeoutMs: ctx.timeoutMs,
      check: (chain) => {
        const fp = chain[0] ? sha256Fingerprint(chain[0]) : 'none';
        return allowed.has(fp) ? undefined : `it now presents ${fp}`;
      },
    },
  );
  let proto: CameraProtocol | undefined;
  let inv: Inventory | undefined;
  let created: string | undefined;
  let bound = false;
  try {
    proto = await detectProtocol(client, label, [AxisRest.detect, AxisSoap.detect]);
    r.api = proto.api;
    void note('detect', { api: proto.api });
    inv = await proto.inspect(client);
    const previous: WebServerTls = inv.web;
    // Nothing is written to the camera before the CA can sign (a wrong passphrase changes no camera).
    const ca = await unlocking;
    const alias = newAlias(label, ctx.now(), new Set(inv.certificates.map((c) => c.alias)));
    // Recorded before the camera is asked, so an interrupted run still knows the alias is lantrust's.
    await note('create', { alias, key: ctx.key });
    created = alias;
    let signed: SignedCsr | undefined;
    const installed = await proto.install(
      client,
      {
        alias,
        device: t.device,
        key: ctx.key,
        chain: ctx.ca.chain.map((c) => c.der),
        sign: async (csr) => {
          signed = await signCsrForDevice(ca, csr, t.device, ctx.days !== undefined ? { days: ctx.days } : {});
          void note('signed', { alias, serial: signed.serial, sha256: signed.sha256, notAfter: signed.notAfter });
          return signed;
        },
        note,
      },
      inv,
    );
    allowed.add(installed.signed.sha256);
    const next: WebServerTls = { ...previous, tls: true, certificates: [alias], caCertificates: installed.caAliases };
    void note('bind', { alias, previous: previous.certificates });
    // Counted as bound even if the call fails: it may have been applied before the answer was lost.
    bound = true;
    await proto.bind(client, next);

    // 5. Verify from the outside: the new certificate, and Chrome's verdict with the company root.
    const { switched, verdict: v } = await verifySwitch(t, ctx.anchors, installed.signed.sha256, ctx.timeoutMs);
    const frameFailed = Boolean(t.streamPath && v.frame && 'error' in v.frame);
    if (!switched || v.error !== 'net::OK' || frameFailed) {
      r.verdict = v.error;
      if (v.cause) r.cause = v.cause;
      if (v.fix) r.fix = v.fix;
      const why = !switched ? `did not present the new certificate within ${ctx.timeoutMs} ms after the switch` : v.error !== 'net::OK' ? `would be refused by Chrome with the new certificate (${v.error}: ${v.cause})` : `gave no frame from ${t.streamPath} with the new certificate (${(v.frame as { error: string }).error})`;
      void note('verify', { ok: false, why, verdict: v.error });
      const back = await rollback(client, proto, previous, alias, t, r, ctx);
      r.error = `${label} ${why}; ${back}`;
      return done();
    }
    void note('verify', { ok: true, verdict: v.error, sha256: installed.signed.sha256 });
    r.action = plan === 'deploy' ? 'deployed' : 'renewed';
    r.verdict = v.error;
    const leafNow = v.results[0]!.chain.find((c) => c.index === 0)!;
    r.after = { sha256: leafNow.sha256, notAfter: leafNow.notAfter, issuer: leafNow.issuer };
    r.alias = alias;
    if (v.frame) r.frame = v.frame;

    // 6. Tidy up: older certificates lantrust created here (never anything else), not in use.
    const mine = ctx.created.get(label) ?? new Set<string>();
    const removed: string[] = [];
    for (const c of inv.certificates) {
      if (c.alias === alias || !mine.has(c.alias) || !c.alias.startsWith('lantrust-') || next.certificates.includes(c.alias)) continue;
      try {
        await proto.remove(client, c.alias);
        removed.push(c.alias);
        void note('removed', { alias: c.alias });
      } catch (e) {
        void note('remove-failed', { alias: c.alias, error: errorMessage(e) });
      }
    }
    if (removed.length) r.removed = removed;
    return done();
  } catch (e) {
    // Whatever went wrong (the camera, the CA refusing its request, a wrong CA passphrase), this camera
    // is put back as it was; the run goes on with the others.
    r.error = e instanceof UserError && !(e instanceof NotDeployable) ? `${label}: ${e.message.replace(/\.$/, '')}` : vapixWords(e, label, t.url);
    if (e instanceof NotDeployable) r.api = e.kind === 'too-old' ? 'axis-too-old' : 'not-vapix';
    void note('failed', { error: r.error });
    if (proto && inv && created) {
      if (bound) r.error = `${r.error}; ${await rollback(client, proto, inv.web, created, t, r, ctx)}`;
      else {
        try {
          await proto.remove(client, created);
          void note('removed', { alias: created });
        } catch (e2) {
          void note('remove-failed', { alias: created, error: errorMessage(e2) });
        }
        r.error = `${r.error}; the previous certificate stays in use`;
      }
    }
    return done();
  } finally {
    client.close();
  }
}

/** Binds the previous configuration again and deletes the alias lantrust created; says how that went. */
async function rollback(client: VapixClient, proto: CameraProtocol, previous: WebServerTls, alias: string, t: DeployTarget, r: DeployResult, ctx: RunContext): Promise<string> {
  const note = (step: string, detail?: Record<string, unknown>) => ctx.journal.note(t.device.label, t.url, step, detail);
  void note('rollback', { to: previous.certificates });
  try {
    await proto.bind(client, previous);
  } catch (e) {
    void note('rollback-failed', { error: errorMessage(e) });
    return `rolling back failed too (${vapixWords(e, t.device.label, t.url)}), so it may still present the new certificate; run deploy again when it answers`;
  }
  try {
    await proto.remove(client, alias);
    void note('removed', { alias });
  } catch (e) {
    void note('remove-failed', { alias, error: errorMessage(e) });
  }
  const back = r.before ? await waitForServed(t, r.before.sha256, ctx.timeoutMs) : undefined;
  r.rolledBack = Boolean(back);
  if (back) r.after = summary(back[0]!);
  return back ? 'rolled back: it presents its previous certificate again' : 'rolled back, but it does not yet present its previous certificate; check it with lantrust test';
}
