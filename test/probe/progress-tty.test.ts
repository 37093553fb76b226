// `lantrust test` with a longer list: a progress bar on a real terminal (a pty made by util-linux
// `script`), nothing of the kind when the output is piped, and the same final report either way.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cliAsync } from '../helpers/cli.js';
import { findTool } from '../helpers/oracles.js';
import { makeCa, makeLeaf, refusedPort, serveTls, type Endpoint } from '../verify/corpus.js';

const script = findTool('script'); // util-linux; in CI its absence throws
const N = 40;
let dir: string;
let good: Endpoint;
let urls: string[];
let args: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lantrust-progress-'));
  const root = makeCa({ name: 'Progress Root' });
  good = await serveTls('good', '127.0.0.1', makeLeaf({ issuer: root, ip: ['127.0.0.1'] }));
  const refused = await refusedPort('refused', '127.0.0.1');
  // 38 that load, 2 that are refused; 3 given as arguments, the rest from a file
  urls = Array.from({ length: N }, (_, i) => (i === 7 || i === 31 ? `${refused.url}r${i}` : `${good.url}cam${i}`));
  const rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, root.pem);
  const list = join(dir, 'cams.txt');
  writeFileSync(list, `# fleet\n${urls.slice(3).join('\n')}\n`);
  args = ['test', ...urls.slice(0, 3), '--from', list, '--root', rootFile, '--timeout', '3000'];
});

afterAll(async () => {
  await good?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SGR = /\x1b\[[0-9;]*m/g; // colours, which a terminal gets too

/** The report lines every run must end with, whatever the terminal. */
function expectReport(out: string): void {
  const lines = out.replace(SGR, '').split('\n');
  for (const [i, u] of urls.entries()) {
    const line = lines.filter((l) => l.includes(` ${u} `));
    expect(line, u).toHaveLength(1);
    expect(line[0], u).toMatch(i === 7 || i === 31 ? /^ {2}✗ \S+ {2}net::ERR_CONNECTION_REFUSED/ : /^ {2}✓ \S+ {2}net::OK {2}TLSv1\.3/);
  }
  // what needs doing comes first: the two refused cameras as one group with one fix, then the 38 that load
  const group = lines.indexOf('2 cameras: nothing listens on the port');
  expect(group).toBe(0);
  expect(lines[group + 1]).toMatch(/→ enable HTTPS on the cameras/);
  expect(lines.indexOf('38 cameras load in Chrome')).toBeGreaterThan(lines.findLastIndex((l) => l.includes('✗')));
  expect(lines).toContain(`2 of ${N} would fail in Chrome.`);
}

describe('lantrust test progress bar', () => {
  test('on a terminal: one frame per camera on stderr, cleared before the report, and the report is intact', async () => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const { code, raw } = await new Promise<{ code: number; raw: string }>((resolve) => {
      // -e: script exits with the command's exit code; -q: no "Script started" banner
      const p = spawn(script!, ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '', TERM: 'xterm' } });
      let raw = '';
      p.stdout.on('data', (d: Buffer) => (raw += d.toString()));
      p.stderr.on('data', (d: Buffer) => (raw += d.toString()));
      const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.on('close', (c) => (clearTimeout(t), resolve({ code: c ?? -1, raw })));
    });
    const out = raw.replace(/\r\n/g, '\n'); // the pty turns \n into \r\n; the bar's own \r stay bare
    expect(code).toBe(1);
    const frames = [...out.matchAll(/\r\[([#.]{30})\] (\d+)\/40/g)].map((m) => ({ bar: m[1]!, done: Number(m[2]) }));
    expect(frames.map((f) => f.done)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(frames.at(-1)!.bar).toBe('#'.repeat(30));
    expect(frames[0]!.bar).toMatch(/^#?\.+$/);
    // colours are on (it is a terminal), and the bar's line is wiped before the report begins
    expect(out).toMatch(SGR);
    const cleared = out.indexOf('\r\x1b[K', out.lastIndexOf('40/40'));
    expect(cleared).toBeGreaterThan(0);
    const report = out.slice(cleared + 4);
    expect(report).not.toMatch(/\r|\/40\b/);
    expectReport(report);
  });

  test('piped: no progress, no escape codes, the same report', async () => {
    const r = await cliAsync(args, { env: { NO_COLOR: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/\x1b|\r/);
    expectReport(r.stdout);
  });
});
