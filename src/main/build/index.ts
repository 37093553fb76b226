// lantrust build-installer: validate the company profile, stage the app, run electron-builder for
// Windows (NSIS per-user or per-machine, plus portable), and sign everything it produces.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { CustomWindowsSign } from 'electron-builder';
import { UserError } from '../errors.js';
import { openPfx } from '../sign/pfx.js';
import { signFiles } from '../sign/index.js';
import { builderConfig, electronVersion, validateBuilderConfig, type WinTarget } from './config.js';
import { checkBuildInputs, missingMessage, type Requirement } from './preflight.js';
import { APP_MAIN, PROJECT_ROOT, stageApp, type StagedApp } from './stage.js';

export { bundledProfilePath, BUNDLED_DIR, BUNDLED_FILES, BUNDLED_PROFILE, BUNDLED_ROOT } from './layout.js';
export { stageApp, type StagedApp } from './stage.js';
export type { WinTarget } from './config.js';

export interface BuildInstallerOptions {
  config: string;
  outDir: string;
  pfx?: string;
  password?: string;
  timestamp?: string;
  /** Only produce outDir/stage (works offline, without Electron's binary). */
  stageOnly?: boolean;
  /** Let electron-builder download what is missing (needs github.com). */
  download?: boolean;
  perMachine?: boolean;
  targets?: WinTarget[];
  /** Electron's Windows zip or unpacked folder, instead of looking in the caches. */
  electronDist?: string;
  projectRoot?: string;
}

export interface Artifact {
  file: string;
  bytes: number;
  signed: boolean;
}

export interface BuildInstallerResult {
  staged: StagedApp;
  requirements: Requirement[];
  artifacts: Artifact[];
}

export async function buildInstaller(o: BuildInstallerOptions): Promise<BuildInstallerResult> {
  const projectRoot = o.projectRoot ?? PROJECT_ROOT;
  // Check the signing certificate first: a wrong password should not cost a staging run.
  if (o.pfx) {
    if (!existsSync(o.pfx)) throw new UserError(`the signing certificate ${o.pfx} does not exist; check the --pfx path.`);
    await openPfx(o.pfx, o.password ?? '');
  }
  const staged = await stageApp({ config: o.config, outDir: o.outDir, projectRoot });
  if (o.stageOnly) return { staged, requirements: [], artifacts: [] };

  const version = electronVersion(projectRoot);
  const targets = o.targets ?? ['nsis', 'portable'];
  const requirements = o.electronDist ? [] : checkBuildInputs(version);
  const needed = requirements.filter((r) => targets.some((t) => t !== 'dir') || r.what.startsWith('Electron'));
  const message = missingMessage(needed);
  if (message && !o.download) throw new UserError(message, 1);
  const electronDist = o.electronDist ?? requirements.find((r) => r.what.startsWith('Electron') && r.ok)?.found;

  if (!staged.hasMain) {
    throw new UserError(`the Electron entry ${APP_MAIN} is not built, so the installer would not start; run \`npm run build\` (the staged folder ${staged.stageDir} is ready otherwise).`);
  }

  const signed = new Set<string>();
  const sign: CustomWindowsSign | undefined = o.pfx
    ? async (task) => {
        await signFiles([task.path], { pfx: o.pfx!, password: o.password ?? '', timestamp: o.timestamp, description: staged.productName });
        signed.add(task.path);
      }
    : undefined;
  const config = builderConfig({ identity: staged, stageDir: staged.stageDir, outDir: o.outDir, electronVersion: version, electronDist, perMachine: o.perMachine, sign, targets, projectRoot });
  await validateBuilderConfig(config, projectRoot);

  const require = createRequire(join(projectRoot, 'package.json'));
  let eb: typeof import('electron-builder');
  try {
    eb = require('electron-builder') as typeof import('electron-builder');
  } catch {
    throw new UserError(`electron-builder is not installed next to lantrust; run \`npm ci\` in ${projectRoot} (it is a development dependency), or use --stage-only.`);
  }
  let files: string[];
  try {
    files = await eb.build({ projectDir: staged.stageDir, targets: eb.Platform.WINDOWS.createTarget(targets, eb.Arch.x64), config, publish: 'never' });
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split('\n')[0]!.trim();
    if (/ENOTFOUND|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN|getaddrinfo|github\.com/i.test(msg)) {
      throw new UserError(`electron-builder could not download what it needs (${msg}); run without --download for the list of files to fetch by hand.`, 1);
    }
    throw new UserError(`electron-builder failed: ${msg}`, 1);
  }
  const artifacts: Artifact[] = [];
  // The "dir" target produces no artifact, only the unpacked app: report its program.
  if (targets.includes('dir')) files = [...files, join(o.outDir, 'win-unpacked', 'LanTrust.exe')];
  for (const file of files.filter((f) => /\.(exe|msi)$/i.test(f))) {
    artifacts.push({ file, bytes: (await stat(file)).size, signed: signed.has(file) || signed.has(resolve(file)) });
  }
  return { staged, requirements, artifacts };
}
