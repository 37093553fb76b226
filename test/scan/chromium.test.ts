// scan-page against real headless Chromium: pages on 127.0.0.1 (https and http) embedding cameras
// every way the rules distinguish. Chromium trusts the test root through an NSS db; lantrust gets
// the same root. For each source, lantrust's `loads` must equal what Chromium really did (an
// img's naturalWidth, a frame's document, a CSS image's resource-timing status).
//
// Non-loopback URLs (http://192.168.1.50:P/..., http://203.0.113.7:P/...) are given to Chromium
// through a proxy on 127.0.0.1 that sends them to 127.0.0.1:P, and to lantrust through --resolve:
// no packet leaves 127.0.0.1. Local Network Access can't trigger here (the page on 127.0.0.1 is
// itself loopback, the most private space); its rule is unit-tested in rules.test.ts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rewriteDocument } from '../../src/main/scan/fix.js';
import { scanPage, type ScanReport } from '../../src/main/scan/index.js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { startDualPort, type DualPort } from '../../src/main/sim/dual-port.js';
import { CHROMIUM_FLAGS, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';
import { makeRoot, serve, startProxy, type Served } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'lantrust-scan-'));
const root = makeRoot('Scan Test', { permitDns: ['cams.test'], permitCidr: ['127.0.0.0/8', '192.168.0.0/16'] });
const rogue = makeRoot('Camera Vendor'); // not trusted: like an Axis self-signed / device-ID cert
const rootFile = join(dir, 'root.pem');
writeFileSync(rootFile, root.pem);

let cam: SimCamera, bad: SimCamera, camDual: DualPort, badDual: DualPort, pageServer: Served, proxy: Served & { seen: string[] };
let nss: ReturnType<typeof makeNssHome>;
let browser: Browser;
const docs = new Map<string, string>();

