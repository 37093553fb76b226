// The app's view of the install engine (src/main/truststore): status, install and uninstall for a
// scope ("just me" / "everyone"), with per-store results. Kept apart so api.ts reads as the op table.
import type { ParsedCert } from './cert/describe.js';
import type { Profile, Scope } from './profile.js';
import { lintRoot } from './constraints/lint.js';
import { UserError } from './errors.js';
import { normalizeConstraints, packScript, replacedRoots } from './pack/generate.js';
import { defaultEnv, rootCert, type StoreEnv, type StoreId, type StoreResult } from './truststore/common.js';
import { installRoot, NAME_CONSTRAINT_FINDINGS, rootStatus, uninstallRoot } from './truststore/index.js';
import { windowsPolicy } from './truststore/windows-policy.js';
import { windowsMachine } from './truststore/windows.js';
import { isElevated, runPackScriptElevated } from './truststore/windows-elevate.js';

/**
 * Which stores a scope means here. "Just me" = the user's own stores (no admin): Windows
 * CurrentUser\Root, macOS login keychain, the user's NSS/Firefox dbs on Linux. "Everyone" = the
 * machine's stores (admin): LocalMachine\Root + the Chrome/Edge policy on Windows, the System keychain,
 * Linux system store + Chrome policy.
 */
export function scopeStores(scope: Scope, platform: NodeJS.Platform): StoreId[] {
  const user = scope === 'CurrentUser';
  switch (platform) {
    case 'win32':
      return user ? ['windows-user'] : ['windows-machine', 'windows-policy'];
    case 'darwin':
      return user ? ['macos-user', 'firefox'] : ['macos-system'];
    default:
      return user ? ['nss', 'firefox'] : ['system', 'chrome-policy'];
  }
}

/** Stores that can't exist on this OS are left out of the status table (they'd only be noise). */
function belongsHere(id: StoreId, platform: NodeJS.Platform): boolean {
  if (id.startsWith('windows-')) return platform === 'win32';
  if (id.startsWith('macos-')) return platform === 'darwin';
  if (id === 'system') return platform === 'linux';
  return true;
}

export interface TrustTarget {
  root: ParsedCert;
  /** Where the stores are (tests and the demo: temp folders); default: this machine's. */
  env?: Partial<StoreEnv>;
}

const envOf = (t: TrustTarget): Partial<StoreEnv> => t.env ?? {};

export async function trustStatus(t: TrustTarget): Promise<StoreResult[]> {
  const r = await rootStatus({ root: t.root.der, env: envOf(t) });
  return r.stores.filter((s) => belongsHere(s.store, t.env?.platform ?? process.platform));
}

export interface TrustChange {
  stores: StoreResult[];
  notes: string[];
  /** Replaces the usual summary (e.g. the user declined Windows' administrator prompt). */
  summary?: string;
}

/** "Everyone" on Windows asks for administrator approval (UAC) first when this process isn't elevated. */
export async function needsAdminPrompt(t: TrustTarget): Promise<boolean> {
  const env = defaultEnv(envOf(t));
  return env.platform === 'win32' && !(await isElevated(env));
}

export async function trustChange(kind: 'install' | 'uninstall', t: TrustTarget, scope: Scope, profile: Profile): Promise<TrustChange> {
  if (scope === 'LocalMachine' && (t.env?.platform ?? process.platform) === 'win32') return machineChangeWindows(kind, t, profile);
  const stores = scopeStores(scope, t.env?.platform ?? process.platform);
  if (kind === 'uninstall') return uninstallRoot({ root: t.root.der, env: envOf(t), stores });
  return installRoot({
    root: t.root.der,
    env: envOf(t),
    stores,
    sha256: profile.sha256,
    ...(profile.constraints?.permitDns.length ? { permitDns: profile.constraints.permitDns } : {}),
    ...(profile.constraints?.permitCidr.length ? { permitCidr: profile.constraints.permitCidr } : {}),
    ...(profile.allowUnconstrained ? { allowUnconstrained: true } : {}),
    ...(profile.replaces?.length ? { replaces: replacedDers(profile) } : {}),
  });
}

const replacedDers = (p: Profile): Buffer[] => (p.replaces ?? []).map((b64) => Buffer.from(b64, 'base64'));

/**
 * Windows, everyone: the IT pack's own Install-/Uninstall-LanTrustRoot.ps1 -Scope LocalMachine (with
 * -Browsers: Chrome/Edge constraints policy and Firefox ImportEnterpriseRoots), elevated through UAC
 * when needed; then LocalMachine\Root and the Chrome/Edge policy are read again so the rows show what is true now.
 */
async function machineChangeWindows(kind: 'install' | 'uninstall', t: TrustTarget, profile: Profile): Promise<TrustChange> {
  const env = defaultEnv(envOf(t));
  const root = t.root;
  if (kind === 'install' && !profile.allowUnconstrained) {
    const nc = lintRoot(root.info).filter((f) => f.severity === 'error' && NAME_CONSTRAINT_FINDINGS.has(f.id));
    // Same rule as the install engine: LocalMachine\Root would trust an unconstrained root for every name.
    if (nc.length) throw new UserError(`this certificate is not limited to your company's names (${nc[0]!.message.replace(/\.$/, '')}), so it was not installed for everyone; ask IT for a constrained root or an installer that allows it.`);
  }
  const c = profile.constraints ? normalizeConstraints(profile.constraints.permitDns, profile.constraints.permitCidr) : { permitDns: [], permitCidr: [] };
  const script = packScript(kind === 'install' ? 'Install-LanTrustRoot.ps1' : 'Uninstall-LanTrustRoot.ps1', {
    rootDer: root.der,
    sha256: root.info.sha256,
    company: profile.company,
    constraints: c,
    scope: 'LocalMachine',
    // Rotation: the pack's Install removes the old roots from LocalMachine\Root (.Default) and the browser policy.
    replaces: kind === 'install' ? replacedRoots(root.der, replacedDers(profile)) : [],
  });
  const out = await runPackScriptElevated({ kind, script, env, elevate: !(await isElevated(env)) });
  const cert = rootCert(root.der, root.info);
  const [now] = await windowsMachine.has(cert, env);
  const row: StoreResult = {
    ...(now ?? { store: 'windows-machine', title: windowsMachine.title, available: true, installed: false }),
    changed: out.changed,
    message: out.message,
    ...(out.ok ? {} : out.declined ? { needsRoot: true } : { error: true }),
  };
  // The pack script wrote (or removed) the Chrome/Edge policy too when it could: show that row fresh.
  // A failed re-read is shown on its row but doesn't turn a done install into a failure.
  const policy = (await windowsPolicy.has(cert, env)).map(({ error: _read, ...r }) => r);
  return { stores: [row, ...policy], notes: [], ...(out.declined ? { summary: out.message } : {}) };
}
