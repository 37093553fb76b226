// Copies of the built app (win-unpacked) for the Windows tests: the shipped program stays untouched,
// a copy may have a fuse flipped back (Playwright drives Electron through --inspect, which the shipped
// program refuses) or a changed app.asar. Flipping a fuse breaks the copy's signature; the copy is a test
// fixture, never shipped. Also runs a program for a while and reports what it did.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ART = join(process.cwd(), 'test-artifacts', 'app-copies');

/** The packaged LanTrust.exe the workflow built (installer\win-unpacked\LanTrust.exe). */
export function shippedExe(): string {
  const exe = process.env.LANTRUST_APP_EXE;
  if (!exe) throw new Error('LANTRUST_APP_EXE is not set; the Windows workflow sets it to installer\\win-unpacked\\LanTrust.exe');
  return exe;
}

/** A fresh copy of the app folder; returns the copy's LanTrust.exe. */
export function copyApp(name: string, exe = shippedExe()): string {
  const dir = join(ART, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(dirname(exe), dir, { recursive: true });
  return join(dir, basename(exe));
}

/** Flips fuses in a copy with @electron/fuses (e.g. { EnableNodeCliInspectArguments: true }). */
export async function flipInCopy(exe: string, fuses: Record<string, boolean>): Promise<void> {
  const f = require('@electron/fuses') as typeof import('@electron/fuses');
  const config: Record<string, unknown> = { version: f.FuseVersion.V1 };
  for (const [name, on] of Object.entries(fuses)) config[String(f.FuseV1Options[name as keyof typeof f.FuseV1Options])] = on;
  await f.flipFuses(exe, config as Parameters<typeof f.flipFuses>[1]);
}

interface AsarNode {
  files?: Record<string, AsarNode>;
  offset?: string;
  size?: number;
}

/** Changes text in `file` inside the copy's app.asar in place (the header still records the old SHA-256). */
export function editInAsar(exe: string, file: string, find: string, replace: string): void {
  const asar = require('@electron/asar') as { getRawHeader(p: string): { header: AsarNode; headerSize: number } };
  const archive = join(dirname(exe), 'resources', 'app.asar');
  const { header, headerSize } = asar.getRawHeader(archive);
  const node = file.split('/').reduce<AsarNode | undefined>((n, part) => n?.files?.[part], header);
  if (!node?.offset || node.size === undefined) throw new Error(`${file} is not in ${archive}`);
  const bytes = readFileSync(archive);
  const start = 8 + headerSize + Number(node.offset);
  const region = bytes.subarray(start, start + node.size);
  const at = region.indexOf(find);
  if (at < 0 || find.length !== replace.length) throw new Error(`"${find}" is not in ${file}, or the replacement changes its length`);
  region.write(replace, at, 'utf8');
  writeFileSync(archive, bytes);
}

export interface RunOutcome {
  /** Exit code, or undefined when it was still running after `ms` (then it was stopped). */
  code: number | undefined;
  output: string;
}

/**
 * Starts `exe` and waits up to `ms` for it to exit, or for `until` to appear in its output; then stops it
 * and its child processes. A GUI app that keeps running is "still running" (code undefined).
 */
export function runFor(exe: string, args: string[], env: NodeJS.ProcessEnv, ms: number, until?: RegExp): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(exe, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let done = false;
    const finish = (code: number | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.pid) spawnSync('taskkill', ['/PID', String(child.pid), '/T', '/F']);
      resolve({ code, output });
    };
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until?.test(output)) finish(undefined);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => finish(code ?? -1));
    child.on('error', (e) => {
      output += String(e);
      finish(-1);
    });
    const timer = setTimeout(() => finish(undefined), ms);
  });
}

/** Unpacks the copy's app.asar, changes text in `file`, and packs it again (fresh hashes in the new header). */
export async function rebuildAsar(exe: string, file: string, find: string, replace: string): Promise<void> {
  const asar = require('@electron/asar') as { extractAll(a: string, d: string): void; createPackage(src: string, dest: string): Promise<unknown>; uncache(a: string): boolean };
  const archive = join(dirname(exe), 'resources', 'app.asar');
  const dir = `${archive}.src`;
  asar.uncache(archive); // @electron/asar caches headers by path; this archive may have been edited since
  asar.extractAll(archive, dir);
  const path = join(dir, ...file.split('/'));
  writeFileSync(path, readFileSync(path, 'utf8').replace(find, replace));
  rmSync(archive);
  await asar.createPackage(dir, archive);
  asar.uncache(archive);
  rmSync(dir, { recursive: true, force: true });
}
