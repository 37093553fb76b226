// `lantrust test` end to end through the built CLI: a simulated Axis camera (Basic auth), a Digest
// camera, hostile endpoints, --json/--html/--frame, exit codes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { startCamera, type SimCamera } from '../../src/main/sim/camera.js';
import { makeFrame } from '../../src/main/sim/frames.js';
import { parseUrlList } from '../../src/main/probe/urls-file.js';
import { testUrls } from '../../src/main/probe/index.js';
import { cliAsync, expectOneSentence } from '../helpers/cli.js';
import { kp, makeCa, makeLeaf } from '../verify/corpus.js';

let dir: string;
let cam: SimCamera;
let rootFile: string;
let pwFile: string;
const closers: (() => void | Promise<void>)[] = [];
const root = makeCa({ name: 'CLI Root', constraints: { permitDns: ['test'], permitCidr: ['127.0.0.0/8'] } });
const leaf = makeLeaf({ issuer: root, dns: ['cam.test'], ip: ['127.0.0.1'] });
const keyPem = leaf.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

async function listen(srv: { listen: (p: number, h: string, cb: () => void) => unknown; address: () => unknown }): Promise<number> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lantrust-probe-'));
  rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, root.pem);
  pwFile = join(dir, 'pw.txt');
  writeFileSync(pwFile, 's3cret\n');
  cam = await startCamera({ key: keyPem, cert: leaf.pem, basicAuth: { user: 'viewer', password: 's3cret' } });
  closers.push(() => cam.close());
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('lantrust test (CLI)', () => {
  test('--json: one document, url exactly as given, verdict, chain, first frame with Basic auth, saved JPEG, --html report', async () => {
    const url = `https://127.0.0.1:${cam.port}/axis-cgi/mjpg/video.cgi?resolution=320x180&x=<b>`;
    const html = join(dir, 'report.html');
    const frames = join(dir, 'frames');
    const r = await cliAsync(['test', url, '--root', rootFile, '--frame', '--user', 'viewer', '--password-file', pwFile, '--frame-dir', frames, '--json', '--html', html]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { results: { url: string; chrome: { error: string; cause: string; fix: string }; tls: { protocol: string }; chain: { role: string; san: string[] }[]; stream: { kind: string; boundary: string; auth: string; frameBytes: number; savedTo: string; firstFrameMs: number } }[] };
    const res = doc.results[0]!;
    expect(res.url).toBe(url);
    expect(res.chrome.error).toBe('net::OK');
    expect(res.tls.protocol).toBe('TLSv1.3');
    expect(res.chain.map((c) => c.role)).toEqual(['leaf', 'anchor']);
    expect(res.stream).toMatchObject({ kind: 'mjpeg', boundary: 'myboundary', auth: 'basic' });
    const saved = readFileSync(res.stream.savedTo);
    expect(saved.length).toBe(res.stream.frameBytes);
    expect(jpeg.decode(saved).width).toBe(320);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('data:image/jpeg;base64,');
    expect(page).toContain('x=&lt;b&gt;');
    expect(page).not.toContain('x=<b>');
  });

  test('human output: a mark per camera, cause and fix for failures, exit 1; no anchors = AUTHORITY_INVALID', async () => {
    const r = await cliAsync(['test', `https://cam.test:${cam.port}/`, `https://127.0.0.1:${cam.port}/`, '--resolve', `cam.test:${cam.port}:127.0.0.1`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ https:\/\/cam\.test:\d+\/ {2}net::ERR_CERT_AUTHORITY_INVALID/);
    expect(r.stdout).toContain("why: this PC doesn't trust the company root");
    expect(r.stdout).toContain('fix: run the company root installer');
    const ok = await cliAsync(['test', `https://cam.test:${cam.port}/`, '--resolve', `cam.test:${cam.port}:127.0.0.1`, '--root', rootFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ https:\/\/cam\.test:\d+\/ {2}net::OK/);
  });

  test('--html leads with what needs doing: failures grouped with one fix, then the good ones with their thumbnail', async () => {
    const refused = createNet();
    const port = await listen(refused);
    await new Promise<void>((r) => refused.close(() => r()));
    const html = join(dir, 'grouped.html');
    const good = `https://127.0.0.1:${cam.port}/axis-cgi/mjpg/video.cgi?resolution=320x180`;
    const r = await cliAsync(['test', `https://127.0.0.1:${port}/a`, good, `https://127.0.0.1:${port}/b`, '--root', rootFile, '--frame', '--user', 'viewer', '--password-file', pwFile, '--html', html]);
    expect(r.code).toBe(1);
    const page = readFileSync(html, 'utf8');
    const needs = page.indexOf('<h2>Needs doing</h2>');
    const group = page.indexOf('2 cameras: nothing listens on the port');
    const loads = page.indexOf('1 camera loads in Chrome');
    expect(needs).toBeGreaterThan(0);
    expect(group).toBeGreaterThan(needs);
    expect(loads).toBeGreaterThan(group);
    // the good camera's row carries its first frame
    const row = page.slice(loads, page.indexOf('</table>', loads));
    expect(row).toMatch(/<img class="thumb-s" alt="first frame" src="data:image\/jpeg;base64,/);
    // the terminal summary has the same order
    expect(r.stdout.indexOf('2 cameras: nothing listens on the port')).toBeLessThan(r.stdout.indexOf('1 camera loads in Chrome'));
  });

  test('usage errors are one sentence and exit 2', async () => {
    for (const args of [['test'], ['test', 'https://x.test/', '--resolve', 'nonsense'], ['test', 'https://x.test/', '--timeout', 'soon'], ['test', 'ftp://x/'], ['test', 'https://x.test/', '--root', join(dir, 'missing.pem')]]) {
      const r = await cliAsync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneSentence(r.stderr);
    }
  });

  test('--from: URL lists with comments, and CSV with a url column', () => {
    expect(parseUrlList('# cams\nhttps://a/\n\nhttps://b/  # lobby\n', 'f')).toEqual(['https://a/', 'https://b/']);
    expect(parseUrlList('name,url,room\ncam1,https://a/,"1,2"\ncam2,"https://b/",3\n', 'f')).toEqual(['https://a/', 'https://b/']);
  });
});

describe('fleet and hostile endpoints', () => {
  test('a name that does not resolve is ERR_NAME_NOT_RESOLVED with the --resolve hint', async () => {
    const [r] = await testUrls(['https://no-such-camera.invalid/'], { timeoutMs: 1500 });
    expect(r!.chrome.error).toBe('net::ERR_NAME_NOT_RESOLVED');
    expect(r!.chrome.fix).toContain('--resolve');
  });

  test('a huge chain of look-alike CAs (same name, different keys) ends quickly with AUTHORITY_INVALID', async () => {
    // 14 CAs all named "Loop", each signed by the previous one's key: every one is a candidate issuer of every other
    const loops: ReturnType<typeof makeCa>[] = [];
    for (let i = 0; i < 14; i++) loops.push(makeCa({ name: 'Loop', key: kp('ec', `loop${i}`), ...(i ? { parent: loops[i - 1]! } : {}) }));
    const leafL = makeLeaf({ issuer: loops[13]!, dns: ['loop.test'] });
    const srv = createHttps({ key: leafL.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: [leafL.pem, ...loops.reverse().map((l) => l.pem)].join('') }, (_q, res) => res.end('ok'));
    const port = await listen(srv);
    closers.push(() => void srv.close());
    const t0 = Date.now();
    const [r] = await testUrls([`https://127.0.0.1:${port}/`], { anchors: [{ der: root.der, source: 'root' }] });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r!.chrome.error).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    expect(r!.chain.length).toBeGreaterThan(1);
  });

  test('Digest auth and a single-JPEG URL', async () => {
    const jpg = makeFrame(3);
    const realm = 'AXIS_DIGEST';
    const nonce = 'abc123';
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const srv = createHttps({ key: keyPem, cert: leaf.pem }, (req, res) => {
      const a = String(req.headers.authorization ?? '');
      const p: Record<string, string> = {};
      for (const m of a.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]!] = m[2] ?? m[3]!;
      const want = md5(`${md5(`viewer:${realm}:s3cret`)}:${nonce}:${p.nc}:${p.cnonce}:auth:${md5(`GET:${req.url}`)}`);
      if (!a.startsWith('Digest ') || p.response !== want) {
        res.writeHead(401, { 'WWW-Authenticate': `Digest realm="${realm}", nonce="${nonce}", qop="auth"` });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'image/jpeg' });
      res.end(jpg);
    });
    const port = await listen(srv);
    closers.push(() => void srv.close());
    const url = `https://127.0.0.1:${port}/axis-cgi/jpg/image.cgi`;
    const [good, noPw] = [
      (await testUrls([url], { anchors: [{ der: root.der, source: 'root' }], frame: true, user: 'viewer', password: 's3cret' }))[0]!,
      (await testUrls([url], { anchors: [{ der: root.der, source: 'root' }], frame: true }))[0]!,
    ];
    expect(good.stream).toMatchObject({ kind: 'jpeg', auth: 'digest', frameBytes: jpg.length });
    expect(noPw.stream.error).toMatch(/password \(digest\)/);
  });

  test('50 hung endpoints cost one timeout, garbage and endless streams end with a clear verdict', async () => {
    const socks: Socket[] = [];
    const hung = createNet((s) => socks.push(s)); // accepts, never answers
    const hungPort = await listen(hung);
    const garbage = createNet((s) => (s.on('error', () => {}), s.write(Buffer.alloc(1 << 20, 0x41))));
    const garbagePort = await listen(garbage);
    // an MJPEG stream that never finishes its first part (endless bytes, no boundary)
    const endless = createHttps({ key: keyPem, cert: leaf.pem }, (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=b' });
      const t = setInterval(() => res.write(Buffer.alloc(64 * 1024, 0x42)), 5);
      res.on('close', () => clearInterval(t));
    });
    const endlessPort = await listen(endless);
    closers.push(() => {
      socks.forEach((s) => s.destroy());
      hung.close();
      garbage.close();
      endless.closeAllConnections();
      endless.close();
    });
    const urls = [
      ...Array.from({ length: 50 }, (_, i) => `https://127.0.0.1:${hungPort}/hung${i}`),
      `https://127.0.0.1:${garbagePort}/`,
      `https://127.0.0.1:${endlessPort}/video.mjpg`,
      `https://127.0.0.1:${cam.port}/`,
    ];
    const t0 = Date.now();
    const rss0 = process.memoryUsage().rss;
    const rs = await testUrls(urls, { anchors: [{ der: root.der, source: 'root' }], timeoutMs: 1500, concurrency: 64, frame: true });
    const took = Date.now() - t0;
    expect(rs.slice(0, 50).every((r) => r.chrome.error === 'net::ERR_TIMED_OUT')).toBe(true);
    expect(rs[50]!.chrome.error).toBe('net::ERR_SSL_PROTOCOL_ERROR');
    expect(rs[51]!.chrome.error).toBe('net::OK');
    expect(rs[51]!.stream.error).toMatch(/timeout|frame/);
    expect(rs[52]!.chrome.error).toBe('net::OK');
    // one timeout for the verdicts, one for the endless stream's frame — not fifty
    expect(took).toBeLessThan(1500 * 2 + 1500);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);
  });
});
