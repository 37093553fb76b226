// The Electron app on real Windows (windows-latest workflow), driven by Playwright's _electron:
// the packaged app (LANTRUST_APP_EXE, with the baked-in profile) or, without it, `electron .` on the
// demo company. Proves the hardening holds in the real binary, the screens work, and both verdicts
// (lantrust's prediction and Chromium's own verifier) appear and agree for a camera on 127.0.0.1.
// Playwright drives Electron through --inspect, which the shipped program refuses (fuse; see
// fuses.test.ts), so it drives a copy of the built app with only that fuse turned back on.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x from '../../src/main/ca/x509.js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { copyApp, flipInCopy } from './app-copy.js';

const ART = join(process.cwd(), 'test-artifacts', 'electron');
// A camera named inside the CI root's constraints (cams.acme.example), mapped to 127.0.0.1 for Chromium.
const COMPANY_CAM = 'cam1.cams.acme.example';
const OPS = ['profile', 'status', 'install', 'uninstall', 'testCamera', 'testAll', 'diagnostics', 'exportReport'];

// Run only by test/windows/vitest.config.ts in the windows-latest workflow; anywhere else it must fail, not skip.
if (process.platform !== 'win32') throw new Error('the Electron app tests run on Windows (see .github/workflows/windows.yml)');

