// Stages the employee app for electron-builder: compiled code, renderer assets, runtime node_modules,
// a package.json named after the company, and the company profile + root (packed into app.asar with the rest).
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toPem } from '../cert/read.js';
import type { ParsedCert } from '../cert/describe.js';
import { lintRoot, type Finding } from '../constraints/lint.js';
import { UserError } from '../errors.js';
import { loadProfileAndRoot, type Profile } from '../profile.js';
import { iconIco } from './icon.js';
import { BUNDLED_DIR, BUNDLED_PROFILE, BUNDLED_ROOT } from './layout.js';

/** The lantrust checkout or install (the folder with package.json and dist/). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Electron main entry inside the app (written by the UI code as src/main/electron.ts). */
export const APP_MAIN = 'dist/main/electron.js';

// A root without constraints is only acceptable when the admin said so and Chrome/Edge get policy constraints.
const WAIVABLE_WITH_POLICY = new Set(['no-name-constraints', 'ip-names-open', 'dns-names-open', 'only-exclusions', 'empty-name-constraints']);

export interface AppIdentity {
  /** Reverse-DNS id Windows uses for the app (shortcuts, uninstall entry): com.lantrust.<company>. */
  appId: string;
  /** Shown in the Start menu, installer and Apps & features: "<Company> LanTrust". */
  productName: string;
  /** Lower-case ASCII company slug for file names. */
  slug: string;
  version: string;
}

export interface StagedApp extends AppIdentity {
  stageDir: string;
  profile: Profile;
  root: ParsedCert;
  /** check-root findings; errors were either waived by the profile or staging was refused. */
  findings: Finding[];
  waived: Finding[];
  /** Total bytes staged. */
  bytes: number;
  /** False when dist/main/electron.js is not built yet (staging still works; building does not). */
  hasMain: boolean;
}

export function slugify(company: string): string {
  const s = company
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'company';
}

export function appIdentity(profile: Profile, version: string): AppIdentity {
  const slug = slugify(profile.company);
  // Windows forbids <>:"/\|?* and control characters in the names it derives folders and shortcuts from.
  const name = profile.company.replace(/[<>:"/\\|?*\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60);
  return { appId: `com.lantrust.${slug}`, productName: `${name || 'Company'} LanTrust`, slug, version };
}

/** check-root on the profile's root: errors refuse, except missing constraints the profile explicitly allowed with policy constraints. */
export function checkRootForInstaller(profile: Profile, root: ParsedCert): { findings: Finding[]; waived: Finding[] } {
  const findings = lintRoot(root.info);
  const errors = findings.filter((f) => f.severity === 'error');
  const canWaive = profile.allowUnconstrained === true && Boolean(profile.constraints);
  const waived = canWaive ? errors.filter((f) => WAIVABLE_WITH_POLICY.has(f.id)) : [];
  const blocking = errors.filter((f) => !waived.includes(f));
  if (blocking.length) {
    const first = blocking[0]!;
    const hint = WAIVABLE_WITH_POLICY.has(first.id)
      ? ' If you accept that deliberately, set "allowUnconstrained": true and "constraints" in the profile so Chrome and Edge constrain it by policy.'
      : '';
    throw new UserError(
      `the root ${profile.root} is not fit to hand to every employee: ${first.message.replace(/\.$/, '')}${blocking.length > 1 ? ` (and ${blocking.length - 1} more; run \`lantrust check-root ${profile.root}\`)` : ''}.${hint}`,
      1,
    );
  }
  return { findings, waived };
}

interface PackageJson {
  name?: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPkg(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Folder of package `name` as Node would resolve it from `fromDir` (nested node_modules first). */
function resolvePackageDir(name: string, fromDir: string, top: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === top || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/**
 * Dependencies only the CLI uses: jpeg-js draws the simulated camera's frames (demo, tests), node-forge
 * reads code-signing .pfx files (sign, build-installer). The packaged app never loads either; a test
 * walks the app's imports to keep it that way.
 */
export const CLI_ONLY_PACKAGES: readonly string[] = ['jpeg-js', 'node-forge'];

/** Every package the app needs at run time (dependencies, transitively, minus the CLI's own), as folders under projectRoot. */
export function runtimePackages(projectRoot: string = PROJECT_ROOT): string[] {
  const seen = new Set<string>();
  const visit = (pkgDir: string, required: boolean) => {
    const pkg = readPkg(pkgDir);
    const deps: [string, boolean][] = [
      ...Object.keys(pkg.dependencies ?? {}).map((d): [string, boolean] => [d, true]),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((d): [string, boolean] => [d, false]),
    ];
    for (const [dep, req] of deps) {
      if (pkgDir === projectRoot && CLI_ONLY_PACKAGES.includes(dep)) continue;
      const dir = resolvePackageDir(dep, pkgDir, projectRoot);
      if (!dir) {
        if (req && required) throw new UserError(`the package "${dep}" (needed by the app) is not installed; run \`npm ci\` in ${projectRoot} and try again.`);
        continue;
      }
      if (seen.has(dir)) continue;
      seen.add(dir);
      visit(dir, req);
    }
  };
  visit(projectRoot, true);
  return [...seen].sort();
}

