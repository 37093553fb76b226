// Windows CurrentUser\Root and LocalMachine\Root, through PowerShell running the SAME core script the
// IT pack ships (src/main/pack/ps/LanTrustCore.ps1, rendered by renderCore): one source of truth.
// On Windows that is Windows PowerShell 5.1 (powershell.exe); tests run it under pwsh on Linux, where
// .NET's CurrentUser\Root lives under $HOME/.dotnet and is read-write.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { psQuote, renderCore, toScriptFile, type Scope } from '../pack/powershell.js';
import { result, unavailable, which, type Detection, type RootCert, type StoreAdapter, type StoreEnv, type StoreResult } from './common.js';
import { run } from '../run.js';

type Who = Pick<StoreAdapter, 'id' | 'title'>;

/** PowerShell to run: env.tools.powershell, else powershell.exe on Windows, else pwsh. */
export async function powershellPath(env: StoreEnv): Promise<string | undefined> {
  if (env.tools.powershell) return env.tools.powershell;
  if (env.platform === 'win32') return (await which('powershell', env, [join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0')])) ?? (await which('pwsh', env));
  return which('pwsh', env, [join(homedir(), '.dotnet', 'tools'), '/opt/microsoft/powershell/7']);
}

/** Exit code of a from-memory run when the script on disk is not the one we wrote. */
export const TAMPERED_EXIT = 97;

/**
 * PowerShell that reads a script once, checks its SHA-256 (a file swapped after we wrote it never runs)
 * and runs it from memory with `params` (already PowerShell text). A script block is not a script
 * file, so no execution policy applies: one set by Group Policy (which beats -ExecutionPolicy Bypass)
 * can't stop it. The scripts are ASCII (toScriptFile); their `exit n` ends the process with that code.
 */
export function fromMemoryCommand(o: { scriptPath: string; scriptSha256: string; params?: string }): string {
  if (!/^[0-9a-f]{64}$/.test(o.scriptSha256)) throw new Error('scriptSha256 must be 64 lower-case hex digits');
  return [
    "$ErrorActionPreference = 'Stop'",
    `$b = [System.IO.File]::ReadAllBytes(${psQuote(o.scriptPath)})`,
    '$h = [System.Security.Cryptography.SHA256]::Create()',
    "$hex = [System.BitConverter]::ToString($h.ComputeHash($b)).Replace('-', '').ToLowerInvariant()",
    `if ($hex -ne '${o.scriptSha256}') { exit ${TAMPERED_EXIT} }`,
    `& ([scriptblock]::Create([System.Text.Encoding]::ASCII.GetString($b)))${o.params ? ` ${o.params}` : ''}`,
    'exit 1',
  ].join('\n');
}

/** -EncodedCommand's format: base64 of UTF-16LE. Only [A-Za-z0-9+/=] ever reaches a command line. */
export function encodeCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** Arguments for powershell.exe / pwsh running `script`. */
export function encodedArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodeCommand(script)];
}

interface CoreAnswer {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * Runs one LanTrustCore call (e.g. "Add-LanTrustRoot -Scope CurrentUser") with the root embedded by
 * renderCore: written to a private temp file, hash-checked and run from memory (fromMemoryCommand);
 * the answer comes back as one JSON line. `timeoutMs`: how long before PowerShell is stopped (a
 * CurrentUser\Root change waits for the person answering Windows' Security Warning: allow for that).
 */
export async function runCore(cert: RootCert, env: StoreEnv, call: string, opts: { timeoutMs?: number } = {}): Promise<CoreAnswer> {
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
    const bytes = toScriptFile(script);
    await writeFile(file, bytes, { mode: 0o600 });
    const command = fromMemoryCommand({ scriptPath: file, scriptSha256: createHash('sha256').update(bytes).digest('hex') });
    const r = await run(exe, encodedArgs(command), { env: { ...process.env, HOME: env.home, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' }, timeoutMs: opts.timeoutMs ?? 120_000 });
    if (r.code === TAMPERED_EXIT) return { ok: false, error: 'the PowerShell script changed on disk before it could run, so it was not run' };
    const line = r.stdout.split(/\r?\n/).find((l) => l.startsWith('LANTRUST-JSON '));
    if (!line) return { ok: false, error: `PowerShell gave no answer (exit ${r.code}): ${r.stderr.trim().split(/\r?\n/).pop() ?? ''}`.trim() };
    return JSON.parse(line.slice('LANTRUST-JSON '.length)) as CoreAnswer;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Windows' own Security Warning for a CurrentUser\Root change waits for a person: don't stop PowerShell under it. */
export const DIALOG_TIMEOUT_MS = 15 * 60_000;

interface StatusAnswer {
  Present?: boolean;
  Ours?: boolean;
  Where?: string;
  Others?: string[] | string | null;
}

const list = (v: string[] | string | null | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

function adapter(who: Who, scope: Scope): StoreAdapter {
  const where = `Cert:\\${scope}\\Root`;
  const sentence = (s: string) => s.replace(/\.$/, '');
  // Adding to or removing from CurrentUser\Root makes Windows ask the person; LocalMachine never asks.
  const changeTimeout = scope === 'CurrentUser' ? DIALOG_TIMEOUT_MS : 120_000;

  async function detect(env: StoreEnv): Promise<Detection> {
    if (env.platform !== 'win32') return { available: false, path: where, why: `${where} exists only on Windows.`, otherPlatform: true };
    if (!(await powershellPath(env))) return { available: false, path: where, why: 'PowerShell was not found; it ships with Windows, so check PATH.' };
    return { available: true, path: where };
  }

  async function has(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const a = await runCore(cert, env, `Get-LanTrustStatus -Scope ${scope} | Select-Object Present, Ours, Where`);
    if (!a.ok) return [result(who, { path: where, error: true, message: `could not read ${where}: ${sentence(a.error ?? '')}.` })];
    const s = (a.value ?? {}) as StatusAnswer;
    return [result(who, { path: where, installed: s.Present === true, message: s.Present === true ? `trusted: ${s.Where ?? where}.` : `not in ${where}.` })];
  }

  async function add(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const a = await runCore(cert, env, `@{ result = (Add-LanTrustRoot -Scope ${scope}); where = (Get-LanTrustStatus -Scope ${scope}).Where }`, { timeoutMs: changeTimeout });
    if (!a.ok) {
      const needsRoot = scope === 'LocalMachine' && /administrator/i.test(a.error ?? '');
      return [result(who, { path: where, error: !needsRoot, needsRoot, message: needsRoot ? `${where} needs administrator rights: run the installer as administrator, or use --store windows-user.` : sentence(a.error ?? 'PowerShell failed') + '.' })];
    }
    const v = (a.value ?? {}) as { result?: string; where?: string };
    const added = v.result === 'added';
    const message = added ? `added to ${where}.` : v.result === 'elsewhere' ? `already trusted (${v.where ?? ''}); nothing added.` : `already in ${where}; nothing changed.`;
    return [result(who, { path: where, installed: true, changed: added, message })];
  }

  async function remove(cert: RootCert, env: StoreEnv): Promise<StoreResult[]> {
    const d = await detect(env);
    if (!d.available) return unavailable(who, d);
    const a = await runCore(cert, env, `@{ removed = (Remove-LanTrustRoot -Scope ${scope}); left = @((Get-LanTrustStatus -Scope ${scope}).Others) }`, { timeoutMs: changeTimeout });
    if (!a.ok) {
      const needsRoot = scope === 'LocalMachine' && /administrator/i.test(a.error ?? '');
      return [result(who, { path: where, installed: true, error: !needsRoot, needsRoot, message: needsRoot ? `removing from ${where} needs administrator rights: run it as administrator.` : sentence(a.error ?? 'PowerShell failed') + '.' })];
    }
    const v = (a.value ?? {}) as { removed?: number; left?: string[] | string | null };
    const n = Number(v.removed ?? 0);
    const left = list(v.left);
    // A copy Group Policy (or, for CurrentUser, the machine) manages is never removed here: say so.
    const still = left.length ? ` Still trusted through copies lantrust does not touch: ${left.join('; ')}.` : '';
    return [result(who, { path: where, installed: left.length > 0, changed: n > 0, message: `${n > 0 ? `removed from ${where}.` : `not in ${where}; nothing changed.`}${still}` })];
  }

  return { ...who, detect, has, add, remove };
}

export const windowsUser = adapter({ id: 'windows-user', title: 'Windows (current user)' }, 'CurrentUser');
export const windowsMachine = adapter({ id: 'windows-machine', title: 'Windows (all users)' }, 'LocalMachine');
