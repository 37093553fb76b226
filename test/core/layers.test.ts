// The layering the design promises, checked on the source: nothing below the CLI imports it, and
// only the Electron entry points import electron (core logic runs in plain Node, CLI and web UI alike).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/main/build/stage.js';

const SRC = join(PROJECT_ROOT, 'src', 'main');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(c|m)?ts$/.test(n) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s*)(['"])([^'"]+)\1/gm)].map((m) => m[2]!);
}

describe('layers', () => {
  const all = files(SRC).map((f) => relative(SRC, f).replace(/\\/g, '/'));

  it('no module outside src/main/cli/ imports from it', () => {
    expect(all.length).toBeGreaterThan(50);
    const offenders = all.filter((f) => !f.startsWith('cli/')).flatMap((f) => imports(join(SRC, f)).filter((s) => /(^|\/)cli\//.test(s)).map((s) => `${f} -> ${s}`));
    expect(offenders).toEqual([]);
  });

  it('certificate reading and name constraints stand alone: cert/ and constraints/ import only each other', () => {
    const low = all.filter((f) => f.startsWith('cert/') || f.startsWith('constraints/'));
    expect(low.length).toBeGreaterThan(5);
    const offenders = low.flatMap((f) => imports(join(SRC, f)).filter((s) => s.startsWith('.') && !/^\.\/|^\.\.\/(cert|constraints)\/|^\.\.\/errors\.js$/.test(s)).map((s) => `${f} -> ${s}`));
    expect(offenders).toEqual([]);
  });

  it('only the Electron entry points import electron', () => {
    const users = all.filter((f) => imports(join(SRC, f)).includes('electron'));
    expect(users.sort()).toEqual(['electron.ts', 'preload.cts']);
  });
});
