// "Everyone on this computer" on Windows: run the IT pack's own Install-/Uninstall-LanTrustRoot.ps1
// (packScript, one source of truth) with -Scope LocalMachine, elevated through Windows' UAC prompt when
// this process is not an administrator. Nothing reaches a command line but base64: the elevated
// PowerShell gets -EncodedCommand, which reads the script once, checks its SHA-256 (so a file swapped
// after we wrote it never runs elevated) and runs it from memory; the result comes back through -LogPath.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { psQuote, type Scope } from '../pack/powershell.js';
import { type StoreEnv } from './common.js';
import { run } from '../run.js';
import { encodedArgs, fromMemoryCommand, powershellPath, TAMPERED_EXIT } from './windows.js';

export { encodeCommand, encodedArgs, TAMPERED_EXIT } from './windows.js';

export const DECLINED = 'Windows did not get administrator approval; nothing was changed.';

export interface ElevatedPlan {
  kind: 'install' | 'uninstall';
  /** The generated script on disk, and the SHA-256 (hex) of exactly those bytes. */
  scriptPath: string;
  scriptSha256: string;
  logPath: string;
  /** LocalMachine in the app; tests on Linux use CurrentUser (the only store .NET can write there). */
  scope: Scope;
}

/** The PowerShell the elevated process runs: read once, check the hash, run from memory with the pack's parameters. */
export function innerCommand(p: ElevatedPlan): string {
  const params = `-Scope ${psQuote(p.scope)}${p.kind === 'install' ? ' -Browsers' : ''} -LogPath ${psQuote(p.logPath)}`;
  return fromMemoryCommand({ scriptPath: p.scriptPath, scriptSha256: p.scriptSha256, params });
}

/**
 * The launcher (run unelevated): starts `exe` with the inner command, through UAC when `elevate`
 * (ShellExecute "runas"), waits, prints one line: LANTRUST-EXIT n | LANTRUST-DECLINED | LANTRUST-ERROR text.
 * ProcessStartInfo rather than Start-Process: a declined prompt is Win32 error 1223 in every language.
 */
export function launcherCommand(o: { exe: string; inner: string; elevate: boolean }): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    '$psi = New-Object System.Diagnostics.ProcessStartInfo',
    `$psi.FileName = ${psQuote(o.exe)}`,
    `$psi.Arguments = '${encodedArgs(o.inner).join(' ')}'`,
    ...(o.elevate
      ? ['$psi.UseShellExecute = $true', "$psi.Verb = 'runas'", '$psi.WindowStyle = [System.Diagnostics.ProcessWindowStyle]::Hidden']
      : ['$psi.UseShellExecute = $false', '$psi.CreateNoWindow = $true']),
    'try {',
    '    $p = [System.Diagnostics.Process]::Start($psi)',
    '    $null = $p.Handle',
    '    $p.WaitForExit()',
    "    Write-Output ('LANTRUST-EXIT ' + $p.ExitCode)",
    '} catch {',
    '    $e = $_.Exception',
    '    while ($e) {',
    "        if (($e -is [System.ComponentModel.Win32Exception]) -and ($e.NativeErrorCode -eq 1223)) { Write-Output 'LANTRUST-DECLINED'; exit 0 }",
    '        $e = $e.InnerException',
    '    }',
    "    Write-Output ('LANTRUST-ERROR ' + ($_.Exception.Message -replace '[\\r\\n]+', ' '))",
    '}',
  ].join('\n');
}

export type LaunchAnswer = { kind: 'exit'; code: number } | { kind: 'declined' } | { kind: 'error'; message: string };

/** Reads the launcher's one line from its output. */
export function parseLauncher(stdout: string, stderr = ''): LaunchAnswer {
  // The last marker line wins (with UseShellExecute off, the script's own output comes first).
  for (const l of stdout.split(/\r?\n/).map((x) => x.trim()).reverse()) {
    if (l === 'LANTRUST-DECLINED') return { kind: 'declined' };
    const m = /^LANTRUST-EXIT (-?\d+)$/.exec(l);
    if (m) return { kind: 'exit', code: Number(m[1]) };
    if (l.startsWith('LANTRUST-ERROR ')) return { kind: 'error', message: l.slice('LANTRUST-ERROR '.length).trim() };
  }
  const why = stderr.trim().split(/\r?\n/).filter(Boolean).pop()?.trim();
  return { kind: 'error', message: why ? `PowerShell gave no answer (${why})` : 'PowerShell gave no answer' };
}

