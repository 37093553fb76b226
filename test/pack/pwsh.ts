// Running generated PowerShell for real under pwsh, with a throw-away HOME so the user's own
// CurrentUser\Root (~/.dotnet/corefx/cryptography/x509stores/root) is never touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../helpers/oracles.js';

export interface PwshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function pwshPath(): string {
  return findTool('pwsh');
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'lantrust-pshome-'));
}

/** Runs `pwsh -File file args...` with HOME=home: the way GPO/Intune run a script, exit code included. */
export function pwshFile(file: string, args: string[], home: string): PwshResult {
  const r = spawnSync(pwshPath(), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', file, ...args], {
    env: { ...process.env, HOME: home, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `text` to a temp .ps1 and runs it; for batching many checks into one pwsh start. */
export function pwshScript(text: string, home: string): PwshResult {
  const dir = mkdtempSync(join(tmpdir(), 'lantrust-ps-'));
  const file = join(dir, 'driver.ps1');
  writeFileSync(file, `\ufeff${text}`);
  return pwshFile(file, [], home);
}

/** The last line of stdout that parses as JSON (drivers print one JSON document at the end). */
export function lastJson<T>(r: PwshResult): T {
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{') || l.startsWith('['));
  if (!line) throw new Error(`pwsh printed no JSON (exit ${r.code}): ${r.stdout.slice(-800)} ${r.stderr.slice(-800)}`);
  return JSON.parse(line) as T;
}