describe('Electron app (Windows)', () => {
  let app: ElectronApplication;
  let page: Page;
  let cam: SimCamera;
  let companyCam: SimCamera | undefined;

  beforeAll(async () => {
    mkdirSync(ART, { recursive: true });
    const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = x.buildCertificate({
      subject: [['CN', 'factory-cam']],
      notBefore: new Date(Date.now() - 3600e3),
      notAfter: new Date(Date.now() + 90 * 864e5),
      publicKey: k.publicKey,
      signingKey: k.privateKey,
      extensions: [x.basicConstraints(false), x.extKeyUsage(['serverAuth']), x.subjectAltName({ ip: ['127.0.0.1'] })],
    });
    cam = await startCamera({ key: k.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: new X509Certificate(der).toString() });
    const { _electron } = await import('playwright-core');
    const shipped = process.env.LANTRUST_APP_EXE;
    let exe: string | undefined;
    if (shipped) {
      exe = copyApp('playwright', shipped);
      await flipInCopy(exe, { EnableNodeCliInspectArguments: true });
      // A profile planted where older installers kept theirs must be ignored: the app reads only its own app.asar.
      const planted = join(dirname(exe), 'resources', 'lantrust');
      mkdirSync(planted, { recursive: true });
      writeFileSync(join(planted, 'lantrust.json'), JSON.stringify({ company: 'Mallory Ltd', root: 'root.pem', sha256: '0'.repeat(64) }));
      // A camera with a certificate from the workflow's company CA (ci/ca, the installer's root).
      const out = join(ART, 'company-cam');
      execFileSync(process.execPath, ['bin/lantrust.js', 'ca', 'issue', '--dir', join('ci', 'ca'), '--name', 'company-cam', '--dns', COMPANY_CAM, '--out', out]);
      companyCam = await startCamera({ key: readFileSync(join(out, 'company-cam.key')), cert: readFileSync(join(out, 'company-cam.crt')) });
    }
    const args = [`--host-resolver-rules=MAP ${COMPANY_CAM} 127.0.0.1`];
    app = exe ? await _electron.launch({ executablePath: exe, args }) : await _electron.launch({ args: [process.cwd(), ...args] });
    page = await app.firstWindow();
    await page.locator('#stores .pill').first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await app?.close();
    await cam?.close();
    await companyCam?.close();
  });

  it('runs hardened: sandbox, context isolation, no Node in the page, only the operation table exposed', async () => {
    const main = await app.evaluate(({ app: a, BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0]!.webContents;
      const pid = wc.getOSProcessId();
      return { url: wc.getURL(), sandboxed: a.getAppMetrics().find((m) => m.pid === pid)?.sandboxed };
    });
    // The renderer process is sandboxed by the OS (app.enableSandbox + sandbox: true).
    expect(main).toEqual({ url: expect.stringMatching(/^app:\/\/lantrust\//), sandboxed: true });
    // window.lantrust exists only because contextBridge worked, which requires context isolation.
    const inPage = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.keys((window as unknown as { lantrust: object }).lantrust).sort(),
      popup: window.open('https://example.com/') === null,
    }));
    expect(inPage).toEqual({ require: 'undefined', process: 'undefined', api: [...OPS].sort(), popup: true });
    // Navigation away is refused: the app stays on its own page.
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(1000);
    expect(page.url()).toMatch(/^app:\/\/lantrust\//);
  });

  it('shows the company, the pinned fingerprint and the Windows stores', async () => {
    const company = await page.locator('#company').textContent();
    expect(company).not.toContain('Mallory');
    if (process.env.LANTRUST_APP_EXE) expect(company).toBe('Acme CI');
    expect(await page.locator('#pin').isVisible()).toBe(true);
    expect(await page.locator('#stores').textContent()).toContain('Windows (current user)');
    // Chrome/Edge policy (HKLM\SOFTWARE\Policies) read by Get-LanTrustBrowserPolicyStatus under Windows PowerShell 5.1: a row, not an error.
    expect(await page.locator('#stores tr:has-text("Chrome/Edge policy") .pill').count()).toBeGreaterThan(0);
    expect(await page.locator('#stores tr:has-text("Chrome/Edge policy")').first().textContent()).not.toContain('could not read');
    await page.screenshot({ path: join(ART, 'trust.png') });
  });

  it("shows lantrust's verdict and Chromium's own, and they agree", async () => {
    await page.click('nav button[data-screen="cameras"]');
    await page.fill('#url', cam.streamUrl);
    await page.click('#url-form button[type="submit"]');
    const ours = page.locator('#camera-result [data-testid="chrome-error"]');
    await ours.waitFor({ timeout: 30_000 });
    const chromium = page.locator('#camera-result [data-testid="chromium-error"]');
    expect(await ours.textContent()).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    expect(await chromium.textContent()).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    await page.screenshot({ path: join(ART, 'camera.png') });
  });

  // GitHub's runners are elevated, so no UAC prompt: this runs the same launcher -> hash-checked
  // Install-/Uninstall-LanTrustRoot.ps1 -Scope LocalMachine -Browsers path on Windows PowerShell 5.1.
  it('"Everyone on this computer" installs into LocalMachine\\Root with the browser policy, and removes it', async () => {
    await page.click('nav button[data-screen="trust"]');
    const fp = (await page.locator('#what code.fp').getAttribute('aria-label'))!.replace(/^SHA-256 fingerprint /, '').replace(/:/g, '').toLowerCase();
    const ps = (cmd: string) => execFileSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', cmd], { encoding: 'utf8' }).trim();
    const count = () => ps(`@(Get-ChildItem Cert:\\LocalMachine\\Root | Where-Object { ([BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($_.RawData)) -replace '-', '').ToLower() -eq '${fp}' }).Count`);
    expect(count()).toBe('0');
    // Chromium's own verdict for a company camera, asked again after each change of trust: the app must
    // not answer from the verdict Chromium cached before the change (one session per trust state).
    const companyUrl = companyCam ? `https://${COMPANY_CAM}:${companyCam.port}/axis-cgi/mjpg/video.cgi` : undefined;
    const chromiumSays = async (): Promise<string | null> => {
      await page.click('nav button[data-screen="cameras"]');
      await page.evaluate(() => document.getElementById('camera-result')!.replaceChildren()); // no earlier result to match
      await page.fill('#url', companyUrl!);
      await page.click('#url-form button[type="submit"]');
      const v = page.locator('#camera-result [data-testid="chromium-error"]');
      await v.waitFor({ timeout: 30_000 });
      const text = await v.textContent();
      await page.click('nav button[data-screen="trust"]');
      return text;
    };
    if (companyUrl) expect(await chromiumSays()).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    await page.check('input[name="scope"][value="LocalMachine"]');
    await page.click('#install');
    const out = page.locator('#trust-result.ok, #trust-result.bad');
    await out.waitFor({ timeout: 120_000 });
    expect(await page.locator('#trust-result').textContent()).toMatch(/^Done: the certificate is now trusted for everyone on this computer/);
    expect(count()).toBe('1');
    expect(ps("(Get-ItemProperty -LiteralPath 'HKLM:\\SOFTWARE\\Policies\\Mozilla\\Firefox\\Certificates').ImportEnterpriseRoots")).toBe('1');
    await page.locator('#stores tr:has-text("Windows (all users)") .pill.ok').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(ART, 'everyone-installed.png') });
    if (companyUrl) expect(await chromiumSays()).toBe('net::OK');
    await page.click('#uninstall');
    await page.locator('#trust-result.ok:has-text("Removed for everyone")').waitFor({ timeout: 120_000 });
    expect(count()).toBe('0');
    if (companyUrl) expect(await chromiumSays()).toBe('net::ERR_CERT_AUTHORITY_INVALID');
  });
});
