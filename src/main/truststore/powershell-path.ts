// The packaged app runs Windows PowerShell by absolute path, %SystemRoot%\System32\WindowsPowerShell\v1.0\
// powershell.exe, never through PATH or an environment variable (LANTRUST_POWERSHELL, SystemRoot): the
// elevated install starts that program through UAC, so a planted powershell.exe must never be the one.
// System32 is the folder Windows loaded this process's ntdll.dll from (the loader maps it from the real
// system folder before any of our code runs), as listed by Node's diagnostic report.
import { win32 } from 'node:path';
import type { StoreEnv } from './common.js';

const DEFAULT_SYSTEM32 = 'C:\\Windows\\System32';

/** Full paths of the modules loaded into this process (Node's report; on Windows from EnumProcessModules). */
export function loadedModules(): string[] {
  const report = process.report?.getReport() as { sharedObjects?: unknown } | undefined;
  const list = report?.sharedObjects;
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
}

/** The System32 folder ntdll.dll was loaded from; C:\Windows\System32 if the list doesn't say. */
export function system32Dir(modules: readonly string[] = loadedModules()): string {
  const ntdll = modules.find((m) => /^[A-Za-z]:\\/.test(m) && win32.basename(m).toLowerCase() === 'ntdll.dll');
  return ntdll ? win32.dirname(ntdll) : DEFAULT_SYSTEM32;
}

/** Windows PowerShell 5.1 by absolute path. */
export function systemPowerShell(modules?: readonly string[]): string {
  return win32.join(system32Dir(modules), 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

/** What the packaged app adds to its trust-store environment: on Windows, PowerShell by absolute path (powershellPath takes tools.powershell first). */
export function packagedStoreEnv(platform: NodeJS.Platform = process.platform, modules?: readonly string[]): Partial<StoreEnv> {
  return platform === 'win32' ? { tools: { powershell: systemPowerShell(modules) } } : {};
}
