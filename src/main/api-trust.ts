// The app's view of the install engine (src/main/truststore): status, install and uninstall for a
// scope ("just me" / "everyone"), with per-store results. Kept apart so api.ts reads as the op table.
import type { ParsedCert } from './cert/describe.js';
import type { Profile, Scope } from './profile.js';
import type { StoreEnv, StoreId, StoreResult } from './truststore/common.js';
import { installRoot, rootStatus, uninstallRoot } from './truststore/index.js';

/**
 * Which stores a scope means here. "Just me" = the user's own stores (no admin): Windows
 * CurrentUser\Root, macOS login keychain, the user's NSS/Firefox dbs on Linux. "Everyone" = the
 * machine's stores (admin): LocalMachine\Root, the System keychain, Linux system store + Chrome policy.
 */
export function scopeStores(scope: Scope, platform: NodeJS.Platform): StoreId[] {
  const user = scope === 'CurrentUser';
  switch (platform) {
    case 'win32':
      return [user ? 'windows-user' : 'windows-machine'];
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

export async function trustChange(kind: 'install' | 'uninstall', t: TrustTarget, scope: Scope, profile: Profile): Promise<{ stores: StoreResult[]; notes: string[] }> {
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
  });
}
