// Staging: the profile and root land where the installed app reads them, the package.json is the
// company's, the root is checked (check-root rules, pin) before anything is written.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builderConfig } from '../../src/main/build/config.js';
import { BUNDLED_FILES, bundledProfilePath } from '../../src/main/build/layout.js';
import { checkBuildInputs, electronZipName, missingMessage } from '../../src/main/build/preflight.js';
import { CLI_ONLY_PACKAGES, PROJECT_ROOT, runtimePackages, stageApp, type StagedApp } from '../../src/main/build/stage.js';
import { loadProfileAndRoot } from '../../src/main/profile.js';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { writeProfile, type TestProfile } from './fixtures.js';

const temps: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe('build-installer staging', () => {
  // One staged app shared by the read-only checks (staging copies ~6 MB; the machine has 2 cores).
  let p: TestProfile;
  let out: string;
  let s: StagedApp;
  beforeAll(async () => {
    p = writeProfile();
    out = tmp('lantrust-out-');
    s = await stageApp({ config: p.config, outDir: out });
  });

  it('stages the app; the profile and root sit in the app folder, where the packaged app reads them (inside app.asar)', async () => {
    expect(s.stageDir).toBe(join(out, 'stage'));
    // The staged folder is what electron-builder packs into app.asar (app.getAppPath() in the installed app):
    // the app reads the profile there, and electron-builder's "files" take exactly those two files.
    const cfg = builderConfig({ identity: s, stageDir: s.stageDir, outDir: out, electronVersion: '45.5.0' });
    for (const f of BUNDLED_FILES) expect(cfg.files as string[]).toContain(f);
    expect(cfg.extraResources).toBeUndefined();
    const loaded = await loadProfileAndRoot(bundledProfilePath(s.stageDir));
    expect(loaded.profile.company).toBe(p.json.company);
    expect(loaded.profile.root).toBe(join(s.stageDir, 'lantrust', 'root.pem'));
    expect(loaded.profile.cameras).toEqual(p.json.cameras);
    expect(loaded.profile.helpdesk).toEqual(p.json.helpdesk);
    expect(loaded.root.info.sha256.replace(/:/g, '').toLowerCase()).toBe(p.pin);
    expect(readFileSync(join(s.stageDir, 'lantrust', 'root.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(existsSync(join(s.stageDir, 'resources'))).toBe(false); // nothing is left to sit next to app.asar
  });

  it('writes the company’s package.json and only what the app needs to run', async () => {
    const pkg = JSON.parse(readFileSync(join(s.stageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const own = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
    expect(pkg).toMatchObject({
      name: 'lantrust-acme-muller-sohne-gmbh',
      productName: 'Acme Müller & Söhne GmbH LanTrust',
      version: own.version,
      main: 'dist/main/electron.js',
      type: 'module',
      author: { name: 'Acme Müller & Söhne GmbH' },
      dependencies: Object.fromEntries(Object.entries(own.dependencies).filter(([k]) => !CLI_ONLY_PACKAGES.includes(k))),
    });
    expect(pkg.devDependencies).toBeUndefined();
    expect(s.appId).toBe('com.lantrust.acme-muller-sohne-gmbh');
    expect(existsSync(join(s.stageDir, 'dist', 'main', 'profile.js'))).toBe(true);
    expect(readFileSync(join(s.stageDir, 'build', 'icon.ico')).readUInt16LE(2)).toBe(1); // an .ico
    const files = walk(s.stageDir).map((f) => f.slice(s.stageDir.length + 1));
    expect(files.filter((f) => /\.(map|d\.ts|md)$/.test(f))).toEqual([]);
    // Runtime dependencies are there (transitively); development tools are not.
    const mods = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/').slice(1, f.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')));
    for (const d of Object.keys(own.dependencies)) expect(mods.has(d), d).toBe(!CLI_ONLY_PACKAGES.includes(d));
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', 'playwright-core', 'jpeg-js', 'node-forge']) expect(mods.has(dev), dev).toBe(false);
    expect(runtimePackages().length).toBeGreaterThanOrEqual(Object.keys(own.dependencies).length - CLI_ONLY_PACKAGES.length);
  });

  it('the app itself never imports a package left out of it (walking the compiled imports from electron.js and the preload)', () => {
    const main = join(PROJECT_ROOT, 'dist', 'main');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const dynamic: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|^import\s*)(['"])([^'"]+)\1/gm)) {
        const spec = m[2]!;
        if (spec.startsWith('.')) visit(join(dirname(file), spec));
        else if (!spec.startsWith('node:') && spec !== 'electron') packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
      // Lazily loaded modules are part of the app too, except the dev-only demo (recorded, not followed).
      for (const m of text.matchAll(/\bimport\s*\(([^)]*)\)/g)) {
        const arg = m[1]!.trim();
        const lit = /^(['"])(\.[^'"]+)\1$/.exec(arg);
        if (lit && lit[2] !== './demo/ui-profile.js') visit(join(dirname(file), lit[2]!));
        else if (!/^['"]node:/.test(arg)) dynamic.push(`${file.slice(main.length + 1)}: ${arg}`);
      }
    };
    visit(join(main, 'electron.js'));
    visit(join(main, 'preload.cjs'));
    expect(seen.size).toBeGreaterThan(20); // the walk really followed the app's modules
    for (const p of CLI_ONLY_PACKAGES) expect(packages.has(p), p).toBe(false);
    // The one import not followed is the demo company, which electron.ts reaches only when the app is not
    // packaged (a packaged app always has its profile path, and refuses to start without the file).
    expect(dynamic).toEqual(["electron.js: './demo/ui-profile.js'"]);
  });

  it('refuses an unconstrained root with one sentence, and keeps the previous stage', async () => {
    const before = readFileSync(join(out, 'stage', 'lantrust', 'lantrust.json'), 'utf8');
    const bad = writeProfile({}, { constraints: null });
    const r = cli(['build-installer', '--config', bad.config, '--out', out, '--stage-only']);
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/not fit to hand to every employee: The root has no name constraints.*"allowUnconstrained": true/);
    expect(readFileSync(join(out, 'stage', 'lantrust', 'lantrust.json'), 'utf8')).toBe(before);
    expect(readdirSync(out).filter((n) => n.startsWith('.stage-'))).toEqual([]);
  });

  it('stages an unconstrained root only when the profile allows it explicitly with policy constraints', async () => {
    const p = writeProfile({ allowUnconstrained: true, constraints: { permitDns: ['cams.acme.example'], permitCidr: ['192.168.0.0/16'] } }, { constraints: null });
    const s = await stageApp({ config: p.config, outDir: tmp('lantrust-out-') });
    expect(s.waived.map((w) => w.id)).toEqual(['no-name-constraints']);
    const onlyFlag = writeProfile({ allowUnconstrained: true }, { constraints: null });
    await expect(stageApp({ config: onlyFlag.config, outDir: tmp('lantrust-out-') })).rejects.toThrow(/no name constraints/);
    // Other errors are never waived.
    const expired = writeProfile({ allowUnconstrained: true, constraints: { permitDns: ['cams.acme.example'] } }, { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    await expect(stageApp({ config: expired.config, outDir: tmp('lantrust-out-') })).rejects.toThrow(/expired/);
  });

  it('refuses a root that does not match the pin', () => {
    const p = writeProfile();
    const other = writeProfile();
    cpSync(other.rootPem, p.rootPem); // the file was swapped after the pin was written
    const r = cli(['build-installer', '--config', p.config, '--out', tmp('lantrust-out-'), '--stage-only']);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/does not match the SHA-256 pinned/);
  });

  it('`--stage-only` works offline from the CLI', () => {
    const p = writeProfile();
    const out = tmp('lantrust-out-');
    const r = cli(['build-installer', '--config', p.config, '--out', out, '--stage-only']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/staged Acme Müller & Söhne GmbH LanTrust \(com\.lantrust\.acme-muller-sohne-gmbh/);
    expect(existsSync(join(out, 'stage', 'lantrust', 'root.pem'))).toBe(true);
  });

  it('without Electron’s zip and NSIS in the caches it stops before building and names each file and folder', () => {
    const home = tmp('lantrust-home-');
    const env = { HOME: home, XDG_CACHE_HOME: join(home, '.cache'), PATH: '/nonexistent' };
    const reqs = checkBuildInputs('45.5.0', env);
    expect(reqs.every((r) => !r.ok)).toBe(true);
    const msg = missingMessage(reqs)!;
    expect(msg).toContain(`https://github.com/electron/electron/releases/download/v45.5.0/${electronZipName('45.5.0')}`);
    expect(msg).toContain(join(home, '.cache', 'electron'));
    expect(msg).toContain(`electron-builder-binaries/releases/download/nsis-3.0.4.1/nsis-3.0.4.1.7z into ${join(home, '.cache', 'electron-builder', 'nsis-3.0.4.1')}`);
    expect(msg).toContain('nsis-resources-3.4.1.7z');
    expect(msg).toContain('--stage-only');

    const p = writeProfile();
    const out = tmp('lantrust-out-');
    const r = cli(['build-installer', '--config', p.config, '--out', out], { env: { ...env, PATH: process.env.PATH ?? '', ELECTRON_CACHE: '', electron_config_cache: '', ELECTRON_BUILDER_CACHE: '', ELECTRON_BUILDER_NSIS_DIR: '' } });
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr);
    expect(r.stderr).toContain(electronZipName('45.5.0'));
    expect(r.stderr).toContain('nsis-3.0.4.1.7z');
    expect(existsSync(join(out, 'stage', 'package.json'))).toBe(true); // the stage is still produced
  });

  it('finds seeded files: the zip in @electron/get’s hashed cache folder, the NSIS archives in electron-builder’s cache', () => {
    const home = tmp('lantrust-home-');
    const cache = join(home, '.cache');
    const env = { HOME: home, XDG_CACHE_HOME: cache, ELECTRON_BUILDER_WINE_TOOLSET_DIR: home };
    const zip = join(cache, 'electron', '0123abcd', electronZipName('45.5.0'));
    for (const f of [zip, join(cache, 'electron-builder', 'nsis-3.0.4.1', 'nsis-3.0.4.1.7z'), join(cache, 'electron-builder', 'nsis-resources-3.4.1', 'nsis-resources-3.4.1.7z')]) {
      cpSync(p0(), f);
    }
    const reqs = checkBuildInputs('45.5.0', env);
    expect(reqs.filter((r) => !r.ok)).toEqual([]);
    expect(reqs[0]!.found).toBe(zip);
    expect(missingMessage(reqs)).toBeUndefined();
  });
});

function p0(): string {
  const f = join(tmp('lantrust-seed-'), 'seed');
  writeFileSync(f, 'x');
  return f;
}
