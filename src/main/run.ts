// The one way lantrust runs another program (certutil, PowerShell, osslsigncode, security, reg...):
// no shell, arguments as a list, secrets through stdin (never argv, which `ps` shows everyone), no
// console window on Windows, one timeout and one exit-code convention. It never throws: callers read
// `code` (127 = the program isn't there, 124 = it ran past the timeout and was stopped).
import { spawn } from 'node:child_process';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed. */
  input?: string;
  /** Stop the program after this long (default 60 s); 0 waits for as long as it takes (a dialog a person must answer). */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The program could not be started (not installed, not executable): code 127. */
  notFound?: boolean;
  /** The program ran past the timeout and was stopped: code 124. */
  timedOut?: boolean;
}

export const EXIT_NOT_FOUND = 127;
export const EXIT_TIMEOUT = 124;
/** Output kept per stream; a tool that writes more is cut off, not allowed to fill memory. */
const MAX_OUTPUT = 32 * 1024 * 1024;

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), child.kill()), timeoutMs) : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => stdout.length < MAX_OUTPUT && (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.length < MAX_OUTPUT && (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => finish({ code: EXIT_NOT_FOUND, stdout, stderr: stderr || `${cmd}: ${e.message}`, notFound: true }));
    child.on('close', (code, signal) => {
      if (timedOut) finish({ code: EXIT_TIMEOUT, stdout, stderr: `${stderr}${stderr ? '\n' : ''}${cmd} did not finish within ${timeoutMs / 1000} s and was stopped`, timedOut: true });
      else finish({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the program may exit before reading stdin
    child.stdin.end(opts.input ?? '');
  });
}
