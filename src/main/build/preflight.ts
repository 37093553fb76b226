// Before the long electron-builder run: are the pieces it would download from GitHub already here?
// electron-builder needs Electron's Windows zip, the NSIS bundles and (off Windows) wine. A machine
// without github.com access fails minutes into the build with a network error; we say up front exactly
// which file to fetch and where to put it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { delimiter, join } from 'node:path';

export interface Requirement {
  what: string;
  ok: boolean;
  /** Where it was found (file or folder) when ok. */
  found?: string;
  /** What to fetch, from where, and where to put it, when not ok. */
  fix: string;
}

const NSIS = { release: 'nsis-3.0.4.1', file: 'nsis-3.0.4.1.7z' };
const NSIS_RESOURCES = { release: 'nsis-resources-3.4.1', file: 'nsis-resources-3.4.1.7z' };
const BINARIES = 'https://github.com/electron-userland/electron-builder-binaries/releases/download';

export function electronZipName(version: string, arch = 'x64'): string {
  return `electron-v${version}-win32-${arch}.zip`;
}

/** @electron/get's cache (ELECTRON_CACHE / electron_config_cache, else ~/.cache/electron and its OS equivalents). */
export function electronCacheDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homedir();
  const os = platform();
  const defaults =
    os === 'win32'
      ? [join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'electron', 'Cache')]
      : os === 'darwin'
        ? [join(home, 'Library', 'Caches', 'electron')]
        : [join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'electron')];
  return unique([env.LANTRUST_ELECTRON_DIST, env.ELECTRON_CACHE, env.electron_config_cache, env.npm_config_electron_config_cache, ...defaults]);
}

/** electron-builder's own cache (ELECTRON_BUILDER_CACHE, else ~/.cache/electron-builder and OS equivalents). */
export function builderCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ELECTRON_BUILDER_CACHE?.trim()) return env.ELECTRON_BUILDER_CACHE.trim();
  const home = homedir();
  const os = platform();
  if (os === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'electron-builder', 'Cache');
  if (os === 'darwin') return join(home, 'Library', 'Caches', 'electron-builder');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'electron-builder');
}

/** The Electron zip for `version`, looked up in the caches (and one level of @electron/get's hashed folders). */
export function findElectronZip(version: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = electronZipName(version);
  for (const dir of electronCacheDirs(env)) {
    if (dir.endsWith('.zip') && isFile(dir)) return dir;
    const direct = join(dir, name);
    if (isFile(direct)) return direct;
    for (const sub of list(dir)) {
      const nested = join(dir, sub, name);
      if (isFile(nested)) return nested;
    }
  }
  return undefined;
}

/** A downloaded-and-unpacked or seeded toolset in electron-builder's cache: <cache>/<release>/<file> or an extracted folder. */
function findToolset(cache: string, release: string, file: string, inside: string[]): string | undefined {
  const dir = join(cache, release);
  if (isFile(join(dir, file))) return join(dir, file);
  for (const sub of list(dir)) {
    const p = join(dir, sub);
    if (inside.some((i) => existsSync(join(p, i)))) return p;
  }
  return undefined;
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const d of (env.PATH ?? '').split(delimiter)) if (d && isFile(join(d, cmd))) return join(d, cmd);
  return undefined;
}

/**
 * Everything electron-builder would otherwise download for a Windows NSIS + portable build.
 * `download: true` means the network may be used (CI): missing pieces are then fine.
 */
export function checkBuildInputs(electronVersion: string, env: NodeJS.ProcessEnv = process.env): Requirement[] {
  const reqs: Requirement[] = [];
  const zip = findElectronZip(electronVersion, env);
  const zipName = electronZipName(electronVersion);
  const electronDirs = electronCacheDirs(env);
  reqs.push({
    what: `Electron ${electronVersion} for Windows (${zipName})`,
    ok: Boolean(zip),
    found: zip,
    fix: `download https://github.com/electron/electron/releases/download/v${electronVersion}/${zipName} into ${electronDirs.find((d) => d === env.LANTRUST_ELECTRON_DIST) ?? electronDirs[electronDirs.length - 1]} (or any folder named by LANTRUST_ELECTRON_DIST / ELECTRON_CACHE / electron_config_cache)`,
  });

  const cache = builderCacheDir(env);
  const nsisDir = env.ELECTRON_BUILDER_NSIS_DIR?.trim();
  const makensis = ['Bin/makensis.exe', 'linux/makensis', 'mac/makensis', 'makensis', 'makensis.cmd'];
  const nsis = nsisDir ? (makensis.some((m) => existsSync(join(nsisDir, m))) ? nsisDir : undefined) : findToolset(cache, NSIS.release, NSIS.file, makensis);
  reqs.push({
    what: `NSIS (${NSIS.file})`,
    ok: Boolean(nsis),
    found: nsis,
    fix: nsisDir
      ? `ELECTRON_BUILDER_NSIS_DIR=${nsisDir} has no makensis; unpack ${BINARIES}/${NSIS.release}/${NSIS.file} there`
      : `download ${BINARIES}/${NSIS.release}/${NSIS.file} into ${join(cache, NSIS.release)}/ (or unpack it and set ELECTRON_BUILDER_NSIS_DIR to that folder)`,
  });
  const resDir = env.ELECTRON_BUILDER_NSIS_RESOURCES_DIR?.trim();
  const plugins = ['plugins', 'windows/Plugins'];
  const res = resDir ? (plugins.some((p) => existsSync(join(resDir, p))) ? resDir : undefined) : findToolset(cache, NSIS_RESOURCES.release, NSIS_RESOURCES.file, plugins);
  reqs.push({
    what: `NSIS plugins (${NSIS_RESOURCES.file})`,
    ok: Boolean(res),
    found: res,
    fix: `download ${BINARIES}/${NSIS_RESOURCES.release}/${NSIS_RESOURCES.file} into ${join(cache, NSIS_RESOURCES.release)}/ (or unpack it and set ELECTRON_BUILDER_NSIS_RESOURCES_DIR)`,
  });

  // Off Windows, electron-builder runs the NSIS-built uninstaller generator under wine.
  if (platform() !== 'win32') {
    const wineDir = env.ELECTRON_BUILDER_WINE_TOOLSET_DIR?.trim();
    const wine = wineDir && existsSync(wineDir) ? wineDir : onPath('wine', env);
    reqs.push({
      what: 'wine (electron-builder runs the NSIS uninstaller step with it off Windows)',
      ok: Boolean(wine),
      found: wine,
      fix: platform() === 'darwin' ? 'install wine (brew install --cask wine-stable) or build on Windows' : 'install wine (sudo apt install wine) or build on Windows (see .github/workflows/windows.yml)',
    });
  }
  return reqs;
}

/** One message naming every missing piece, or undefined when all are there. */
export function missingMessage(reqs: Requirement[]): string | undefined {
  const missing = reqs.filter((r) => !r.ok);
  if (!missing.length) return undefined;
  return `cannot build the Windows installer here: ${missing.map((m) => `${m.what} is missing — ${m.fix}`).join('; ')}. Or pass --download on a machine that can reach github.com, or --stage-only to produce just the staged app folder.`;
}

function unique(xs: (string | undefined)[]): string[] {
  return [...new Set(xs.filter((x): x is string => Boolean(x && x.trim())).map((x) => x.trim()))];
}
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
