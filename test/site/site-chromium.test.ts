// The intranet page (`lantrust site`) in real Chromium: served over https from 127.0.0.1 at the
// root and at a sub-path, with the company root added to a temp NSS db only when the test says so.
// Expected fingerprints and hashes come from OpenSSL over the written files.
import { execFileSync } from 'node:child_process';
import { get } from 'node:https';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCamera } from '../../src/main/sim/camera.js';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_FLAGS, chromeVerdicts, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';
import { camera, leafFor, makeCa, opensslFingerprint, opensslSha256, serveFolder, writeProfile, type Ca, type StaticServer } from './world.js';

const ART = join(process.cwd(), 'test-artifacts', 'site');
const chromiumPath = findTool('chromium');
findTool('certutil');
findTool('openssl');

const UA = {
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1',
  android: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  // iPadOS Safari asks for desktop sites by default: a Mac user agent, told apart only by its touch points.
  ipad: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15',
  chromeos: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
};

// Markup in every name the profile carries: it must come out as text. The canary is a global the
// injected code would set; a second pass without the CSP proves the escaping holds on its own.
const HOSTILE_COMPANY = `Acme "><img src=x onerror="window.__pwned='company'"><script>window.__pwned='company-script'</script>`;
const HOSTILE_CAMERA = `Lobby </li><script>window.__pwned='camera'</script><img src=x onerror="window.__pwned='camera-img'">`;

