// .github/workflows/windows.yml can't run here; we check it parses and that every lantrust command it
// runs exists with the options it passes (so CI fails on Windows problems, not on our typos).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/main/build/stage.js';

interface Step { name?: string; run?: string; uses?: string; shell?: string; with?: Record<string, unknown> }
interface Job { 'runs-on': string; steps: Step[]; strategy?: { matrix: { include: { exe: string }[] } } }

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): unknown };
const wf = yaml.load(readFileSync(`${PROJECT_ROOT}/.github/workflows/windows.yml`, 'utf8')) as { jobs: Record<string, Job> };

describe('.github/workflows/windows.yml', () => {
  it('runs on windows-latest with Node 22, builds the installer, uploads it, and tests PowerShell 5.1 and 7', () => {
    const { installer, powershell } = wf.jobs;
    expect(installer!['runs-on']).toBe('windows-latest');
    expect(powershell!['runs-on']).toBe('windows-latest');
    const setup = installer!.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(setup?.with?.['node-version']).toBe(22);
    const runs = installer!.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npm ci/);
    expect(runs).toMatch(/build-installer .*--pfx .*--download/);
    expect(runs).toMatch(/vitest run --config test\/windows\/vitest\.config\.ts/);
    expect(installer!.steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true);
    expect(powershell!.strategy!.matrix.include.map((m) => m.exe)).toEqual(['powershell.exe', 'pwsh.exe']);
  });

  it('every `lantrust VERB --option` it runs exists', async () => {
    const all = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');
    const calls = [...all.matchAll(/node bin\/lantrust\.js ([a-z-]+)((?: [^\n|;]*)?)/g)];
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const [, verb, rest] of calls) {
      const mod = (await import(`../../src/main/cli/${verb}.ts`)) as { help: string };
      for (const opt of rest!.match(/--[a-z-]+/g) ?? []) expect(mod.help, `lantrust ${verb} ${opt}`).toContain(opt);
    }
  });
});
