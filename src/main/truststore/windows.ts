// Windows CurrentUser\Root and LocalMachine\Root, through PowerShell running the SAME core script the
// IT pack ships (src/main/pack/ps/LanTrustCore.ps1, rendered by renderCore): one source of truth.
// On Windows that is Windows PowerShell 5.1 (powershell.exe); tests run it under pwsh on Linux, where
// .NET's CurrentUser\Root lives under $HOME/.dotnet and is read-write.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCore, toScriptFile, type Scope } from '../pack/powershell.js';
import { result, unavailable, which, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { run } from '../run.js';

type Who = Pick<StoreAdapter, 'id' | 'title'>;

/** PowerShell to run: env.tools.powershell, else powershell.exe on Windows, else pwsh. */
export async function powershellPath(env: StoreEnv): Promise<string | undefined> {
  if (env.tools.powershell) return env.tools.powershell;
  if (env.platform === 'win32') return (await which('powershell', env, [join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0')])) ?? (await which('pwsh', env));
  return which('pwsh', env, [join(homedir(), '.dotnet', 'tools'), '/opt/microsoft/powershell/7']);
}

interface CoreAnswer {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * Runs one LanTrustCore call (e.g. "Add-LanTrustRoot -Scope CurrentUser") with the root embedded by
 * renderCore, from a temp .ps1 file; the answer comes back as one JSON line.
 */
export async function runCore(cert: RootCert, env: StoreEnv, call: string): Promise<CoreAnswer> {
  const exe = await powershellPath(env);
  if (!exe) return { ok: false, error: 'PowerShell was not found' };
  const company = cert.info.organization ?? cert.info.commonName ?? 'the company';
  const script = [
    renderCore({ rootDer: cert.der, sha256: cert.sha256, company }),
    '',
    "$ErrorActionPreference = 'Stop'",
    'try {',
    `    $v = ${call}`,
    "    Write-Output ('LANTRUST-JSON ' + (ConvertTo-Json -InputObject @{ ok = $true; value = $v } -Depth 4 -Compress))",
    '} catch {',
    "    Write-Output ('LANTRUST-JSON ' + (ConvertTo-Json -InputObject @{ ok = $false; error = $_.Exception.Message } -Compress))",
    '    exit 1',
    '}',
    '',
  ].join('\n');
  const dir = await mkdtemp(join(tmpdir(), 'lantrust-ps-'));
  const file = join(dir, 'lantrust-store.ps1');
  try {
    await writeFile(file, toScriptFile(script));
    const args = ['-NoProfile', '-NonInteractive', ...(env.platform === 'win32' ? ['-ExecutionPolicy', 'Bypass'] : []), '-File', file];
    const r = await run(exe, args, { env: { ...process.env, HOME: env.home, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' }, timeoutMs: 120_000 });
    const line = r.stdout.split(/\r?\n/).find((l) => l.startsWith('LANTRUST-JSON '));
    if (!line) return { ok: false, error: `PowerShell gave no answer (exit ${r.code}): ${r.stderr.trim().split(/\r?\n/).pop() ?? ''}`.trim() };
    return JSON.parse(line.slice('LANTRUST-JSON '.length)) as CoreAnswer;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function adapter(who: Who, scope: Scope): StoreAdapter {
  const where = `Cert:\\${scope}\\Root`;
  const sentence = (s: string) => s.replace(/\.$/, '');

  async function detect(env: StoreEnv): Promise<Detection> {
    if (env.platform !== 'win32') return { available: false, path: where, why: `${where} exists only on Windows.`, otherPlatform: true };
    if (!(await powershellPath(env))) return { available: false, path: where, why: 'PowerShell was not found; it ships with Windows, so check PATH.' };
    return { available: true, path: where };
  }

  async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const a = await runCore(cert, env, `Test-LanTrustRoot -Scope ${scope}`);
    if (!a.ok) return [result(who, { path: where, error: true, message: `could not read ${where}: ${sentence(a.error ?? '')}.` })];
    return [result(who, { path: where, installed: a.value === true, message: a.value === true ? `trusted in ${where}.` : `not in ${where}.` })];
  }

  async function add(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const a = await runCore(cert, env, `Add-LanTrustRoot -Scope ${scope}`);
    if (!a.ok) {
      const needsRoot = scope === 'LocalMachine' && /administrator/i.test(a.error ?? '');
      return [result(who, { path: where, error: !needsRoot, needsRoot, message: needsRoot ? `${where} needs administrator rights: run the installer as administrator, or use --store windows-user.` : sentence(a.error ?? 'PowerShell failed') + '.' })];
    }
    const added = a.value === 'added';
    return [result(who, { path: where, installed: true, changed: added, message: added ? `added to ${where}.` : `already in ${where}; nothing changed.` })];
  }

  async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const a = await runCore(cert, env, `Remove-LanTrustRoot -Scope ${scope}`);
    if (!a.ok) {
      const needsRoot = scope === 'LocalMachine' && /administrator/i.test(a.error ?? '');
      return [result(who, { path: where, installed: true, error: !needsRoot, needsRoot, message: needsRoot ? `removing from ${where} needs administrator rights: run it as administrator.` : sentence(a.error ?? 'PowerShell failed') + '.' })];
    }
    const n = Number(a.value ?? 0);
    return [result(who, { path: where, changed: n > 0, message: n > 0 ? `removed from ${where}.` : `not in ${where}; nothing changed.` })];
  }

  return { ...who, detect, has, add, remove };
}

export const windowsUser = adapter({ id: 'windows-user', title: 'Windows (current user)' }, 'CurrentUser');
export const windowsMachine = adapter({ id: 'windows-machine', title: 'Windows (all users)' }, 'LocalMachine');