// One source per case, each tagged id=N so lantrust's results and Chromium's elements line up.
function httpsPage(): string {
  const C = cam.port, D = camDual.port, B = bad.port, DB = badDual.port;
  const jpg = (base: string, id: string) => `${base}/axis-cgi/jpg/image.cgi?id=${id}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Cameras</title>
<style>.c11 { width: 8px; height: 8px; background: url("${jpg(`http://203.0.113.7:${D}`, 'c11')}") }</style></head><body>
<img id="c1" src="${jpg(`http://192.168.1.50:${D}`, 'c1')}" alt="private IP over http">
<img id="c2" src='${jpg(`http://203.0.113.7:${D}`, 'c2')}' alt="public IP over http">
<img id="c3" src=${jpg(`http://cam.cams.test:${D}`, 'c3')} alt="name over http: upgraded">
<img id="c4" src="${jpg(`http://bad.cams.test:${DB}`, 'c4')}" alt="upgraded to a bad cert">
<img id="c5" src="https://cam.cams.test:${C}/axis-cgi/mjpg/video.cgi?id=c5&amp;fps=2" alt="https stream">
<img id="c6" src="${jpg(`https://bad.cams.test:${B}`, 'c6')}" alt="https, untrusted cert">
<img id="c7" src="${jpg(`https://192.168.1.50:${C}`, 'c7')}" alt="https by IP">
<img id="c8" srcset="${jpg(`http://192.168.1.50:${D}`, 'c8')} 1x" alt="srcset">
<picture><source srcset="${jpg(`http://bad.cams.test:${DB}`, 'c9')}"><img id="c9" alt="picture"></picture>
<div id="c10" style="width:8px;height:8px;background-image:url(${jpg(`http://cam.cams.test:${D}`, 'c10')})"></div>
<div id="c11" class="c11"></div>
<iframe id="c12" src="http://cam.cams.test:${D}/?id=c12"></iframe>
<iframe id="c13" src="https://cam.cams.test:${C}/?id=c13"></iframe>
<img id="c14" src="${jpg(`http://192.168.1.66:${DB}`, 'c14')}" alt="private IP over http, bad https">
<img id="c15" src="${jpg(`http://127.0.0.1:${D}`, 'c15')}" alt="loopback over http">
</body></html>`;
}

function httpPage(): string {
  const D = camDual.port, B = bad.port;
  const jpg = (base: string, id: string) => `${base}/axis-cgi/jpg/image.cgi?id=${id}`;
  return `<!doctype html><title>Cameras (http)</title>
<img id="h1" src="${jpg(`http://192.168.1.50:${D}`, 'h1')}">
<img id="h2" src="${jpg(`http://203.0.113.7:${D}`, 'h2')}">
<img id="h3" src="${jpg(`http://cam.cams.test:${D}`, 'h3')}">
<img id="h4" src="${jpg(`https://bad.cams.test:${B}`, 'h4')}">
<iframe id="h5" src="http://cam.cams.test:${D}/?id=h5"></iframe>`;
}

// upgrade-insecure-requests: Chrome upgrades every http:// source, IP hosts and frames included.
function uirPage(): string {
  const D = camDual.port, DB = badDual.port;
  const jpg = (base: string, id: string) => `${base}/axis-cgi/jpg/image.cgi?id=${id}`;
  return `<!doctype html><meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests"><title>UIR</title>
<img id="u1" src="${jpg(`http://192.168.1.50:${D}`, 'u1')}">
<img id="u2" src="${jpg(`http://203.0.113.7:${D}`, 'u2')}">
<img id="u3" src="${jpg(`http://192.168.1.66:${DB}`, 'u3')}">
<img id="u4" src="${jpg(`http://127.0.0.1:${D}`, 'u4')}">
<iframe id="u5" src="http://cam.cams.test:${D}/?id=u5"></iframe>`;
}

const resolve = () => ['cam.cams.test', 'bad.cams.test', '192.168.1.50', '192.168.1.66', '203.0.113.7'].flatMap((h) => [cam.port, camDual.port, bad.port, badDual.port].map((p) => `${h}:${p}:127.0.0.1`));

/** What Chromium really showed, per id. */
async function chromium(url: string): Promise<Map<string, boolean>> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  // CSS images have no element to ask, and cross-origin resource timing hides the status: use
  // Chromium's own network log.
  const responses = new Map<string, number>();
  page.on('response', (r) => responses.set(r.url(), r.status()));
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 20_000 });
    await page.waitForFunction(() => [...document.images].every((i) => i.complete || i.naturalWidth > 0), undefined, { timeout: 15_000 });
    await page.waitForTimeout(500);
    const seen = new Map<string, boolean>(
      await page.evaluate(() => {
        return [...document.images].map((i): [string, boolean] => [i.id, i.naturalWidth > 0]);
      }),
    );
    for (const d of await page.$$eval('div[id]', (ds) => ds.map((x) => x.id))) seen.set(d, [...responses].some(([u, status]) => u.includes(`id=${d}`) && status === 200));
    for (const f of await page.$$('iframe')) {
      const id = (await f.getAttribute('id'))!;
      const frame = await f.contentFrame();
      const title = frame ? await frame.evaluate(() => document.title).catch(() => '') : '';
      seen.set(id, title === 'Simulated AXIS camera');
    }
    return seen;
  } finally {
    await ctx.close();
  }
}

const idOf = (u: string) => /[?&]id=(\w+)/.exec(u)?.[1];
function lantrust(report: ScanReport): Map<string, boolean> {
  return new Map(report.results.map((r) => [idOf(r.url)!, r.loads]));
}

beforeAll(async () => {
  const good = root.issue({ dns: ['cam.cams.test'], ip: ['192.168.1.50', '127.0.0.1'] });
  const vendor = rogue.issue({ dns: ['bad.cams.test'], ip: ['192.168.1.66'] });
  cam = await startCamera({ key: good.keyPem, cert: good.certPem, fps: 2 });
  bad = await startCamera({ key: vendor.keyPem, cert: vendor.certPem });
  camDual = await startDualPort(cam.port);
  badDual = await startDualPort(bad.port);
  const pageCert = root.issue({ dns: ['intranet.cams.test'], ip: ['127.0.0.1'] });
  const handler = (p: string) => (docs.has(p) ? { type: 'text/html; charset=utf-8', body: docs.get(p)! } : undefined);
  pageServer = await serve(handler, pageCert);
  const httpServer = await serve(handler);
  docs.set('/cams.html', httpsPage());
  docs.set('/plain.html', httpPage());
  docs.set('/uir.html', uirPage());
  (globalThis as { __httpPort?: number }).__httpPort = httpServer.port;
  proxy = await startProxy(() => [cam.port, camDual.port, bad.port, badDual.port]);
  nss = makeNssHome();
  nssAddRoot(nss.db, rootFile, 'scan-test');
  const { chromium: pw } = await import('playwright-core');
  browser = await pw.launch({
    executablePath: findTool('chromium'),
    args: [...CHROMIUM_FLAGS.filter((f) => f !== '--headless'), `--proxy-server=http://127.0.0.1:${proxy.port}`],
    env: { ...process.env, HOME: nss.home } as Record<string, string>,
  });
});

