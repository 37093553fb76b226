// What every trust-store adapter shares: the environment it looks at, the certificate it handles,
// and the shape of its answers (programs are run through src/main/run.ts). One file per store sits next to this.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { CertInfo } from '../cert/describe.js';
import { toPem } from '../cert/read.js';

export type StoreId = 'nss' | 'firefox' | 'system' | 'chrome-policy' | 'windows-user' | 'windows-machine' | 'windows-policy' | 'macos-user' | 'macos-system';

export const STORE_IDS: readonly StoreId[] = ['nss', 'firefox', 'system', 'chrome-policy', 'windows-user', 'windows-machine', 'windows-policy', 'macos-user', 'macos-system'];

/** Where the adapters look. Tests and the demo point these at temp folders. */
export interface StoreEnv {
  /** The HOME whose browser databases are used (~/.pki/nssdb, ~/.mozilla/firefox, ...). */
  home: string;
  platform: NodeJS.Platform;
  /** Running as root / elevated administrator. */
  isRoot: boolean;
  /** Chrome/Chromium managed-policy folders (Linux: /etc/opt/chrome/..., /etc/chromium/...). */
  chromePolicyDirs: string[];
  /** Linux system anchors folder; undefined = detect Debian or Fedora layout. */
  systemAnchorDir?: string;
  /** Command run after changing the system anchors folder; undefined = the distribution's own. */
  systemUpdateCommand?: string[];
  /** Windows %APPDATA% (Firefox profiles live under it). */
  appData?: string;
  /** Paths of tools, when not on PATH: certutil, pwsh, powershell, security. */
  tools: Record<string, string | undefined>;
}

/** The root certificate being installed, checked or removed. Matched everywhere by SHA-256 of its DER. */
export interface RootCert {
  der: Buffer;
  pem: string;
  /** Lower-case hex SHA-256 of the DER, no separators. */
  sha256: string;
  info: CertInfo;
  /** NSS nickname: subject words plus a short fingerprint, so two roots never collide. */
  nickname: string;
}

export interface Detection {
  available: boolean;
  /** The main location (a db folder, a policy folder, a keychain). */
  path?: string;
  /** Every location this store has here (several NSS dbs, several Firefox profiles). */
  paths?: string[];
  /** Why the store is not available, in one sentence that says what to do. */
  why?: string;
  /** The store belongs to another operating system (human output lists these on one line). */
  otherPlatform?: boolean;
}

/** One answer per store location. */
export interface StoreResult {
  store: StoreId;
  /** Human name, e.g. "Chrome/Chromium (NSS)". */
  title: string;
  path?: string;
  available: boolean;
  /** The root is in this location (after the operation). */
  installed: boolean;
  /** The operation changed something here. */
  changed: boolean;
  /** What happened, one sentence. */
  message: string;
  /** The operation needs root/administrator here and we are not. */
  needsRoot?: boolean;
  /** The operation failed here (tool error, permission). */
  error?: boolean;
  /** Why the store is unavailable (same as message), for status --json. */
  why?: string;
  /** The store belongs to another operating system. */
  otherPlatform?: boolean;
}

/** Options only some stores use. */
export interface AddOptions {
  /** Chrome/Chromium/Edge policy constraints (CACertificatesWithConstraints: chrome-policy, windows-policy); other stores ignore them. */
  permitDns?: string[];
  permitCidr?: string[];
  /** Make the store's database when there is none yet (only when the user chose this store explicitly). */
  create?: boolean;
}

/** The verbs every store file exports. */
export interface StoreAdapter {
  id: StoreId;
  title: string;
  detect(env: StoreEnv): Promise<Detection>;
  has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]>;
  add(cert: RootCert, env: StoreEnv, opts?: AddOptions): Promise<StoreResult[]>;
  remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]>;
}

