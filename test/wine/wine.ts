// Wine as a second, independent implementation of the Windows CryptoAPI and registry: a throw-away
// WINEPREFIX and the certstore.c oracle, compiled with mingw at test time. Each Wine start costs
// seconds here, so tests send many steps through one `certstore batch`. Runs are asynchronous so the
// test worker stays responsive while Wine works.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findTool } from '../helpers/oracles.js';

const exec = promisify(execFile);

export interface Step {
  cmd: string;
  rc: number;
  out: string;
}

export interface Wine {
  /** Runs certstore commands ("list registry 0x80000 Root", "add ...", "regkey HKLM\\...") in one Wine start. */
  batch(lines: string[]): Promise<Step[]>;
  dir: string;
  close(): Promise<void>;
}

export async function startWine(): Promise<Wine> {
  const wine = findTool('wine64');
  const gcc = findTool('x86_64-w64-mingw32-gcc');
  const dir = mkdtempSync(join(tmpdir(), 'lantrust-wine-'));
  const exe = join(dir, 'certstore.exe');
  await exec(gcc, ['-O1', '-o', exe, fileURLToPath(new URL('./certstore.c', import.meta.url)), '-lcrypt32']);
  const env = { ...process.env, WINEPREFIX: join(dir, 'prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '' };
  const opts = { env, cwd: dir, timeout: 300_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' as const };
  await exec(wine, ['wineboot', '-i'], opts);
  let n = 0;
  return {
    dir,
    async batch(lines) {
      const file = join(dir, `batch-${n++}.txt`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const { stdout } = await exec(wine, [exe, 'batch', file], opts);
      const steps: Step[] = [];
      for (const part of stdout.split(/^== /m).slice(1)) {
        const m = /^(.*)\r?\n([\s\S]*?)rc=(-?\d+)\s*$/.exec(part);
        if (m) steps.push({ cmd: m[1]!.trim(), out: m[2]!, rc: Number(m[3]) });
      }
      if (steps.length !== lines.length) throw new Error(`certstore batch ran ${steps.length} of ${lines.length} steps: ${stdout.slice(-500)}`);
      return steps;
    },
    async close() {
      await exec(join(wine, '..', 'wineserver'), ['-k'], { env, timeout: 30_000 }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One line of `certstore list`: SHA-1 as CryptoAPI computed it, friendly name ('-' when none; spaces as _), DER. */
export interface Listed {
  sha1: string;
  name: string;
  der: Buffer;
}

export function parseList(stdout: string): Listed[] {
  return stdout
    .split(/\r?\n/)
    .filter((l) => /^[0-9A-F]{40} /.test(l))
    .map((l) => {
      const [sha1, name, hex] = l.trim().split(' ');
      return { sha1: sha1!, name: name!, der: Buffer.from(hex!, 'hex') };
    });
}
