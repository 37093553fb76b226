// The app's screens end to end: `lantrust ui --config` with two simulated cameras, driven by real
// Chromium through Playwright. Installs go into a temp HOME's NSS db (checked with certutil), and
// every verdict the UI shows is compared with what Chromium itself says about the same camera.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x from '../../src/main/ca/x509.js';
import { buildConstraints } from '../../src/main/constraints/model.js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { chromeVerdicts, findTool, makeNssHome, nssList, CHROMIUM_FLAGS } from '../helpers/oracles.js';

const ART = join(process.cwd(), 'test-artifacts', 'ui');
const BIN = join(process.cwd(), 'bin', 'lantrust.js');
const chromium = findTool('chromium');
findTool('certutil'); // required oracle: missing = failure

interface Ui {
  child: ChildProcess;
  url: string;
  origin: string;
  token: string;
}

/** Starts `lantrust ui` and waits for the address it prints. */
async function startUi(args: string[], env: NodeJS.ProcessEnv): Promise<Ui> {
  const child = spawn(process.execPath, [BIN, 'ui', '--no-open', ...args], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`lantrust ui printed no address: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`lantrust ui exited (${code}): ${out}`)));
  });
  return { child, url, origin: url.split('/#')[0]!, token: url.split('token=')[1]! };
}

function stopUi(ui: Ui | undefined): Promise<void> {
  if (!ui || ui.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    ui.child.once('exit', () => resolve());
    ui.child.kill('SIGINT');
  });
}

/** A raw HTTP request, so tests can send the headers a hostile page or a rebinding DNS name would. */
function raw(ui: Ui, path: string, headers: Record<string, string>, body = '{}'): Promise<{ status: number; body: string }> {
  const u = new URL(ui.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(u.port), path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function cert(opts: { cn: string; key: KeyObject; signer: KeyObject; signerPub?: KeyObject; issuer?: [string, string][]; from: number; to: number; ca?: boolean; ip?: string[] }): string {
  const subject: [string, string][] = opts.ca ? [['O', 'UI Test Co'], ['CN', opts.cn]] : [['CN', opts.cn]];
  const der = x.buildCertificate({
    subject,
    ...(opts.issuer ? { issuer: opts.issuer } : {}),
    notBefore: new Date(opts.from),
    notAfter: new Date(opts.to),
    publicKey: opts.key,
    signingKey: opts.signer,
    extensions: opts.ca
      ? [x.basicConstraints(true, 0), x.keyUsage(['keyCertSign', 'cRLSign']), x.subjectKeyIdentifier(opts.key), x.nameConstraints(buildConstraints({ permitDns: ['cams.test'], permitCidr: ['127.0.0.0/8'] }))]
      : [x.basicConstraints(false), x.keyUsage(['digitalSignature']), x.extKeyUsage(['serverAuth']), x.subjectAltName({ ip: opts.ip ?? ['127.0.0.1'] }), x.authorityKeyIdentifier(opts.signerPub!)],
  });
  return new X509Certificate(der).toString();
}

describe('lantrust ui in Chromium', () => {
  let dir: string;
  let nss: ReturnType<typeof makeNssHome>;
  let good: SimCamera;
  let bad: SimCamera;
  let ui: Ui;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ART, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'lantrust-ui-test-'));
    nss = makeNssHome();
    const now = Date.now();
    const rootKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const rootPem = cert({ cn: 'UI Test Root', key: rootKey.publicKey, signer: rootKey.privateKey, from: now - 3600e3, to: now + 365 * 864e5, ca: true });
    const issuer: [string, string][] = [['O', 'UI Test Co'], ['CN', 'UI Test Root']];
    const leaf = (from: number, to: number) => {
      const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return { key: k.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: cert({ cn: 'cam', key: k.publicKey, signer: rootKey.privateKey, signerPub: rootKey.publicKey, issuer, from, to }) };
    };
    good = await startCamera(leaf(now - 3600e3, now + 90 * 864e5));
    bad = await startCamera(leaf(now - 400 * 864e5, now - 864e5)); // expired yesterday
    writeFileSync(join(dir, 'root.pem'), rootPem);
    const sha256 = new X509Certificate(rootPem).fingerprint256;
    writeFileSync(
      join(dir, 'lantrust.json'),
      JSON.stringify({
        company: 'UI Test Co',
        root: 'root.pem',
        sha256,
        cameras: [
          { name: 'Front door', url: good.streamUrl },
          { name: 'Loading bay', url: bad.streamUrl },
        ],
        helpdesk: { name: 'IT desk', email: 'it@uitest.example', phone: '+1 555 0199' },
      }),
    );
    // Machine-wide stores also point into the temp dir, so nothing here can touch this machine.
    mkdirSync(join(dir, 'anchors'));
    mkdirSync(join(dir, 'policies'));
    ui = await startUi(['--config', join(dir, 'lantrust.json')], {
      HOME: nss.home,
      LANTRUST_SYSTEM_ANCHOR_DIR: join(dir, 'anchors'),
      LANTRUST_SYSTEM_UPDATE: 'true',
      LANTRUST_CHROME_POLICY_DIRS: join(dir, 'policies'),
    });
    const { chromium: pw } = await import('playwright-core');
    browser = await pw.launch({ executablePath: chromium!, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') });
    page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await page.goto(ui.url);
  });

  afterAll(async () => {
    await browser?.close();
    await stopUi(ui);
    await good?.close();
    await bad?.close();
    nss?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses API calls without the token, with a wrong one, from a foreign origin or host', async () => {
    expect((await raw(ui, '/api/profile', {})).status).toBe(401);
    expect((await raw(ui, '/api/profile', { 'x-lantrust-token': 'x'.repeat(ui.token.length) })).status).toBe(401);
    expect((await raw(ui, '/api/install', { 'x-lantrust-token': ui.token, origin: 'http://evil.example' }, '{"scope":"CurrentUser"}')).status).toBe(403);
    // DNS rebinding: evil.example resolved to 127.0.0.1 still sends its own Host.
    expect((await raw(ui, '/api/profile', { 'x-lantrust-token': ui.token, host: `evil.example:${new URL(ui.origin).port}` })).status).toBe(421);
    const ok = await raw(ui, '/api/profile', { 'x-lantrust-token': ui.token });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).value.company).toBe('UI Test Co');
    // A page opened without the token can't use the API, and says what to do.
    const p2 = await browser.newPage();
    await p2.goto(`${ui.origin}/`);
    await expect.poll(() => p2.locator('#fatal').textContent()).toMatch(/address `lantrust ui` printed/);
    await p2.close();
    // Nothing was installed by any of the refused calls.
    expect(nssList(nss.db)).not.toMatch(/UI Test Root/);
  });

  it('shows what will be trusted and the status of every store', async () => {
    await page.locator('#stores .pill').first().waitFor();
    await expect.poll(() => page.locator('#what').textContent()).toContain('only names under cams.test and addresses in 127.0.0.0/8');
    expect(await page.locator('#what').textContent()).toContain(new X509Certificate(readFileSync(join(dir, 'root.pem'))).fingerprint256);
    expect(await page.locator('#pin').isVisible()).toBe(true);
    const nssRow = page.locator('#stores tr', { hasText: 'Chrome/Chromium (NSS)' });
    expect(await nssRow.locator('.pill').textContent()).toBe('Not trusted yet');
    expect(await page.locator('#install').isEnabled()).toBe(true);
    await page.screenshot({ path: join(ART, '1-trust-before.png') });
  });

  it('before install, a good camera is refused exactly as Chromium refuses it, with the install as the fix', async () => {
    const oracle = await chromeVerdicts([good.streamUrl], { home: nss.home });
    await page.click('nav button[data-screen="cameras"]');
    await page.click('button[aria-label="Test Front door"]');
    const code = page.locator('#camera-result [data-testid="chrome-error"]');
    await code.waitFor({ timeout: 20_000 });
    expect(await code.textContent()).toBe(oracle.get(good.streamUrl));
    expect(await code.textContent()).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    expect(await page.locator('#camera-result [data-testid="fix"]').textContent()).toMatch(/install it on the Trust screen/);
    expect(await page.locator('#camera-result').textContent()).toContain('Once the certificate is installed, Chrome would say net::OK');
    await page.screenshot({ path: join(ART, '2-camera-before-install.png') });
  });

  it('installs "just me" into the NSS db (certutil sees it) and the status flips', async () => {
    await page.click('nav button[data-screen="trust"]');
    await page.check('input[name="scope"][value="CurrentUser"]');
    await page.click('#install');
    await expect.poll(() => page.locator('#trust-result').textContent(), { timeout: 20_000 }).toMatch(/^Done: the certificate is now trusted for you/);
    expect(nssList(nss.db)).toMatch(/UI Test Root/);
    const nssRow = page.locator('#stores tr', { hasText: 'Chrome/Chromium (NSS)' });
    await expect.poll(() => nssRow.locator('.pill').textContent()).toBe('Trusted');
    await page.screenshot({ path: join(ART, '3-trust-installed.png') });
  });

  it('after install, the good camera shows its first frame and Chromium agrees it loads', async () => {
    const oracle = await chromeVerdicts([good.streamUrl, bad.streamUrl], { home: nss.home });
    expect(oracle.get(good.streamUrl)).toBe('net::OK');
    await page.click('nav button[data-screen="cameras"]');
    await page.click('button[aria-label="Test Front door"]');
    const img = page.locator('#camera-result img[data-testid="frame"]');
    await img.waitFor({ timeout: 20_000 });
    expect(await page.locator('#camera-result [data-testid="chrome-error"]').textContent()).toBe('net::OK');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ART, '4-camera-good.png') });

    // The expired camera: the UI's error is Chromium's, with a cause and a fix.
    await page.click('button[aria-label="Test Loading bay"]');
    const code = page.locator('#camera-result [data-testid="chrome-error"]');
    await expect.poll(() => code.textContent(), { timeout: 20_000 }).toBe(oracle.get(bad.streamUrl));
    expect(oracle.get(bad.streamUrl)).toBe('net::ERR_CERT_DATE_INVALID');
    expect(await page.locator('#camera-result [data-testid="cause"]').textContent()).toMatch(/expired/i);
    expect((await page.locator('#camera-result [data-testid="fix"]').textContent())!.length).toBeGreaterThan(10);
    expect(await page.locator('#camera-result img').count()).toBe(0);
    await page.screenshot({ path: join(ART, '5-camera-bad.png') });
  });

  it('helpdesk: tests all cameras and exports the JSON report', async () => {
    await page.click('nav button[data-screen="helpdesk"]');
    await page.click('#test-all');
    await expect.poll(() => page.locator('#helpdesk-status').textContent(), { timeout: 30_000 }).toBe('1 of 2 cameras would be refused by Chrome.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { results: { url: string; result: { chrome: { error: string } } }[] };
    expect(report.results.map((r) => r.result.chrome.error).sort()).toEqual(['net::ERR_CERT_DATE_INVALID', 'net::OK']);
    const [html] = await Promise.all([page.waitForEvent('download'), page.click('#export-html')]);
    expect(readFileSync((await html.path())!, 'utf8')).toContain('net::ERR_CERT_DATE_INVALID');
    await page.click('#copy-diag');
    await expect.poll(() => page.locator('#helpdesk-status').textContent()).toBe('Diagnostics copied: paste them into your ticket or e-mail.');
    await page.screenshot({ path: join(ART, '6-helpdesk.png') });
  });

  it('removes exactly that root again', async () => {
    await page.click('nav button[data-screen="trust"]');
    await page.click('#uninstall');
    await expect.poll(() => page.locator('#trust-result').textContent(), { timeout: 20_000 }).toMatch(/^Removed for you/);
    expect(nssList(nss.db)).not.toMatch(/UI Test Root/);
  });

  it('"everyone" on Windows without admin: says it waits for the UAC prompt, then shows the answer', async () => {
    // Only Windows has UAC: the host's two answers that differ there are substituted; the renderer is real.
    const { DECLINED } = await import('../../src/main/truststore/windows-elevate.js');
    const p = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await p.route('**/api/profile', async (r) => {
      const res = await r.fetch();
      const env = (await res.json()) as { ok: true; value: Record<string, unknown> };
      await r.fulfill({ response: res, json: { ...env, value: { ...env.value, adminPrompt: true } } });
    });
    let answer: () => void = () => {};
    const held = new Promise<void>((go) => (answer = go));
    await p.route('**/api/install', async (r) => {
      await held;
      await r.fulfill({ json: { ok: true, value: { ok: false, summary: DECLINED, rows: [], notes: [] } } });
    });
    await p.goto(ui.url);
    await p.locator('#stores .pill').first().waitFor();
    expect(await p.locator('label:has(input[value="LocalMachine"]) small').textContent()).toBe('Windows will ask for administrator approval');
    await p.check('input[name="scope"][value="LocalMachine"]');
    await p.click('#install');
    await expect.poll(() => p.locator('#trust-result').textContent()).toBe('Waiting for Windows to ask for administrator approval…');
    expect(await p.locator('#install').isDisabled()).toBe(true);
    answer();
    await expect.poll(() => p.locator('#trust-result').textContent()).toBe(DECLINED);
    expect(await p.locator('#trust-result').getAttribute('class')).toBe('result bad');
    await p.screenshot({ path: join(ART, 'everyone-declined.png') });
    await p.close();
  });

  it('is usable from the keyboard: skip link, then the screens, every field labelled', async () => {
    const p = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await p.goto(ui.url);
    await p.locator('#stores .pill').first().waitFor();
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('skip');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Trust');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Enter');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('h-cameras');
    const unlabelled = await p.evaluate(() =>
      [...document.querySelectorAll('input, button')].filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label') && !el.textContent?.trim()).length,
    );
    expect(unlabelled).toBe(0);
    // Fits 1024x700 without sideways scrolling.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await p.close();
  });
});

describe('lantrust ui without --config (demo company)', () => {
  it('serves the demo profile with its simulated cameras, and refuses a bad --port', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lantrust-ui-home-'));
    const demo = await startUi([], { HOME: home });
    try {
      const r = await raw(demo, '/api/profile', { 'x-lantrust-token': demo.token });
      const p = JSON.parse(r.body).value as { demo: boolean; company: string; cameras: unknown[] };
      expect(p.demo).toBe(true);
      expect(p.company).toBe('Demo Company');
      expect(p.cameras.length).toBe(2);
    } finally {
      await stopUi(demo);
      rmSync(home, { recursive: true, force: true });
    }
    const bad = spawn(process.execPath, [BIN, 'ui', '--port', '99999', '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a profile whose root does not match its pin, in one sentence, before serving anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantrust-ui-pin-'));
    try {
      const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      writeFileSync(join(dir, 'root.pem'), cert({ cn: 'Pin Root', key: k.publicKey, signer: k.privateKey, from: Date.now() - 3600e3, to: Date.now() + 864e5, ca: true }));
      writeFileSync(join(dir, 'lantrust.json'), JSON.stringify({ company: 'Pin Co', root: 'root.pem', sha256: 'ab'.repeat(32), cameras: [] }));
      const child = spawn(process.execPath, [BIN, 'ui', '--config', join(dir, 'lantrust.json'), '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(2);
      expect(out).toMatch(/^lantrust: the root .* does not match the SHA-256 pinned in the company profile .*\n$/);
      expect(out).not.toMatch(/127\.0\.0\.1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