/** The script's one-line result from its log ("2025-01-01T10:00:00 LanTrust: added the ..."): the text after "LanTrust: ". */
export function resultFromLog(log: string): { line: string; failed: boolean } | undefined {
  const last = log
    .split(/\r?\n/)
    .map((l) => /^\S+ LanTrust: (.+)$/.exec(l.trim())?.[1])
    .filter((l): l is string => Boolean(l))
    .pop();
  if (!last) return undefined;
  const failed = last.startsWith('FAILED: ');
  return { line: failed ? last.slice('FAILED: '.length) : last, failed };
}

export interface ElevatedOutcome {
  /** The script ran and said it succeeded. */
  ok: boolean;
  /** The user said no (or could not give admin credentials) at the UAC prompt. */
  declined: boolean;
  /** Something changed (added/removed); false when it was already so. */
  changed: boolean;
  /** One sentence for the store row. */
  message: string;
}

/** Turns what the launcher printed and what the script logged into one outcome. */
export function outcomeOf(answer: LaunchAnswer, log: string | undefined): ElevatedOutcome {
  const no = (message: string, declined = false): ElevatedOutcome => ({ ok: false, declined, changed: false, message });
  if (answer.kind === 'declined') return no(DECLINED, true);
  if (answer.kind === 'error') return no(`Windows could not start PowerShell as administrator (${answer.message.replace(/\.$/, '')}); nothing was changed.`);
  if (answer.code === TAMPERED_EXIT) return no('the script changed on disk before it could run, so it was not run; nothing was changed — try again.');
  const r = log === undefined ? undefined : resultFromLog(log);
  if (!r) return no(`PowerShell ended with exit code ${answer.code} and wrote no result; copy the diagnostics and send them to your helpdesk.`);
  const line = r.line.replace(/\.$/, '') + '.';
  if (r.failed || answer.code !== 0) return no(line);
  return { ok: true, declined: false, changed: /^(added|removed) /.test(r.line), message: line };
}

/** Is this process an elevated administrator? (Windows: WindowsPrincipal; elsewhere: env.isRoot.) */
export async function isElevated(env: StoreEnv): Promise<boolean> {
  if (env.platform !== 'win32') return env.isRoot;
  const exe = await powershellPath(env);
  if (!exe) return false;
  const check = '([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)';
  const r = await run(exe, encodedArgs(check), { timeoutMs: 60_000 });
  return r.stdout.trim() === 'True';
}

export interface ElevatedRun {
  kind: 'install' | 'uninstall';
  /** The generated Install-/Uninstall-LanTrustRoot.ps1 bytes (packScript). */
  script: Buffer;
  env: StoreEnv;
  /** Ask Windows for administrator approval (UAC); false when already elevated. */
  elevate: boolean;
  scope?: Scope;
  /** Parent of the fresh temp folder (tests: a path with spaces and quotes); default: the OS temp folder. */
  tempRoot?: string;
}

/** Writes the script to a fresh private temp folder, runs it (elevated if asked), returns the outcome; the folder is removed. */
export async function runPackScriptElevated(o: ElevatedRun): Promise<ElevatedOutcome> {
  const exe = await powershellPath(o.env);
  if (!exe) return { ok: false, declined: false, changed: false, message: 'PowerShell was not found; it ships with Windows, so check PATH.' };
  // mkdtemp: a new folder, 0700 on POSIX; on Windows under %TEMP%, which only this user (and admins) can write.
  const dir = await mkdtemp(join(o.tempRoot ?? tmpdir(), 'lantrust-elevate-'));
  const scriptPath = join(dir, o.kind === 'install' ? 'Install-LanTrustRoot.ps1' : 'Uninstall-LanTrustRoot.ps1');
  const logPath = join(dir, 'lantrust.log');
  try {
    await writeFile(scriptPath, o.script, { mode: 0o600 });
    const inner = innerCommand({ kind: o.kind, scriptPath, scriptSha256: createHash('sha256').update(o.script).digest('hex'), logPath, scope: o.scope ?? 'LocalMachine' });
    const launcher = launcherCommand({ exe, inner, elevate: o.elevate });
    const env = { ...process.env, HOME: o.env.home, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' };
    // The UAC prompt waits for a person: allow them time.
    const r = await run(exe, encodedArgs(launcher), { env, timeoutMs: 15 * 60_000 });
    const log = await readFile(logPath, 'latin1').catch(() => undefined);
    return outcomeOf(parseLauncher(r.stdout, r.stderr), log);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
