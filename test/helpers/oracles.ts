// The real things our verdicts are checked against: headless Chromium, NSS certutil, pwsh, openssl.
// A missing oracle is a failure, never a skip: `bash .ci/run` installs them all on Debian.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES: Record<string, string[]> = {
  chromium: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'],
  certutil: ['/usr/bin/certutil'],
  pwsh: [join(homedir(), '.dotnet/tools/pwsh'), '/usr/bin/pwsh', '/usr/local/bin/pwsh', '/opt/microsoft/powershell/7/pwsh'],
  openssl: ['/usr/bin/openssl'],
  osslsigncode: ['/usr/bin/osslsigncode'],
  testssl: ['/usr/bin/testssl'],
  // Debian's wine64 package puts its loader here (no /usr/bin/wine64 without the wine wrapper package).
  wine64: ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine'],
  'x86_64-w64-mingw32-gcc': ['/usr/bin/x86_64-w64-mingw32-gcc'],
};

/** Path of an oracle tool; throws when it is missing, so a test that needs it fails instead of skipping. */
export function findTool(name: keyof typeof CANDIDATES | string): string {
  const env = process.env[`LANTRUST_${name.toUpperCase()}`];
  const found = [env, ...(CANDIDATES[name] ?? [])].find((p): p is string => Boolean(p && existsSync(p)));
  if (found) return found;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(`oracle "${name}" is missing; run \`bash .ci/run\` (or install it) before the tests`);
}

/** A temp HOME with an empty NSS db at ~/.pki/nssdb (what Chromium on Linux reads). */
export function makeNssHome(): { home: string; db: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'lantrust-home-'));
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  execFileSync(findTool('certutil'), ['-d', `sql:${db}`, '-N', '--empty-password']);
  return { home, db, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function nssAddRoot(db: string, pemFile: string, nick: string): void {
  execFileSync(findTool('certutil'), ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', nick, '-i', pemFile]);
}

export function nssList(db: string): string {
  return execFileSync(findTool('certutil'), ['-d', `sql:${db}`, '-L'], { encoding: 'utf8' });
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromeOptions {
  /** HOME whose ~/.pki/nssdb Chromium reads. */
  home: string;
  /** e.g. "MAP *.test 127.0.0.1" */
  hostRules?: string;
  /** How many URLs the one browser loads at once, each in its own fresh context (default 1). */
  concurrency?: number;
}

/**
 * Chromium's own verdict for a URL: "net::OK" when the page loads, else the net::ERR_... it reports.
 * One fresh browser per call (--dump-dom), so nothing is cached between cases. ~1.5 s each.
 */
export function chromeVerdict(url: string, opts: ChromeOptions): string {
  const profile = mkdtempSync(join(tmpdir(), 'lantrust-chrome-'));
  try {
    const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...(opts.hostRules ? [`--host-resolver-rules=${opts.hostRules}`] : []), '--dump-dom', url];
    const r = spawnSync(findTool('chromium'), args, { env: { ...process.env, HOME: opts.home }, encoding: 'utf8', timeout: 60_000 });
    const m = /Page load failed: (net::ERR_[A-Z_0-9]+)/.exec(`${r.stderr}${r.stdout}`);
    if (m) return m[1]!;
    if (r.stdout.includes('<html')) return 'net::OK';
    throw new Error(`chromium gave no verdict for ${url}: ${r.stderr.slice(-500)}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Many verdicts from one browser through Playwright (faster for big corpora): a fresh context per URL.
 * Returns "net::OK" or the net::ERR_... from the navigation error.
 */
export async function chromeVerdicts(urls: string[], opts: ChromeOptions): Promise<Map<string, string>> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'lantrust-chrome-'));
  const browser = await chromium.launch({
    executablePath: findTool('chromium'),
    args: [...CHROMIUM_FLAGS.filter((f) => f !== '--headless'), ...(opts.hostRules ? [`--host-resolver-rules=${opts.hostRules}`] : [])],
    env: { ...process.env, HOME: opts.home } as Record<string, string>,
  });
  const out = new Map<string, string>();
  const queue = [...urls];
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      try {
        await page.goto(url, { timeout: 30_000, waitUntil: 'commit' });
        out.set(url, 'net::OK');
      } catch (e) {
        const m = /(net::ERR_[A-Z_0-9]+)/.exec(String((e as Error).message));
        out.set(url, m ? m[1]! : `unknown: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await ctx.close();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}
