// Install, check and remove the company root across this machine's trust stores.
// The CLI (install/status/uninstall), the Electron app and the web UI all call these three functions.
import { readCertificatesFromBuffer, readOneCertificate } from '../cert/read.js';
import { normalizePin, type ParsedCert } from '../cert/describe.js';
import { lintRoot, type Finding } from '../constraints/lint.js';
import { UserError } from '../errors.js';
import { chromePolicy as chromePolicyStore } from './chrome-policy.js';
import { defaultEnv, rootCert, STORE_IDS, type RootCert, type StoreAdapter, type StoreEnv, type StoreId, type StoreResult } from './common.js';
import { firefox } from './firefox.js';
import { linuxSystem } from './linux-system.js';
import { macosSystem, macosUser } from './macos.js';
import { nss } from './nss.js';
import { windowsPolicy } from './windows-policy.js';
import { windowsMachine, windowsUser } from './windows.js';

export type { AddOptions, Detection, RootCert, StoreAdapter, StoreEnv, StoreId, StoreResult } from './common.js';
export { STORE_IDS, defaultEnv } from './common.js';

/** Every adapter, in the order results are shown. */
export const ADAPTERS: Record<StoreId, StoreAdapter> = {
  'windows-machine': windowsMachine,
  'windows-user': windowsUser,
  'windows-policy': windowsPolicy,
  'macos-system': macosSystem,
  'macos-user': macosUser,
  system: linuxSystem,
  nss,
  firefox,
  'chrome-policy': chromePolicyStore,
};

/** Lint findings whose risk policy constraints (--permit-*) or --allow-unconstrained can accept. */
/** Stores that carry the --permit constraints themselves (Chrome/Edge CACertificatesWithConstraints). */
export const POLICY_STORES: ReadonlySet<StoreId> = new Set<StoreId>(['chrome-policy', 'windows-policy']);

export const NAME_CONSTRAINT_FINDINGS = new Set(['no-name-constraints', 'empty-name-constraints', 'ip-names-open', 'dns-names-open', 'only-exclusions']);

export interface RootOptions {
  /** The root: a file path, or its PEM/DER bytes. */
  root: string | Buffer;
  /** Only these stores; 'auto' or empty = every store available here. */
  stores?: StoreId[] | 'auto';
  /** Overrides for HOME, platform, policy folders, tool paths (tests and the demo use temp folders). */
  env?: Partial<StoreEnv>;
}

export interface InstallOptions extends RootOptions {
  /** Expected SHA-256 of the root (hex, colons and case ignored); refused when different. */
  sha256?: string;
  /** Chrome/Chromium/Edge policy constraints (apply only to the chrome-policy and windows-policy stores). */
  permitDns?: string[];
  permitCidr?: string[];
  /** Accept a root without (sufficient) name constraints. */
  allowUnconstrained?: boolean;
  /** Old roots (DER) this one replaces: removed (by SHA-256) from the same stores after the install. */
  replaces?: Buffer[];
}

export interface RootSummary {
  subject: string;
  sha256: string;
  nickname: string;
}

export interface StoreReport {
  root: RootSummary;
  /** One entry per store location, in ADAPTERS order. */
  stores: StoreResult[];
  /** Notes about the whole operation (skipped stores, policy constraints). */
  notes: string[];
}

export interface InstallReport extends StoreReport {
  findings: Finding[];
}

/** Install refused before anything changed: pin mismatch or check-root errors. Exit code 1. */
export class InstallRefused extends UserError {
  constructor(
    message: string,
    readonly findings: Finding[] = [],
  ) {
    super(message, 1);
    this.name = 'InstallRefused';
  }
}

export async function loadRoot(root: string | Buffer): Promise<RootCert> {
  let parsed: ParsedCert;
  if (typeof root === 'string') parsed = await readOneCertificate(root);
  else {
    const { certs } = readCertificatesFromBuffer(root, 'the root');
    const roots = certs.length > 1 ? certs.filter((c) => c.info.selfIssued) : certs;
    if (roots.length !== 1) throw new UserError(`the root data holds ${certs.length} certificates; give just the root certificate.`);
    parsed = roots[0]!;
  }
  return rootCert(parsed.der, parsed.info);
}

function summary(c: RootCert): RootSummary {
  return { subject: c.info.subject, sha256: c.info.sha256, nickname: c.nickname };
}

function validStores(list: StoreId[]): StoreId[] {
  for (const s of list) {
    if (!STORE_IDS.includes(s)) throw new UserError(`"${s}" is not a store; use one of: auto, ${STORE_IDS.join(', ')}.`);
  }
  return [...new Set(list)];
}

/** The stores to act on: the explicit ones, or every store detected here. */
async function chooseStores(stores: StoreId[] | 'auto' | undefined, env: StoreEnv): Promise<{ ids: StoreId[]; explicit: boolean }> {
  if (stores && stores !== 'auto' && stores.length) return { ids: validStores(stores), explicit: true };
  const ids: StoreId[] = [];
  for (const id of Object.keys(ADAPTERS) as StoreId[]) {
    const a = ADAPTERS[id];
    if ((await a.detect(env)).available) ids.push(id);
  }
  return { ids, explicit: false };
}