afterAll(async () => {
  await browser?.close();
  for (const s of [cam, bad, camDual, badDual, pageServer, proxy]) await s?.close();
  nss?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('scan-page agrees with Chromium', () => {
  let report: ScanReport;
  let doc: Awaited<ReturnType<typeof scanPage>>['doc'];

  test('https page: every source', async () => {
    const url = `https://127.0.0.1:${pageServer.port}/cams.html`;
    ({ report, doc } = await scanPage(url, { roots: [rootFile], resolve: resolve() }));
    const truth = await chromium(url);
    expect(report.page.chrome.error).toBe('net::OK');
    expect(report.results).toHaveLength(15);
    expect(Object.fromEntries(lantrust(report))).toEqual(Object.fromEntries(truth));
    // The cases really differ: some load, some don't, each for its own reason.
    const by = (id: string) => report.results.find((r) => idOf(r.url) === id)!;
    expect(by('c1')).toMatchObject({ treatment: 'http-local', loads: true, rewrite: expect.stringMatching(/^https:\/\/192\.168\.1\.50:/) });
    expect(by('c2')).toMatchObject({ treatment: 'blocked-mixed', loads: false, chrome: { error: 'blocked:mixed-content' } });
    expect(by('c2').rewrite).toBeUndefined(); // its https form has no certificate for 203.0.113.7
    expect(by('c3')).toMatchObject({ treatment: 'upgraded', loads: true });
    expect(by('c4')).toMatchObject({ treatment: 'upgraded', loads: false, chrome: { error: 'net::ERR_CERT_AUTHORITY_INVALID' } });
    expect(by('c12')).toMatchObject({ treatment: 'blocked-mixed', loads: false });
    expect(by('c14').rewrite).toBeUndefined();
    expect(by('c14').fix).toContain('ERR_CERT_AUTHORITY_INVALID');
    expect([...truth.values()].filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect([...truth.values()].filter((v) => !v).length).toBeGreaterThanOrEqual(5);
  });

  test('http page: no upgrades, no mixed content, certificates still count', async () => {
    const url = `http://127.0.0.1:${(globalThis as { __httpPort?: number }).__httpPort}/plain.html`;
    const { report: r } = await scanPage(url, { roots: [rootFile], resolve: resolve() });
    const truth = await chromium(url);
    expect(Object.fromEntries(lantrust(r))).toEqual(Object.fromEntries(truth));
    expect(r.page.notes.join(' ')).toMatch(/serve it over https/);
  });

  test('https page with upgrade-insecure-requests', async () => {
    const url = `https://127.0.0.1:${pageServer.port}/uir.html`;
    const { report: r } = await scanPage(url, { roots: [rootFile], resolve: resolve() });
    const truth = await chromium(url);
    expect(r.page.upgradeInsecureRequests).toBe(true);
    expect(Object.fromEntries(lantrust(r))).toEqual(Object.fromEntries(truth));
  });

  // Not observable in Chromium here (see the top of this file): the same page "served from a public
  // address" must turn every source that reaches a private/loopback address into an LNA verdict.
  test('Local Network Access when the page is public (--page-space public)', async () => {
    const { report: pub } = await scanPage(`https://127.0.0.1:${pageServer.port}/cams.html`, { roots: [rootFile], resolve: resolve(), pageSpace: 'public' });
    for (const r of pub.results) {
      const before = report.results.find((x) => x.url === r.url)!;
      if (before.loads) {
        expect(r).toMatchObject({ loads: false, chrome: { error: 'blocked:local-network-access' } });
        expect(r.fix).toContain('LocalNetworkAccessAllowedForUrls');
      } else expect(r.loads).toBe(false);
    }
  });

  test('--fix-html: the rewritten page loads what lantrust promised, and Chromium agrees again', async () => {
    const { text, changed } = rewriteDocument(doc, report.results);
    expect(changed).toBeGreaterThanOrEqual(4);
    docs.set('/cams-fixed.html', text);
    const url = `https://127.0.0.1:${pageServer.port}/cams-fixed.html`;
    const { report: after } = await scanPage(url, { roots: [rootFile], resolve: resolve() });
    const truth = await chromium(url);
    expect(Object.fromEntries(lantrust(after))).toEqual(Object.fromEntries(truth));
    for (const r of report.results.filter((x) => x.rewrite)) expect(truth.get(idOf(r.url)!)).toBe(true);
    // Nothing that loaded before stops loading; nothing but the rewritten values changed.
    for (const r of report.results.filter((x) => x.loads)) expect(truth.get(idOf(r.url)!)).toBe(true);
    expect(text.replace(/https:\/\//g, 'http://')).toBe(doc.text.replace(/https:\/\//g, 'http://'));
  });
});

describe('the CLI', () => {
  const bin = join(process.cwd(), 'bin', 'lantrust.js');
  // Async: the servers run in this process, so a synchronous spawn would starve them.
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 }).then(
      (r) => ({ status: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ status: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );
  // Runs the built CLI (`npm test` builds first).
  test('--json, --html (escaped), --fix-html, human output, bad input', async () => {
    expect(existsSync(join(process.cwd(), 'dist', 'main', 'cli', 'scan-page.js')), 'run `npm run build` first').toBe(true);
    const out = join(dir, 'fixed.html');
    const html = join(dir, 'report.html');
    const url = `https://127.0.0.1:${pageServer.port}/cams.html`;
    const r = await cli(['scan-page', url, '--root', rootFile, ...resolve().flatMap((x) => ['--resolve', x]), '--json', '--html', html, '--fix-html', out]);
    expect(r.status, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as ScanReport;
    expect(Object.keys(json)).toEqual(['page', 'results']);
    expect(json.results[0]).toHaveProperty('url');
    expect(json.results.every((x) => typeof x.loads === 'boolean' && typeof x.fix === 'string' && typeof x.chrome.error === 'string' && typeof x.element === 'string')).toBe(true);
    const report = readFileSync(html, 'utf8');
    expect(report).toContain('id=c5&amp;fps=2');
    expect(report).not.toContain('id=c5&fps=2');
    expect(readFileSync(out, 'utf8')).toContain('https://192.168.1.50:');
    const human = await cli(['scan-page', url, '--root', rootFile, ...resolve().flatMap((x) => ['--resolve', x])]);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/✗ http:\/\/203\.0\.113\.7:\d+\/axis-cgi\/jpg\/image\.cgi\?id=c2 .* blocked as mixed content/);
    expect(human.stdout).toMatch(/fix: change src to https:\/\/192\.168\.1\.50:\d+\/axis-cgi\/jpg\/image\.cgi\?id=c1: the camera's certificate covers 192\.168\.1\.50/);
    expect(human.stdout).toMatch(/Chrome shows \d+ of 15 sources\./);
    const bad = await cli(['scan-page', url, '--resolve', 'nonsense']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^lantrust: --resolve "nonsense" is not HOST:PORT:ADDR/);
  });
});