export function defaultEnv(over: Partial<StoreEnv> = {}): StoreEnv {
  const e = process.env;
  const list = (v: string | undefined) => (v ? v.split(delimiter).filter(Boolean) : undefined);
  return {
    home: over.home ?? e.HOME ?? homedir(),
    platform: over.platform ?? process.platform,
    isRoot: over.isRoot ?? (typeof process.getuid === 'function' ? process.getuid() === 0 : false),
    chromePolicyDirs: over.chromePolicyDirs ?? list(e.LANTRUST_CHROME_POLICY_DIRS) ?? ['/etc/opt/chrome/policies/managed', '/etc/chromium/policies/managed'],
    ...(over.systemAnchorDir ?? e.LANTRUST_SYSTEM_ANCHOR_DIR ? { systemAnchorDir: over.systemAnchorDir ?? e.LANTRUST_SYSTEM_ANCHOR_DIR } : {}),
    ...(over.systemUpdateCommand ? { systemUpdateCommand: over.systemUpdateCommand } : e.LANTRUST_SYSTEM_UPDATE ? { systemUpdateCommand: e.LANTRUST_SYSTEM_UPDATE.split(' ') } : {}),
    ...(over.appData ?? e.APPDATA ? { appData: over.appData ?? e.APPDATA } : {}),
    tools: { ...over.tools },
  };
}

/** A result for a location, filled with the common fields. */
export function result(a: Pick<StoreAdapter, 'id' | 'title'>, fields: Partial<StoreResult> & { message: string }): StoreResult {
  return { store: a.id, title: a.title, available: true, installed: false, changed: false, ...fields };
}

/** The same answer for a store that isn't usable here. */
export function unavailable(a: Pick<StoreAdapter, 'id' | 'title'>, d: Detection): StoreResult[] {
  const why = d.why ?? `${a.title} is not available on this machine.`;
  return [result(a, { available: false, ...(d.path ? { path: d.path } : {}), message: why, why, ...(d.otherPlatform ? { otherPlatform: true } : {}) })];
}

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Can we create or change files in `dir` (or the nearest folder above it that exists)? */
export async function writable(dir: string): Promise<boolean> {
  let d = dir;
  for (;;) {
    if (await exists(d)) {
      try {
        await access(d, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    }
    const up = dirname(d);
    if (up === d) return false;
    d = up;
  }
}

/** Path of a tool: an explicit path from env.tools, else the first match on PATH. */
export async function which(name: string, env: StoreEnv, extra: string[] = []): Promise<string | undefined> {
  const given = env.tools[name] ?? process.env[`LANTRUST_${name.toUpperCase()}`];
  if (given) return (await exists(given)) ? given : undefined;
  const exts = env.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extra]) {
    for (const ext of exts) {
      const p = join(dir, name + ext);
      if (await exists(p)) return p;
    }
  }
  return undefined;
}

/** Last meaningful line of a tool's error output, for one-sentence messages. */
export function lastLine(s: string): string {
  return s.trim().split(/\r?\n/).filter(Boolean).pop()?.trim() ?? '';
}

/** "~/.pki/nssdb" instead of "/home/ann/.pki/nssdb", for messages. */
export function tilde(p: string, env: StoreEnv): string {
  return env.home && p.startsWith(`${env.home}/`) ? `~${p.slice(env.home.length)}` : p;
}

/** Builds the RootCert the adapters handle from a parsed certificate. */
export function rootCert(der: Buffer, info: CertInfo): RootCert {
  const sha256 = info.sha256.replace(/:/g, '').toLowerCase();
  const o = info.organization;
  const name = info.commonName ?? o ?? 'root';
  // NSS reads "token:nickname", so no colons; keep it short and printable.
  const words = `${o && !name.includes(o) ? `${o} ` : ''}${name}`.replace(/[:\\"\x00-\x1f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60);
  return { der, pem: toPem(der), sha256, info, nickname: `${words} (lantrust ${sha256.slice(0, 8)})` };
}
