// The electron-builder configuration for one company: build/electron-builder.json (what every installer
// shares) plus the values that come from the profile and this build.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Configuration, CustomWindowsSign } from 'electron-builder';
import { UserError } from '../errors.js';
import type { AppIdentity } from './stage.js';
import { PROJECT_ROOT } from './stage.js';

export type WinTarget = 'nsis' | 'portable' | 'dir';

export interface BuilderConfigOptions {
  identity: AppIdentity;
  stageDir: string;
  outDir: string;
  electronVersion: string;
  /** Electron's Windows zip (or unpacked folder); undefined lets electron-builder download it. */
  electronDist?: string;
  /** Install for all users under Program Files (asks for admin) instead of per user (no admin). */
  perMachine?: boolean;
  /** Sign every .exe electron-builder produces (app, uninstaller, installer, portable). */
  sign?: CustomWindowsSign;
  targets?: WinTarget[];
  projectRoot?: string;
}

export const BASE_CONFIG_FILE = 'build/electron-builder.json';

/**
 * Electron fuses, flipped in LanTrust.exe by electron-builder just before it is signed, so the signature
 * covers them (https://www.electronjs.org/docs/latest/tutorial/fuses). Set here, not in the base JSON,
 * so no edit of that file can ship an installer without them.
 */
export const FUSES: NonNullable<Configuration['electronFuses']> = {
  // ELECTRON_RUN_AS_NODE=1 would turn the signed program into a general Node.js interpreter.
  runAsNode: false,
  // NODE_OPTIONS (e.g. --require) and NODE_EXTRA_CA_CERTS (a planted CA for our own TLS checks) are ignored.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect/--inspect-brk (and SIGUSR1) can't open a debugger into the main process.
  enableNodeCliInspectArguments: false,
  // Electron checks app.asar's header against the SHA-256 electron-builder writes into the signed exe,
  // and every file read from it against the header: the code, the profile and the root can't be swapped.
  enableEmbeddedAsarIntegrityValidation: true,
  // Only resources/app.asar is loaded: a planted resources/app folder can't replace it.
  onlyLoadAppFromAsar: true,
  // We serve the UI from app://, never file://: file pages get no extra powers.
  grantFileProtocolExtraPrivileges: false,
  // Chromium encrypts its cookie store with the OS key (DPAPI); the app keeps no cookies, so this costs nothing.
  enableCookieEncryption: true,
};

/** The shared base, without its "$comment" (electron-builder's schema allows no extra keys). */
export function loadBaseConfig(projectRoot: string = PROJECT_ROOT): Configuration {
  const raw = JSON.parse(readFileSync(join(projectRoot, BASE_CONFIG_FILE), 'utf8')) as Record<string, unknown>;
  delete raw.$comment;
  return raw as Configuration;
}

/** Electron's version from node_modules/electron (the npm package installs without its binary). */
export function electronVersion(projectRoot: string = PROJECT_ROOT): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    throw new UserError(`electron is not installed in ${projectRoot}; run \`npm ci\` there (it installs without downloading Electron itself).`);
  }
}

export function builderConfig(o: BuilderConfigOptions): Configuration {
  const base = loadBaseConfig(o.projectRoot);
  const { appId, productName, slug, version } = o.identity;
  const targets = o.targets ?? ['nsis', 'portable'];
  return {
    ...base,
    appId,
    productName,
    electronVersion: o.electronVersion,
    electronFuses: FUSES,
    ...(o.electronDist ? { electronDist: o.electronDist } : {}),
    // electron-builder runs with projectDir = the staged app, so the app folder is the project itself.
    directories: { ...base.directories, output: o.outDir },
    win: {
      ...base.win,
      executableName: 'LanTrust',
      target: targets.map((target) => ({ target, arch: ['x64' as const] })),
      signtoolOptions: { ...base.win?.signtoolOptions, ...(o.sign ? { sign: o.sign } : {}) },
      ...(o.sign ? {} : { signExecutable: false }),
    },
    nsis: {
      ...base.nsis,
      perMachine: o.perMachine === true,
      artifactName: `${slug}-lantrust-setup-${version}.\${ext}`,
    },
    portable: {
      ...base.portable,
      artifactName: `${slug}-lantrust-portable-${version}.\${ext}`,
    },
  };
}

interface AppBuilderConfigModule {
  validateConfiguration(config: Configuration, debug: { isEnabled: boolean; add(k: string, v: unknown): void }): Promise<void>;
}

/** electron-builder's own schema check (app-builder-lib validateConfiguration); a problem is a UserError. */
export async function validateBuilderConfig(config: Configuration, projectRoot: string = PROJECT_ROOT): Promise<void> {
  const require = createRequire(join(projectRoot, 'package.json'));
  let mod: AppBuilderConfigModule;
  try {
    mod = require('app-builder-lib/out/util/config/config.js') as AppBuilderConfigModule;
  } catch {
    throw new UserError('electron-builder is not installed; run `npm ci` in the lantrust folder (it is a development dependency).');
  }
  try {
    await mod.validateConfiguration(config, { isEnabled: false, add: () => undefined });
  } catch (e) {
    // The schema validator lists each problem on a " - configuration..." line; the first is the sentence.
    const text = (e as Error).message ?? String(e);
    const first = /^\s*- (configuration.*)$/m.exec(text)?.[1] ?? text.split('\n')[0]!;
    throw new UserError(`the electron-builder configuration is invalid: ${first.trim().replace(/\.$/, '')}; check ${BASE_CONFIG_FILE}.`);
  }
}