/** Puts the root into the chosen (or every detected) store. Idempotent. Throws InstallRefused before changing anything. */
export async function installRoot(opts: InstallOptions): Promise<InstallReport> {
  const env = defaultEnv(opts.env);
  const cert = await loadRoot(opts.root);
  if (opts.sha256 !== undefined) {
    const want = normalizePin(opts.sha256);
    if (!/^[0-9a-f]{64}$/.test(want)) throw new UserError('--sha256 must be the root\'s SHA-256 fingerprint: 64 hex digits (colons allowed).');
    if (want !== cert.sha256) {
      throw new InstallRefused(`the root's SHA-256 is ${cert.info.sha256}, not the pinned ${opts.sha256}; nothing was installed — get the root again from IT.`);
    }
  }
  const findings = lintRoot(cert.info);
  const errors = findings.filter((f) => f.severity === 'error');
  const hard = errors.filter((f) => !NAME_CONSTRAINT_FINDINGS.has(f.id));
  if (hard.length) {
    throw new InstallRefused(`the root fails check-root (${hard.map((f) => f.id).join(', ')}): ${hard[0]!.message} Nothing was installed.`, findings);
  }
  const notes: string[] = [];
  const policy = Boolean(opts.permitDns?.length || opts.permitCidr?.length);
  let { ids, explicit } = await chooseStores(opts.stores, env);
  // The store that carries --permit constraints here (chrome-policy on Linux, windows-policy on Windows), for messages.
  const ps = env.platform === 'win32' ? 'windows-policy' : 'chrome-policy';
  const ncErrors = errors.filter((f) => NAME_CONSTRAINT_FINDINGS.has(f.id));
  if (ncErrors.length && !opts.allowUnconstrained) {
    if (!policy) {
      throw new InstallRefused(
        `the root is not name-constrained (${ncErrors.map((f) => f.id).join(', ')}): ${ncErrors[0]!.message} Nothing was installed; use a constrained root, give --permit-dns/--permit-cidr for the Chrome policy store, or --allow-unconstrained if you accept that risk.`,
        findings,
      );
    }
    const others = ids.filter((s) => !POLICY_STORES.has(s));
    if (explicit && others.length) {
      throw new InstallRefused(
        `the root is not name-constrained, and --permit-dns/--permit-cidr constrain it only in the ${ps} store, not in ${others.join(', ')}; nothing was installed — install with --store ${ps} only, or add --allow-unconstrained.`,
        findings,
      );
    }
    if (others.length) notes.push(`Skipped ${others.join(', ')}: the root is not name-constrained, and the --permit constraints apply only to the ${ps} store (add --allow-unconstrained to install there anyway).`);
    ids = ids.filter((s) => POLICY_STORES.has(s));
    if (!explicit && !ids.length) {
      throw new InstallRefused('the root is not name-constrained and the Chrome policy store (the only one --permit constraints apply to) is not available here; nothing was installed.', findings);
    }
  }
  if (policy) notes.push(`--permit-dns/--permit-cidr apply only to the ${ps} store (Chrome/Chromium/Edge CACertificatesWithConstraints); other stores trust the root with its own constraints.`);
  const stores: StoreResult[] = [];
  for (const id of ids) {
    stores.push(...(await ADAPTERS[id].add(cert, env, { ...(opts.permitDns ? { permitDns: opts.permitDns } : {}), ...(opts.permitCidr ? { permitCidr: opts.permitCidr } : {}), create: explicit })));
  }
  if (!ids.length) notes.push('No trust store was found on this machine; choose one with --store.');
  // Rotation: the old roots leave exactly the stores the new one went to; nothing else is touched.
  for (const der of opts.replaces ?? []) {
    const old = await loadRoot(der);
    if (old.sha256 === cert.sha256) continue;
    const gone: string[] = [];
    const failed: string[] = [];
    for (const id of ids) {
      for (const r of await ADAPTERS[id].remove(old, env)) {
        if (r.changed) gone.push(r.title);
        if (r.error || r.needsRoot) failed.push(`${r.title}: ${r.message.replace(/\.$/, '')}`);
      }
    }
    const name = old.info.commonName ?? old.info.subject;
    if (gone.length) notes.push(`Removed the replaced root "${name}" from ${[...new Set(gone)].join(', ')}.`);
    if (failed.length) notes.push(`Could not remove the replaced root "${name}" everywhere (${failed.join('; ')}).`);
  }
  return { root: summary(cert), stores, notes, findings };
}

/** Reads every store (or the chosen ones) fresh: is the root there? Unavailable stores say why. */
export async function rootStatus(opts: RootOptions): Promise<StoreReport> {
  const env = defaultEnv(opts.env);
  const cert = await loadRoot(opts.root);
  const ids = opts.stores && opts.stores !== 'auto' && opts.stores.length ? validStores(opts.stores) : (Object.keys(ADAPTERS) as StoreId[]);
  const stores: StoreResult[] = [];
  for (const id of ids) stores.push(...(await ADAPTERS[id].has(cert, env)));
  return { root: summary(cert), stores, notes: [] };
}

/** Removes exactly this root (matched by SHA-256) from the chosen (or every available) store, nothing else. */
export async function uninstallRoot(opts: RootOptions): Promise<StoreReport> {
  const env = defaultEnv(opts.env);
  const cert = await loadRoot(opts.root);
  const { ids } = await chooseStores(opts.stores, env);
  const stores: StoreResult[] = [];
  for (const id of ids) stores.push(...(await ADAPTERS[id].remove(cert, env)));
  return { root: summary(cert), stores, notes: ids.length ? [] : ['No trust store was found on this machine; choose one with --store.'] };
}
