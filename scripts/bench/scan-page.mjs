#!/usr/bin/env node
// Benchmark: `lantrust scan-page` on an intranet page embedding N cameras twice each (old way
// http://127.0.0.1:P/..., new way https://camK.cams.test:P/...), against what a helpdesk would
// otherwise do: open the page in (headless) Chromium trusting the same root and wait for every
// image — which shows what breaks but not why. Run after `npm run build`:
//   node scripts/bench/scan-page.mjs [N=30] [runs=5]
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x from '../../dist/main/ca/x509.js';
import { buildConstraints } from '../../dist/main/constraints/model.js';
import { startCamera } from '../../dist/main/sim/camera.js';
import { startDualPort } from '../../dist/main/sim/dual-port.js';

const N = Number(process.argv[2] ?? 30);
const RUNS = Number(process.argv[3] ?? 5);
const BIN = new URL('../../bin/lantrust.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'lantrust-bench-scan-'));
const now = Date.now();
const rk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const subject = [['O', 'Bench Co'], ['CN', 'Bench Co Root']];
const rootDer = x.buildCertificate({ subject, notBefore: new Date(now - 3600e3), notAfter: new Date(now + 864e5 * 30), publicKey: rk.publicKey, signingKey: rk.privateKey,
  extensions: [x.basicConstraints(true, 0), x.keyUsage(['keyCertSign', 'cRLSign']), x.nameConstraints(buildConstraints({ permitDns: ['cams.test'], permitCidr: ['127.0.0.0/8'] }))] });
const rootPem = join(work, 'root.pem');
writeFileSync(rootPem, new X509Certificate(rootDer).toString());
const issue = (dns) => {
  const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = x.buildCertificate({ subject: [['CN', dns]], issuer: subject, notBefore: new Date(now - 3600e3), notAfter: new Date(now + 864e5 * 30), publicKey: k.publicKey, signingKey: rk.privateKey,
    extensions: [x.basicConstraints(false), x.keyUsage(['digitalSignature']), x.extKeyUsage(['serverAuth']), x.subjectAltName({ dns: [dns], ip: ['127.0.0.1'] })] });
  return { key: k.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: new X509Certificate(der).toString() };
};

const closers = [];
const imgs = [];
const resolve = [];
for (let i = 0; i < N; i++) {
  const c = issue(`cam${i}.cams.test`);
  const cam = await startCamera({ key: c.key, cert: c.cert, fps: 1 });
  const dual = await startDualPort(cam.port);
  closers.push(() => cam.close(), () => dual.close());
  imgs.push(`<img src="http://127.0.0.1:${dual.port}/axis-cgi/jpg/image.cgi">`, `<img src="https://cam${i}.cams.test:${cam.port}/axis-cgi/jpg/image.cgi">`);
  resolve.push(`cam${i}.cams.test:${cam.port}:127.0.0.1`);
}
const pc = issue('intranet.cams.test');
const html = `<!doctype html><title>cams</title>\n${imgs.join('\n')}\n`;
const page = createServer({ key: pc.key, cert: pc.cert }, (_q, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end(html); });
await new Promise((r) => page.listen(0, '127.0.0.1', r));
const url = `https://127.0.0.1:${page.address().port}/`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lt = [];
let shown = '';
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const out = await promisify(execFile)(process.execPath, [BIN, 'scan-page', url, '--root', rootPem, ...resolve.flatMap((e) => ['--resolve', e]), '--json'], { maxBuffer: 1 << 26 }).catch((e) => e);
  lt.push(performance.now() - t0);
  const rep = JSON.parse(out.stdout);
  shown = `${rep.results.filter((s) => s.loads).length}/${rep.results.length} shown`;
}

// Chromium, trusting the same root through an NSS db in a temp HOME.
let chrome = 'skipped (no chromium/certutil)';
try {
  const home = join(work, 'home');
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
  execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'bench', '-i', rootPem]);
  const { chromium } = await import('playwright-core');
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--host-resolver-rules=MAP *.cams.test 127.0.0.1'], env: { ...process.env, HOME: home } });
    const p = await browser.newPage();
    await p.goto(url, { waitUntil: 'load' });
    const n = await p.evaluate(() => [...document.images].filter((i) => i.naturalWidth > 0).length);
    await browser.close();
    times.push(performance.now() - t0);
    chrome = `${(median(times) / 1000).toFixed(2)} s (${n}/${imgs.length} images shown, no reasons)`;
  }
} catch (e) {
  chrome = `failed: ${String(e.message).split('\n')[0]}`;
}
for (const c of closers) await c();
page.close();
rmSync(work, { recursive: true, force: true });
console.log(`scan-page, ${imgs.length} sources on ${N} simulated cameras, ${cpus().length} cores, Node ${process.version}, median of ${RUNS}:`);
console.log(`  lantrust scan-page (process start to JSON)  ${(median(lt) / 1000).toFixed(2)} s  (${shown}, with cause and fix each)`);
console.log(`  headless Chromium, launch + page load       ${chrome}`);
