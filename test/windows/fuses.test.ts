// The packaged app on real Windows can't be repurposed: the fuses electron-builder flipped hold in the
// real Electron binary (no Node mode, no debugger), and a profile changed inside app.asar, or a rebuilt
// app.asar, stops the app. Each refusal is paired with a copy where it is allowed, so the probe is
// shown to work. Linux checks the same build offline with a stand-in (test/build/pipeline.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemPowerShell } from '../../src/main/truststore/powershell-path.js';
import { readFuseWire } from '../sign/pe.js';
import { copyApp, editInAsar, flipInCopy, rebuildAsar, runFor, shippedExe } from './app-copy.js';

if (process.platform !== 'win32') throw new Error('the packaged-app tests run on Windows (see .github/workflows/windows.yml)');

// Long enough for Electron to start and run our main process on a busy runner; a refused start ends sooner.
const START = 30_000;
const NODE_PROBE = ['-e', 'process.stdout.write("LANTRUST-NODE-RAN"); process.exit(42)'];

describe('packaged LanTrust.exe (Windows)', () => {
  it('its fuse wire is the one electron-builder was told to set', () => {
    const wire = readFuseWire(readFileSync(shippedExe()));
    // RunAsNode 0, CookieEncryption 1, NodeOptions 0, NodeCliInspect 0, asar integrity 1, only app.asar 1; GrantFileProtocolExtraPrivileges 0.
    expect(wire.slice(0, 6)).toBe('010011');
    expect(wire[7]).toBe('0');
  });

  it('ELECTRON_RUN_AS_NODE=1 does not make it a Node.js interpreter (a copy with the fuse on does)', async () => {
    const control = copyApp('run-as-node');
    await flipInCopy(control, { RunAsNode: true });
    const allowed = await runFor(control, NODE_PROBE, { ELECTRON_RUN_AS_NODE: '1' }, START);
    expect(allowed.code, allowed.output).toBe(42);
    const shipped = await runFor(shippedExe(), NODE_PROBE, { ELECTRON_RUN_AS_NODE: '1' }, START);
    expect(shipped.code).not.toBe(42);
    expect(shipped.output).not.toContain('LANTRUST-NODE-RAN');
  });

  it('--inspect opens no debugger into the main process (a copy with the fuse on does)', async () => {
    const control = copyApp('inspect');
    await flipInCopy(control, { EnableNodeCliInspectArguments: true });
    const allowed = await runFor(control, ['--inspect=0'], {}, START, /Debugger listening on ws:/);
    expect(allowed.output).toMatch(/Debugger listening on ws:/);
    const shipped = await runFor(shippedExe(), ['--inspect=0'], {}, START, /Debugger listening on ws:/);
    expect(shipped.output).not.toMatch(/Debugger listening/);
  });

  it('starts from an untouched copy, and stops when the profile inside app.asar was edited', async () => {
    const untouched = await runFor(copyApp('untouched'), [], {}, START);
    expect(untouched.code, untouched.output).toBeUndefined(); // still running: the window was up
    const edited = copyApp('edited-profile');
    editInAsar(edited, 'lantrust/lantrust.json', '"Acme CI"', '"Evil CI"');
    const r = await runFor(edited, [], {}, START);
    expect(r.code, 'the app kept running with an edited profile').not.toBeUndefined();
    expect(r.code).not.toBe(0);
  });

  it('stops when app.asar was rebuilt with another profile (its header no longer matches the signed program)', async () => {
    const rebuilt = copyApp('rebuilt-asar');
    await rebuildAsar(rebuilt, 'lantrust/lantrust.json', '"Acme CI"', '"Mallory Ltd"');
    const r = await runFor(rebuilt, [], {}, START);
    expect(r.code, 'the app kept running with a rebuilt app.asar').not.toBeUndefined();
    expect(r.code).not.toBe(0);
  });

  it('runs Windows PowerShell from System32 by absolute path', () => {
    const expected = `${process.env.SystemRoot}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
    expect(systemPowerShell().toLowerCase()).toBe(expected.toLowerCase());
    expect(existsSync(systemPowerShell())).toBe(true);
  });
});
