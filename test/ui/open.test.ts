// `lantrust ui` opens the browser without putting the token on a command line (every local user can read
// those in /proc): the opener gets the path of a redirect file in a private folder, real Chromium follows
// that file to the tokened address, and the file is gone once the page has used the token (or when
// `lantrust ui` stops). The opener here is a stand-in xdg-open first on PATH that records its own
// /proc/PID/cmdline, which is exactly what another user would see.
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeProfile, type TestProfile } from '../build/fixtures.js';
import { BIN } from '../helpers/cli.js';
import { CHROMIUM_FLAGS, findTool } from '../helpers/oracles.js';

interface Running {
  child: ChildProcess;
  url: string;
  out: () => string;
}

describe('lantrust ui opens the browser through a private redirect file', () => {
  let dir: string;
  let profile: TestProfile;
  let env: NodeJS.ProcessEnv;
  let browser: Browser;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lantrust-open-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'xdg-open'), '#!/bin/sh\ncat /proc/$$/cmdline > "$OPENER_OUT.tmp" && mv "$OPENER_OUT.tmp" "$OPENER_OUT"\n');
    chmodSync(join(bin, 'xdg-open'), 0o755);
    for (const d of ['home', 'anchors', 'policies']) mkdirSync(join(dir, d));
    profile = writeProfile();
    env = {
      ...process.env,
      NO_COLOR: '1',
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      HOME: join(dir, 'home'),
      LANTRUST_SYSTEM_ANCHOR_DIR: join(dir, 'anchors'),
      LANTRUST_CHROME_POLICY_DIRS: join(dir, 'policies'),
    };
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: findTool('chromium'), args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') });
  });

  afterAll(async () => {
    await browser?.close();
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    rmSync(profile.dir, { recursive: true, force: true });
  });

  async function start(args: string[], openerOut: string): Promise<Running> {
    const child = spawn(process.execPath, [BIN, 'ui', '--config', profile.config, ...args], { env: { ...env, OPENER_OUT: openerOut }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await expect.poll(() => /Press Ctrl-C to stop/.test(out), { timeout: 30_000 }).toBe(true);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out)?.[1];
    if (!url) throw new Error(`lantrust ui printed no address: ${out}`);
    return { child, url, out: () => out };
  }

  const stop = (r: Running) =>
    new Promise<void>((resolve) => {
      if (r.child.exitCode !== null) return resolve();
      r.child.once('exit', () => resolve());
      r.child.kill('SIGINT');
    });

  /** The opener's command line as /proc showed it, and the file it was given. */
  async function openerCall(openerOut: string): Promise<{ argv: string[]; file: string }> {
    await expect.poll(() => existsSync(openerOut), { timeout: 15_000 }).toBe(true);
    const argv = readFileSync(openerOut, 'latin1').split('\0').filter(Boolean);
    return { argv, file: argv[argv.length - 1]! };
  }

  it('the opener never sees the token; Chromium follows the file to the app, which then works; the file is removed', async () => {
    const openerOut = join(dir, 'opener-1');
    const ui = await start([], openerOut);
    const token = ui.url.split('#token=')[1]!;
    expect(ui.out()).toMatch(/Opened in your browser/);
    const { argv, file } = await openerCall(openerOut);
    expect(argv.join(' ')).toContain('xdg-open');
    expect(argv.join(' ')).not.toContain(token);
    expect(argv.join(' ')).not.toContain('token');
    // Only this user can read the file or list its folder.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).uid).toBe(process.getuid!());

    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForURL((u) => u.href === ui.url, { timeout: 20_000 });
    // The company name comes from an API call, which needs the token: the page got it from the fragment.
    await expect.poll(() => page.locator('#company').textContent(), { timeout: 20_000 }).toBe('Acme Müller & Söhne GmbH');
    await expect.poll(() => existsSync(dirname(file)), { timeout: 10_000 }).toBe(false);
    await page.close();
    await stop(ui);
  });

  it('a file the browser never opened is removed when lantrust ui stops; --no-open starts no opener and prints the same kind of address', async () => {
    const openerOut = join(dir, 'opener-2');
    const ui = await start([], openerOut);
    const { file } = await openerCall(openerOut);
    expect(readFileSync(file, 'utf8')).toContain(ui.url);
    await stop(ui);
    expect(existsSync(dirname(file))).toBe(false);

    const quiet = join(dir, 'opener-3');
    const noOpen = await start(['--no-open'], quiet);
    expect(noOpen.out()).toMatch(/the lantrust app is at:\n {2}http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+\nOpen that address in your browser/);
    await stop(noOpen);
    expect(existsSync(quiet)).toBe(false);
  });

  it('only opening the page itself may come from another site (the redirect file is file://); scripts and the API may not', async () => {
    const ui = await start(['--no-open'], join(dir, 'opener-4'));
    const status = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(ui.url);
        get({ host: '127.0.0.1', port: Number(u.port), path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    const nav = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    expect(await status('/', nav)).toBe(200);
    expect(await status('/index.html', nav)).toBe(200);
    expect(await status('/app.js', nav)).toBe(403);
    expect(await status('/app.js', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' })).toBe(403);
    expect(await status('/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'iframe' })).toBe(403);
    expect(await status('/app.js', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' })).toBe(200);
    await stop(ui);
  });
});