async function dirBytes(p: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  const s = await stat(p);
  if (!s.isDirectory()) return s.size;
  let n = 0;
  for (const e of await readdir(p)) n += await dirBytes(join(p, e));
  return n;
}

// Development files never reach the app folder (electron-builder's "files" filters them again).
const DEV_FILE = /(\.map|\.d\.ts|\.tsbuildinfo|\.md)$/i;
const DEV_DIR = new RegExp(`\\${sep}(test|tests|__tests__|docs|examples?|\\.github)(\\${sep}|$)`);

export interface StageOptions {
  config: string;
  outDir: string;
  projectRoot?: string;
}

/**
 * Validates the profile (pin, check-root) and writes `outDir/stage` atomically: a new folder is filled
 * next to the old one and swapped in, so a failure never leaves a half-staged app.
 */
export async function stageApp(opts: StageOptions): Promise<StagedApp> {
  const projectRoot = opts.projectRoot ?? PROJECT_ROOT;
  const { profile, root } = await loadProfileAndRoot(opts.config);
  const { findings, waived } = checkRootForInstaller(profile, root);
  if (!existsSync(join(projectRoot, 'dist', 'main'))) {
    throw new UserError(`the app is not compiled (no ${join(projectRoot, 'dist', 'main')}); run \`npm run build\` in ${projectRoot} first.`);
  }
  const own = readPkg(projectRoot);
  const id = appIdentity(profile, own.version);
  const packages = runtimePackages(projectRoot);

  const outDir = resolve(opts.outDir);
  const stageDir = join(outDir, 'stage');
  const tmp = join(outDir, `.stage-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    const keep = (src: string) => !DEV_FILE.test(src) && !DEV_DIR.test(src.slice(projectRoot.length));
    await cp(join(projectRoot, 'dist'), join(tmp, 'dist'), { recursive: true, filter: keep });
    const renderer = join(projectRoot, 'src', 'renderer');
    if (existsSync(renderer)) await cp(renderer, join(tmp, 'src', 'renderer'), { recursive: true, filter: (s) => keep(s) && !/\.ts$/.test(s) });
    for (const dir of packages) {
      await cp(dir, join(tmp, dir.slice(projectRoot.length + 1)), { recursive: true, filter: (s) => keep(s) && !s.includes(`${sep}node_modules${sep}.bin`) });
    }

    // The profile as the app will read it: the same settings, with the root next to it, inside app.asar.
    const original = JSON.parse((await readFile(opts.config, 'utf8')).replace(/^\uFEFF/, '')) as Record<string, unknown>;
    const res = join(tmp, BUNDLED_DIR);
    await mkdir(res, { recursive: true });
    await writeFile(join(res, BUNDLED_ROOT), toPem(root.der));
    await writeFile(join(res, BUNDLED_PROFILE), `${JSON.stringify({ ...original, root: BUNDLED_ROOT }, null, 2)}\n`);

    await mkdir(join(tmp, 'build'), { recursive: true });
    await writeFile(join(tmp, 'build', 'icon.ico'), iconIco());

    const deps: Record<string, string> = {};
    for (const [k, v] of Object.entries(own.dependencies ?? {})) if (!CLI_ONLY_PACKAGES.includes(k)) deps[k] = v;
    const pkg = {
      name: `lantrust-${id.slug}`,
      productName: id.productName,
      version: id.version,
      description: `Trust ${profile.company}'s devices (cameras, intranet) in your browser.`,
      author: { name: profile.company },
      license: own.license ?? 'MIT',
      type: 'module',
      main: APP_MAIN,
      dependencies: deps,
    };
    await writeFile(join(tmp, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

    await rm(stageDir, { recursive: true, force: true });
    await rename(tmp, stageDir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    ...id,
    stageDir,
    profile: { ...profile },
    root,
    findings,
    waived,
    bytes: await dirBytes(stageDir),
    hasMain: existsSync(join(stageDir, APP_MAIN)),
  };
}
