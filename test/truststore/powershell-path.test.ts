// The packaged app's PowerShell: Windows PowerShell under System32 by absolute path, found from the
// folder Windows loaded ntdll.dll from, never from PATH or LANTRUST_POWERSHELL. (On Windows the same
// check runs against the real system in test/windows/fuses.test.ts.)
import { chmodSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../src/main/truststore/common.js';
import { loadedModules, packagedStoreEnv, system32Dir, systemPowerShell } from '../../src/main/truststore/powershell-path.js';
import { powershellPath } from '../../src/main/truststore/windows.js';

// What EnumProcessModules/GetModuleFileNameExW report in a Windows process (Windows installed on D:).
const MODULES = ['C:\\Users\\ann\\AppData\\Local\\Programs\\Acme LanTrust\\LanTrust.exe', 'D:\\WINNT\\SYSTEM32\\ntdll.dll', 'D:\\WINNT\\System32\\KERNEL32.DLL'];

describe('Windows PowerShell by absolute path (packaged app)', () => {
  const saved = { PATH: process.env.PATH, LANTRUST_POWERSHELL: process.env.LANTRUST_POWERSHELL };
  const dirs: string[] = [];
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.LANTRUST_POWERSHELL === undefined) delete process.env.LANTRUST_POWERSHELL;
    else process.env.LANTRUST_POWERSHELL = saved.LANTRUST_POWERSHELL;
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('is <System32>\\WindowsPowerShell\\v1.0\\powershell.exe, System32 being where ntdll.dll was loaded from', () => {
    expect(system32Dir(MODULES)).toBe('D:\\WINNT\\SYSTEM32');
    expect(systemPowerShell(MODULES)).toBe('D:\\WINNT\\SYSTEM32\\WindowsPowerShell\\v1.0\\powershell.exe');
    // No (absolute) ntdll.dll in the list: Windows' default folder, still never PATH.
    expect(systemPowerShell([])).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(systemPowerShell(['ntdll.dll', '\\\\?\\GLOBALROOT\\ntdll.dll'])).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('the module list is the loader’s own (here checked against /proc/self/maps), not the environment', () => {
    const mods = loadedModules();
    expect(mods.length).toBeGreaterThan(0);
    const maps = readFileSync('/proc/self/maps', 'utf8');
    // The loader names a library as it was asked for (often a symlink); the kernel's map shows the file.
    for (const m of mods.filter((p) => p.startsWith('/'))) expect(maps, m).toContain(realpathSync(m));
  });

  it('a powershell.exe planted on PATH or named by LANTRUST_POWERSHELL is never run by the packaged app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantrust-planted-'));
    dirs.push(dir);
    const planted = join(dir, 'powershell.exe');
    writeFileSync(planted, '#!/bin/sh\nexit 0\n');
    chmodSync(planted, 0o755);
    process.env.PATH = `${dir}${delimiter}${saved.PATH ?? ''}`;
    // The CLI on Windows looks on PATH (the IT admin's own shell): the planted file would be found...
    expect(await powershellPath(defaultEnv({ platform: 'win32' }))).toBe(planted);
    process.env.LANTRUST_POWERSHELL = planted;
    expect(await powershellPath(defaultEnv({ platform: 'win32' }))).toBe(planted);
    // ...the packaged app's environment names System32's powershell.exe and nothing else.
    expect(await powershellPath(defaultEnv({ platform: 'win32', ...packagedStoreEnv('win32', MODULES) }))).toBe('D:\\WINNT\\SYSTEM32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(packagedStoreEnv('linux')).toEqual({});
  });
});
