// The electron-builder configuration, checked by electron-builder's own schema validator (app-builder-lib).
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'electron-builder';
import { builderConfig, loadBaseConfig, validateBuilderConfig } from '../../src/main/build/config.js';
import { appIdentity } from '../../src/main/build/stage.js';
import { BUNDLED_FILES } from '../../src/main/build/layout.js';

const identity = appIdentity({ company: 'Acme Müller & Söhne GmbH', root: '/x/root.pem', sha256: 'a'.repeat(64), cameras: [] }, '1.2.3');
const make = (extra: Partial<Parameters<typeof builderConfig>[0]> = {}): Configuration =>
  builderConfig({ identity, stageDir: '/tmp/stage', outDir: '/tmp/out', electronVersion: '45.5.0', ...extra });

type TargetEntry = { target: string; arch: string[] };

describe('electron-builder config', () => {
  it('identity comes from the company profile', () => {
    expect(identity).toEqual({ appId: 'com.lantrust.acme-muller-sohne-gmbh', productName: 'Acme Müller & Söhne GmbH LanTrust', slug: 'acme-muller-sohne-gmbh', version: '1.2.3' });
    const weird = appIdentity({ company: 'A<b>:c/d\\e|f?g*"', root: '', sha256: '', cameras: [] }, '1.0.0');
    expect(weird.productName).not.toMatch(/[<>:"/\\|?*]/);
    expect(weird.appId).toMatch(/^com\.lantrust\.[a-z0-9-]+$/);
  });

  it('passes electron-builder’s own schema validation (per-user, per-machine, signed, dir)', async () => {
    await validateBuilderConfig(make());
    await validateBuilderConfig(make({ perMachine: true }));
    await validateBuilderConfig(make({ sign: async () => undefined, electronDist: '/tmp/electron.zip' }));
    await validateBuilderConfig(make({ targets: ['dir'] }));
  });

  it('the validator is real: an unknown option or a wrong type is refused with one sentence', async () => {
    await expect(validateBuilderConfig({ ...make(), compresion: 'maximum' } as Configuration)).rejects.toThrow(/configuration is invalid: configuration has an unknown property 'compresion'/);
    await expect(validateBuilderConfig({ ...make(), nsis: { perMachine: 'yes' } } as unknown as Configuration)).rejects.toThrow(/configuration.nsis.perMachine should be a boolean/);
  });

  it('Windows targets: NSIS + portable for x64; NSIS per user unless --per-machine', () => {
    const c = make();
    expect(c.appId).toBe(identity.appId);
    expect(c.productName).toBe(identity.productName);
    expect(c.electronVersion).toBe('45.5.0');
    const targets = c.win!.target as TargetEntry[];
    expect(targets.map((t) => t.target)).toEqual(['nsis', 'portable']);
    expect(targets.every((t) => t.arch.join() === 'x64')).toBe(true);
    expect(c.nsis).toMatchObject({ perMachine: false, oneClick: true, allowElevation: true, artifactName: 'acme-muller-sohne-gmbh-lantrust-setup-1.2.3.${ext}' });
    expect(c.portable).toMatchObject({ artifactName: 'acme-muller-sohne-gmbh-lantrust-portable-1.2.3.${ext}', requestExecutionLevel: 'user' });
    expect(make({ perMachine: true }).nsis!.perMachine).toBe(true);
    expect(c.win!.executableName).toBe('LanTrust');
    expect(c.directories).toMatchObject({ output: '/tmp/out', buildResources: 'build' });
    expect(c.publish).toBeNull();
  });

  it('asar, maximum compression, the profile and root packed into app.asar, development files excluded', () => {
    const c = make();
    expect(c.asar).toBe(true);
    expect(c.compression).toBe('maximum');
    // Nothing beside app.asar: a file there would sit in a folder the user can write (per-user install).
    expect(c.extraResources).toBeUndefined();
    expect(c.extraFiles).toBeUndefined();
    const files = c.files as string[];
    for (const f of BUNDLED_FILES) expect(files).toContain(f);
    for (const pattern of ['!**/*.map', '!**/*.d.ts', '!**/*.ts', '!**/*.{md,markdown}']) expect(files).toContain(pattern);
    // The app imports dist/main/build/layout.js (bundledProfilePath) and the demo: no compiled code is excluded.
    expect(files.filter((f) => f.startsWith('!dist/'))).toEqual([]);
    expect(files.some((f) => f.startsWith('!**/{test,tests,__tests__'))).toBe(true);
    expect(c.npmRebuild).toBe(false);
  });

  it('Electron fuses: no Node mode, no NODE_OPTIONS, no --inspect, asar integrity validated, only app.asar loaded', async () => {
    const off = ['runAsNode', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments', 'grantFileProtocolExtraPrivileges'];
    const on = ['enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'enableCookieEncryption'];
    const expected = Object.fromEntries([...off.map((k) => [k, false]), ...on.map((k) => [k, true])]);
    for (const c of [make(), make({ perMachine: true }), make({ targets: ['dir'] }), make({ sign: async () => undefined })]) expect(c.electronFuses).toEqual(expected);
    // They use electron-builder's own option names: its schema refuses anything else.
    await validateBuilderConfig(make({ targets: ['dir'] }));
    await expect(validateBuilderConfig({ ...make(), electronFuses: { runAsNod: false } } as unknown as Configuration)).rejects.toThrow(/configuration\.electronFuses/);
    // Integrity needs electron-builder's ElectronAsar resource in the exe: nothing turns it off.
    expect(make().disableAsarIntegrity).not.toBe(true);
    expect(make().asar).toBe(true);
  });

  it('signing: only with a certificate; otherwise electron-builder is told not to sign', () => {
    expect(make().win!.signExecutable).toBe(false);
    const sign = async () => undefined;
    const signed = make({ sign });
    expect(signed.win!.signExecutable).toBeUndefined();
    expect(signed.win!.signtoolOptions).toMatchObject({ sign, signingHashAlgorithms: ['sha256'] });
  });

  it('the committed base config has no per-company values', () => {
    const base = loadBaseConfig();
    expect(base.appId).toBeUndefined();
    expect(base.productName).toBeUndefined();
    expect((base as Record<string, unknown>).$comment).toBeUndefined();
  });
});