describe('lantrust site in Chromium', () => {
  let dir: string;
  let site: string;
  let nss: ReturnType<typeof makeNssHome>;
  let company: Ca;
  let lobby: SimCamera;
  let gate: SimCamera;
  let gatePort: number;
  let root: StaticServer;
  let sub: StaticServer;
  let browser: Browser;
  let intranetRoot: string;
  const SUB = '/intranet/it/cameras/trust/';
  const installerName = 'Acme LanTrust Setup 1.0.0.exe';

  async function launch(): Promise<Browser> {
    const { chromium } = await import('playwright-core');
    return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless'), env: { ...process.env, HOME: nss.home } as Record<string, string> });
  }

  async function open(url: string, opts: BrowserContextOptions = {}): Promise<{ ctx: BrowserContext; page: Page; violations: string[] }> {
    const ctx = await browser.newContext({ viewport: { width: 1024, height: 900 }, ...opts });
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('dialog', (d) => {
      violations.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url);
    return { ctx, page, violations };
  }

  /** A link's target as the intranet server sends it (Node, trusting the intranet root as the browser does). */
  function fetchLink(url: string): Promise<{ status: number; type?: string; body: Buffer }> {
    return new Promise((resolve, reject) => {
      get(url, { ca: readFileSync(intranetRoot) }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers['content-type'] ? { type: res.headers['content-type'] } : {}), body: Buffer.concat(parts) }));
      }).on('error', reject);
    });
  }

  /** The state the page shows for a camera once its check has settled. */
  async function settled(page: Page, name: string): Promise<string> {
    const row = page.locator('li[data-check]', { hasText: name });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).not.toBe('wait');
    return (await row.locator('.state').textContent())!;
  }

  beforeAll(async () => {
    mkdirSync(ART, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'lantrust-site-'));
    nss = makeNssHome();
    company = await makeCa(join(dir, 'company-ca'), 'Site Test Co', { permitDns: ['cams.site.test'], permitCidr: ['127.0.0.0/8'] });
    const intranet = await makeCa(join(dir, 'intranet-ca'), 'Intranet', { permitCidr: ['127.0.0.0/8'] });
    // The intranet server's own certificate is trusted from the start; the company root is not.
    nssAddRoot(nss.db, intranet.rootPem, 'intranet');
    intranetRoot = intranet.rootPem;
    lobby = await camera(company, 'lobby', join(dir, 'certs'));
    gate = await camera(company, 'gate', join(dir, 'certs'));
    gatePort = gate.port;

    writeFileSync(join(dir, installerName), Buffer.concat([Buffer.from('MZ'), createHash('sha256').update('installer').digest()]));
    const profile = writeProfile(join(dir, 'lantrust.json'), {
      company: HOSTILE_COMPANY,
      root: 'company-ca/root.pem',
      sha256: opensslFingerprint(company.rootPem),
      cameras: [
        { name: HOSTILE_CAMERA, url: lobby.streamUrl },
        { name: 'Gate', url: `https://127.0.0.1:${gatePort}/`, stillUrl: `https://127.0.0.1:${gatePort}/axis-cgi/jpg/image.cgi?resolution=160x90` },
        { name: 'Old stairwell', url: 'http://192.0.2.10/axis-cgi/mjpg/video.cgi' },
      ],
      helpdesk: { name: 'IT desk', email: 'it@site.test', phone: '+1 555 0199', url: 'https://help.site.test/' },
    });
    site = join(dir, 'site');
    const r = cli(['site', '--config', profile, '--out', site, '--installer', join(dir, installerName), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const tls = await leafFor(intranet, 'intranet-web', join(dir, 'certs'));
    root = await serveFolder(site, '/', tls);
    sub = await serveFolder(site, SUB, tls);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await root?.close();
    await sub?.close();
    await lobby?.close();
    await gate?.close();
    nss?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('puts Windows first for a Windows browser, from the site root', async () => {
    const { ctx, page, violations } = await open(`${root.origin}/`, { userAgent: UA.windows });
    const first = page.locator('#systems > details').first();
    expect(await first.getAttribute('id')).toBe('sys-windows');
    expect(await first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await page.locator('#systems > details[open]').count()).toBe(1);
    expect(await page.locator('#detected').textContent()).toContain('Windows');
    // The installer given is offered there, as a relative link that resolves to the file.
    const link = first.locator('a.button');
    expect(await link.getAttribute('href')).toBe(encodeURIComponent(installerName));
    await page.screenshot({ path: join(ART, '1-windows-first.png'), fullPage: true });
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('puts iPhone/iPad first for an iPhone, with the Settings steps, from a sub-path', async () => {
    const { ctx, page, violations } = await open(`${sub.origin}${SUB}`, { userAgent: UA.iphone, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const first = page.locator('#systems > details').first();
    expect(await first.getAttribute('id')).toBe('sys-ios');
    expect(await first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const text = (await first.textContent())!;
    expect(text).toContain('Settings › General › VPN & Device Management');
    expect(text).toContain('Certificate Trust Settings');
    const profileLink = await first.locator('a.button').evaluate((a) => (a as HTMLAnchorElement).href);
    expect(profileLink).toMatch(new RegExp(`^${sub.origin}${SUB}[^/]+-root\\.mobileconfig$`));
    const res = await fetchLink(profileLink);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-apple-aspen-config');
    await page.screenshot({ path: join(ART, '2-iphone-first.png'), fullPage: true });
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('recognises Android, macOS, an iPad in desktop mode, ChromeOS and Linux too', async () => {
    const cases = [[UA.android, 'sys-android', 0], [UA.mac, 'sys-macos', 0], [UA.ipad, 'sys-ios', 5], [UA.chromeos, 'sys-chromeos', 0], [UA.linux, 'sys-linux', 0]] as const;
    for (const [ua, id, touchPoints] of cases) {
      const ctx = await browser.newContext({ userAgent: ua });
      if (touchPoints) await ctx.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'maxTouchPoints', { get: () => n }), touchPoints);
      const page = await ctx.newPage();
      await page.goto(`${sub.origin}${SUB}`);
      expect(await page.locator('#systems > details').first().getAttribute('id'), ua).toBe(id);
      await ctx.close();
    }
  });

  it('shows the fingerprint and file hashes OpenSSL computes over the files it links', async () => {
    const { ctx, page } = await open(`${sub.origin}${SUB}`, { userAgent: UA.windows });
    expect(await page.locator('#fingerprint').textContent()).toBe(opensslFingerprint(join(site, 'root.cer'), 'DER'));
    expect(await page.locator('#fingerprint').textContent()).toBe(opensslFingerprint(company.rootPem));
    const rows = await page.locator('#files tbody tr').evaluateAll((trs) => trs.map((tr) => ({ href: tr.querySelector('a')!.href, name: tr.querySelector('a')!.textContent!, sha: tr.querySelector('code')!.textContent! })));
    const offered = readdirSync(site).filter((f) => !['index.html', 'web.config', 'SHA256SUMS.txt'].includes(f)).sort();
    expect(rows.map((r) => r.name).sort()).toEqual(offered);
    for (const r of rows) {
      expect(r.sha).toBe(opensslSha256(join(site, r.name)));
      // The link, resolved against the sub-path, serves exactly those bytes.
      expect(r.href.startsWith(`${sub.origin}${SUB}`)).toBe(true);
      const { body } = await fetchLink(r.href);
      expect(createHash('sha256').update(body).digest('hex')).toBe(r.sha);
    }
    // SHA256SUMS.txt covers every file, the page included, and sha256sum itself agrees.
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS.txt'], { cwd: site, encoding: 'utf8' })).not.toMatch(/FAILED/);
    for (const f of readdirSync(site)) expect(readFileSync(join(site, f)).includes('PRIVATE KEY')).toBe(false);
    await ctx.close();
  });

  it('says "not yet" while the company root is not trusted, as Chromium itself refuses the camera', async () => {
    const oracle = await chromeVerdicts([lobby.streamUrl], { home: nss.home });
    expect(oracle.get(lobby.streamUrl)).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    const { ctx, page, violations } = await open(`${sub.origin}${SUB}`, { userAgent: UA.windows });
    expect(await settled(page, 'Lobby')).toBe('not yet');
    expect(await settled(page, 'Gate')).toBe('not yet');
    expect(await page.locator('#check-summary').textContent()).toBe('2 of 2 cameras do not work in this browser yet.');
    expect(await page.locator('#recheck').isVisible()).toBe(true);
    // The http camera is listed with the reason it can't be checked.
    expect(await page.locator('#check li.nocheck').textContent()).toContain('plain http');
    await page.locator('#check').screenshot({ path: join(ART, '3-check-not-yet.png') });
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('says ✓ once the root is in the NSS db and the browser restarted; "Check again" asks the camera again', async () => {
    nssAddRoot(nss.db, company.rootPem, 'site-test-co');
    await browser.close();
    browser = await launch();
    expect((await chromeVerdicts([lobby.streamUrl], { home: nss.home })).get(lobby.streamUrl)).toBe('net::OK');

    // The gate camera is switched off: trusted now, but not reachable.
    await gate.close();
    const { ctx, page, violations } = await open(`${sub.origin}${SUB}`, { userAgent: UA.windows });
    expect(await settled(page, 'Lobby')).toBe('✓ works here');
    expect(await settled(page, 'Gate')).toBe('not yet');
    expect(await page.locator('#check-summary').textContent()).toBe('1 of 2 cameras do not work in this browser yet.');
    gate = await camera(company, 'gate', join(dir, 'certs'), gatePort);
    await page.click('#recheck');
    expect(await settled(page, 'Gate')).toBe('✓ works here');
    expect(await page.locator('#check-summary').textContent()).toBe('All 2 cameras work in this browser.');
    expect(await page.locator('#recheck').isVisible()).toBe(false);
    expect(await page.locator('li[data-check] img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0))).toEqual([true, true]);
    await page.locator('#check').screenshot({ path: join(ART, '4-check-works.png') });
    await page.screenshot({ path: join(ART, '5-whole-page-trusted.png'), fullPage: true });
    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('with JavaScript off, every file is still reachable by a visible link and the pictures still show', async () => {
    const { ctx, page } = await open(`${sub.origin}${SUB}`, { userAgent: UA.windows, javaScriptEnabled: false });
    expect(await page.locator('#systems > details').first().getAttribute('id')).toBe('sys-windows'); // fixed order, nothing moved
    expect(await page.locator('noscript').count()).toBeGreaterThan(0);
    const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => ({ href: (a as HTMLAnchorElement).href, visible: (a as HTMLElement).offsetParent !== null })));
    const linked = new Set<string>();
    for (const l of links.filter((x) => x.href.startsWith(`${sub.origin}${SUB}`) && x.visible)) {
      const name = decodeURIComponent(l.href.slice(`${sub.origin}${SUB}`.length));
      const res = await fetchLink(l.href);
      expect(res.status).toBe(200);
      expect(createHash('sha256').update(res.body).digest('hex')).toBe(opensslSha256(join(site, name)));
      linked.add(name);
    }
    const wanted = readdirSync(site).filter((f) => f !== 'index.html' && f !== 'web.config');
    expect([...linked].sort()).toEqual(wanted.sort());
    // The root is trusted by now (the test above): without the script the pictures themselves are the answer.
    expect(await page.locator('li[data-check] img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0))).toEqual([true, true]);
    await page.screenshot({ path: join(ART, '6-javascript-off.png'), fullPage: true });
    await ctx.close();
  });

  it('keeps hostile company and camera names inert, with and without the CSP', async () => {
    const { ctx, page, violations } = await open(`${sub.origin}${SUB}`, { userAgent: UA.windows });
    await settled(page, 'Lobby');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator('#company').textContent()).toBe(HOSTILE_COMPANY);
    expect(await page.locator('h1').textContent()).toContain(HOSTILE_COMPANY);
    expect(await page.locator('li[data-check] .cam-name').first().textContent()).toBe(HOSTILE_CAMERA);
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img').count()).toBe(2); // the two camera checks, nothing injected
    expect(violations).toEqual([]);
    // Escaping alone, without the CSP's help: the same HTML with the policy removed.
    const html = readFileSync(join(site, 'index.html'), 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    await page.setContent(html);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    await ctx.close();
  });

  it('has a strict CSP and loads nothing but its own files and the cameras listed', async () => {
    const { ctx, page } = await open(`${sub.origin}${SUB}`, { userAgent: UA.windows });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.reload();
    await settled(page, 'Lobby');
    const csp = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'))!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src /);
    expect(csp).toContain("base-uri 'none'");
    const imgSrc = /img-src ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(imgSrc.sort()).toEqual(["'self'", `https://127.0.0.1:${lobby.port}`, `https://127.0.0.1:${gatePort}`].sort());
    const allowed = new Set([sub.origin, `https://127.0.0.1:${lobby.port}`, `https://127.0.0.1:${gatePort}`]);
    expect(requested.length).toBeGreaterThan(0);
    for (const u of requested) expect(allowed.has(new URL(u).origin)).toBe(true);
    // The lobby camera has no stillUrl: the page asks for Axis's single picture beside its stream, not the stream.
    expect(requested).toContain(`https://127.0.0.1:${lobby.port}/axis-cgi/jpg/image.cgi`);
    expect(requested.some((u) => u.includes('video.cgi'))).toBe(false);
    await ctx.close();
  });
});
