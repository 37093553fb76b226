// The real electron-builder run, offline: target "dir" with a stand-in electron.exe (Electron's Windows
// zip can't be downloaded here). It proves what the NSIS/portable installers are built from: the packed
// app.asar with the profile and root inside it, the fuses and the asar integrity the signed program
// carries, the per-company program, and our signing hook.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_FILES, bundledProfilePath, buildInstaller, type BuildInstallerResult } from '../../src/main/build/index.js';
import { appProfilePath } from '../../src/main/build/layout.js';
import { PROJECT_ROOT } from '../../src/main/build/stage.js';
import { loadProfileAndRoot } from '../../src/main/profile.js';
import { findTool } from '../helpers/oracles.js';
import { makeTestSigner, type TestSigner } from '../sign/fixtures.js';
import { fakeElectronExe, readFuseWire } from '../sign/pe.js';
import { electronRefusal, integrityEntries } from './asar-integrity.js';
import { writeProfile, type TestProfile } from './fixtures.js';

const require = createRequire(import.meta.url);

describe('electron-builder pipeline (dir target, offline)', () => {
  // Inside the checkout (test-artifacts/ is git-ignored) so electron-builder resolves from node_modules.
  const work = join(PROJECT_ROOT, 'test-artifacts', `pipeline-${process.pid}`);
  const project = join(work, 'project');
  const electron = join(work, 'electron');
  const out = join(work, 'out');
  let p: TestProfile;
  let signer: TestSigner;
  let r: BuildInstallerResult;

  beforeAll(async () => {
    rmSync(work, { recursive: true, force: true });
    // A small lantrust "project": compiled entry, one runtime dependency, the real base config.
    mkdirSync(join(project, 'dist', 'main'), { recursive: true });
    writeFileSync(join(project, 'dist', 'main', 'electron.js'), 'export {};\n');
    writeFileSync(join(project, 'dist', 'main', 'electron.js.map'), '{}');
    mkdirSync(join(project, 'dist', 'main', 'build'), { recursive: true });
    writeFileSync(join(project, 'dist', 'main', 'build', 'layout.js'), 'export {};\n');
    writeFileSync(join(project, 'dist', 'main', 'README.md'), '# dev notes\n');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'lantrust', version: '0.9.1', license: 'MIT', dependencies: { ms: '*' } }));
    // Any small package stands in for a runtime dependency (lantrust's own, jpeg-js and node-forge, are CLI-only).
    cpSync(join(PROJECT_ROOT, 'node_modules', 'ms'), join(project, 'node_modules', 'ms'), { recursive: true });
    mkdirSync(join(project, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(join(project, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }));
    cpSync(join(PROJECT_ROOT, 'build', 'electron-builder.json'), join(project, 'build', 'electron-builder.json'));
    // The unpacked Electron stand-in: a real PE with version info, licences, locales.
    mkdirSync(join(electron, 'locales'), { recursive: true });
    mkdirSync(join(electron, 'resources'), { recursive: true });
    writeFileSync(join(electron, 'electron.exe'), fakeElectronExe());
    writeFileSync(join(electron, 'LICENSE'), 'MIT');
    writeFileSync(join(electron, 'LICENSES.chromium.html'), '<html></html>');
    for (const l of ['en-US', 'de', 'ja']) writeFileSync(join(electron, 'locales', `${l}.pak`), 'pak');

    p = writeProfile();
    signer = makeTestSigner();
    r = await buildInstaller({ config: p.config, outDir: out, projectRoot: project, targets: ['dir'], electronDist: electron, pfx: signer.pfx, password: signer.password });
  }, 180_000);
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(p.dir, { recursive: true, force: true });
    rmSync(signer.dir, { recursive: true, force: true });
  });

  it('the program is named and described for the company, and signed through our hook (osslsigncode verifies it)', () => {
    const exe = join(out, 'win-unpacked', 'LanTrust.exe');
    expect(r.artifacts).toEqual([{ file: exe, bytes: readFileSync(exe).length, signed: true }]);
    const v = spawnSync(findTool('osslsigncode'), ['verify', '-in', exe, '-CAfile', signer.certPem], { encoding: 'utf8' });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const ResEdit = require('resedit') as typeof import('resedit');
    const res = ResEdit.NtExecutableResource.from(ResEdit.NtExecutable.from(readFileSync(exe), { ignoreCert: true }));
    const [vi] = ResEdit.Resource.VersionInfo.fromEntries(res.entries);
    const strings = vi!.getStringValues(vi!.getAllLanguagesForStringValues()[0]!);
    expect(strings.ProductName).toBe('Acme Müller & Söhne GmbH LanTrust');
    expect(strings.FileVersion).toBe('0.9.1');
  });

  it('electron-builder flips the fuses in LanTrust.exe before signing it', () => {
    // The wire in the built program, '0' = off, '1' = on, in Electron's order (build/fuses/fuses.json5):
    // RunAsNode 0, CookieEncryption 1, NodeOptions 0, NodeCliInspect 0, EmbeddedAsarIntegrityValidation 1,
    // OnlyLoadAppFromAsar 1, LoadBrowserProcessSpecificV8Snapshot 0 (default), GrantFileProtocolExtraPrivileges 0,
    // WasmTrapHandlers 1 (default).
    expect(readFuseWire(readFileSync(join(out, 'win-unpacked', 'LanTrust.exe')))).toBe('010011001');
    // The stand-in started with Electron's defaults, so every changed byte was flipped by this build;
    // the signature osslsigncode verifies (first test) was made over the flipped bytes.
    expect(readFuseWire(readFileSync(join(electron, 'electron.exe')))).toBe('101100011');
  });

  it('the profile and root are inside app.asar, nothing sits beside it, and the packaged app reads only those', async () => {
    const resources = join(out, 'win-unpacked', 'resources');
    expect(readdirSync(resources)).toEqual(['app.asar']);
    const archive = join(resources, 'app.asar');
    const asar = require('@electron/asar') as { extractAll(a: string, d: string): void };
    // Electron reads inside app.asar transparently; here the archive is unpacked to read it the same way.
    const unpacked = join(work, 'app-unpacked');
    asar.extractAll(archive, unpacked);
    const loaded = await loadProfileAndRoot(bundledProfilePath(unpacked));
    expect(loaded.profile.company).toBe('Acme Müller & Söhne GmbH');
    expect(loaded.root.info.sha256.replace(/:/g, '').toLowerCase()).toBe(p.pin);
    // A packaged app looks only in its own app.asar: not at --config, not at a file planted next to the program.
    mkdirSync(join(resources, 'lantrust'));
    writeFileSync(join(resources, 'lantrust', 'lantrust.json'), '{"company": "Mallory"}');
    const chosen = appProfilePath({ packaged: true, appPath: archive, configArg: join(resources, 'lantrust', 'lantrust.json'), exists: existsSync });
    expect(chosen).toBe(join(archive, 'lantrust', 'lantrust.json'));
    rmSync(join(resources, 'lantrust'), { recursive: true });
  });

  it('the signed program pins app.asar, and app.asar pins the profile and root: a changed one is refused', () => {
    const exePath = join(out, 'win-unpacked', 'LanTrust.exe');
    const exe = readFileSync(exePath);
    const archive = join(out, 'win-unpacked', 'resources', 'app.asar');
    const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const asar = require('@electron/asar') as {
      getRawHeader(p: string): { headerString: string; header: { files: Record<string, { files: Record<string, { integrity: { hash: string } }> }> } };
      extractAll(a: string, d: string): void;
      createPackage(src: string, dest: string): Promise<unknown>;
    };
    // The program's ElectronAsar resource holds SHA-256 of the archive header (Electron's asar-integrity docs)...
    const [entry, ...more] = integrityEntries(exe);
    expect(more).toEqual([]);
    expect(entry!.file).toBe('resources\\app.asar');
    expect(entry!.value).toBe(sha256(asar.getRawHeader(archive).headerString));
    // ...and the header holds SHA-256 of the very profile and root that were staged.
    const pinned = asar.getRawHeader(archive).header.files.lantrust!.files;
    for (const f of ['lantrust.json', 'root.pem']) expect(pinned[f]!.integrity.hash).toBe(sha256(readFileSync(join(r.staged.stageDir, 'lantrust', f))));
    expect(electronRefusal(exe, archive, [...BUNDLED_FILES])).toBeUndefined();

    // A user edits the profile inside app.asar (per-user installs live in a folder they can write).
    const edited = join(work, 'edited.asar');
    const bytes = readFileSync(archive);
    const at = bytes.indexOf('"company": "Acme');
    expect(at).toBeGreaterThan(0);
    bytes.write('Evil', at + '"company": "'.length, 'utf8');
    writeFileSync(edited, bytes);
    expect(electronRefusal(exe, edited, [...BUNDLED_FILES])).toBe('lantrust/lantrust.json does not match the SHA-256 in the archive header');
  });

  it('a rebuilt app.asar (new hashes in its header) is refused, and the program can’t be re-pinned without breaking its signature', async () => {
    const exePath = join(out, 'win-unpacked', 'LanTrust.exe');
    const exe = readFileSync(exePath);
    const asar = require('@electron/asar') as { getRawHeader(p: string): { headerString: string }; extractAll(a: string, d: string): void; createPackage(src: string, dest: string): Promise<unknown> };
    const dir = join(work, 'repack');
    asar.extractAll(join(out, 'win-unpacked', 'resources', 'app.asar'), dir);
    cpSync(writeProfile({ company: 'Mallory' }).config, join(dir, 'lantrust', 'lantrust.json'));
    const rebuilt = join(work, 'rebuilt.asar');
    await asar.createPackage(dir, rebuilt);
    expect(electronRefusal(exe, rebuilt, [...BUNDLED_FILES])).toBe('the archive header does not match the SHA-256 in the program');
    // Writing the new hash into the program changes signed bytes: Authenticode no longer verifies.
    const value = integrityEntries(exe)[0]!.value;
    const patched = Buffer.from(exe.toString('latin1').replace(value, createHash('sha256').update(asar.getRawHeader(rebuilt).headerString).digest('hex')), 'latin1');
    expect(patched.equals(exe)).toBe(false);
    const repinned = join(work, 'repinned.exe');
    writeFileSync(repinned, patched);
    expect(electronRefusal(patched, rebuilt, [...BUNDLED_FILES])).toBeUndefined();
    const v = spawnSync(findTool('osslsigncode'), ['verify', '-in', repinned, '-CAfile', signer.certPem], { encoding: 'utf8' });
    expect(v.status).not.toBe(0);
    expect(v.stdout + v.stderr).toMatch(/MISMATCH/i);
  });

  it('app.asar holds the app and its runtime dependency, without development files', () => {
    const asar = require('@electron/asar') as { listPackage(p: string, o: object): string[]; extractFile(a: string, f: string): Buffer };
    const archive = join(out, 'win-unpacked', 'resources', 'app.asar');
    const files = asar.listPackage(archive, {}).map((f) => f.replace(/\\/g, '/'));
    expect(files).toContain('/dist/main/electron.js');
    expect(files).toContain('/dist/main/build/layout.js'); // electron.js imports appProfilePath from it
    expect(files).toContain('/node_modules/ms/package.json');
    for (const f of BUNDLED_FILES) expect(files).toContain(`/${f}`);
    expect(files.filter((f) => /\.(map|md)$/.test(f))).toEqual([]);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as Record<string, unknown>;
    expect(pkg).toMatchObject({ productName: 'Acme Müller & Söhne GmbH LanTrust', main: 'dist/main/electron.js', version: '0.9.1' });
  });

  it('only the configured languages are kept', () => {
    expect(existsSync(join(out, 'win-unpacked', 'locales', 'en-US.pak'))).toBe(true);
    expect(existsSync(join(out, 'win-unpacked', 'locales', 'ja.pak'))).toBe(false);
  });
});
