// Benchmark: `lantrust test` on a fleet of cameras on loopback, against what an admin would otherwise run:
// a sequential `openssl s_client` loop, and testssl.sh (`testssl --add-ca root.pem -S`).
// Run after `npm run build`: node scripts/bench/test-fleet.mjs [N=200] [HUNG=50]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x from '../../dist/main/ca/x509.js';

const N = Number(process.argv[2] ?? 200);
const HUNG = Number(process.argv[3] ?? 50);
const BIN = fileURLToPath(new URL('../../bin/lantrust.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lantrust-bench-'));

const root = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rootName = [['O', 'Bench'], ['CN', 'Bench Root']];
const now = Date.now();
const rootDer = x.buildCertificate({ subject: rootName, notBefore: new Date(now - 864e5), notAfter: new Date(now + 3650 * 864e5), publicKey: root.publicKey, signingKey: root.privateKey, extensions: [x.basicConstraints(true, 0), x.keyUsage(['keyCertSign', 'cRLSign'])] });
const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const leafDer = x.buildCertificate({ subject: [['CN', 'cam']], issuer: rootName, notBefore: new Date(now - 864e5), notAfter: new Date(now + 300 * 864e5), publicKey: leaf.publicKey, signingKey: root.privateKey, extensions: [x.basicConstraints(false), x.keyUsage(['digitalSignature']), x.extKeyUsage(['serverAuth']), x.subjectAltName({ ip: ['127.0.0.1'] })] });
writeFileSync(join(dir, 'root.pem'), new X509Certificate(rootDer).toString());
writeFileSync(join(dir, 'cam.pem'), new X509Certificate(leafDer).toString());
writeFileSync(join(dir, 'cam.key'), leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }));

const servers = spawn(process.execPath, [fileURLToPath(new URL('./test-fleet-servers.mjs', import.meta.url)), dir, String(N), String(HUNG)], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise((r) => servers.stdout.once('data', (d) => r(JSON.parse(String(d)))));
const good = ports.good.map((p) => `https://127.0.0.1:${p}/`);
const hung = ports.hung.map((p) => `https://127.0.0.1:${p}/`);

function lantrust(urls, timeout) {
  writeFileSync(join(dir, 'urls.txt'), urls.join('\n'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'test', '--from', join(dir, 'urls.txt'), '--root', join(dir, 'root.pem'), '--json', '--timeout', String(timeout)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = performance.now() - t0;
  const res = JSON.parse(r.stdout).results;
  const tally = {};
  for (const x of res) tally[x.chrome.error] = (tally[x.chrome.error] ?? 0) + 1;
  return { ms, tally };
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const rows = [];
const a = lantrust(good, 5000);
rows.push([`lantrust test, ${N} cameras`, fmt(a.ms), JSON.stringify(a.tally)]);
const b = lantrust([...good, ...hung], 2000);
rows.push([`lantrust test, ${N} cameras + ${HUNG} hung (--timeout 2000)`, fmt(b.ms), JSON.stringify(b.tally)]);

// openssl s_client, one after the other, on a sample; extrapolated to N
const openssl = '/usr/bin/openssl';
if (existsSync(openssl)) {
  const sample = ports.good.slice(0, 20);
  const t0 = performance.now();
  let ok = 0;
  for (const p of sample) {
    const r = spawnSync(openssl, ['s_client', '-connect', `127.0.0.1:${p}`, '-CAfile', join(dir, 'root.pem'), '-verify_return_error', '-verify_ip', '127.0.0.1'], { input: '', encoding: 'utf8' });
    if (/Verify return code: 0 \(ok\)/.test(r.stdout)) ok++;
  }
  const per = (performance.now() - t0) / sample.length;
  rows.push([`openssl s_client loop (${sample.length} measured, ${ok} ok) → ${N}`, `${fmt(per * N)} (${fmt(per)} each)`, 'no Chrome rules, no cause/fix']);
}
// testssl.sh on a couple of hosts (it takes seconds each)
const testssl = '/usr/bin/testssl';
if (existsSync(testssl) && !process.env.BENCH_SKIP_TESTSSL) {
  const sample = ports.good.slice(0, 1);
  const t0 = performance.now();
  for (const p of sample) spawnSync(testssl, ['--quiet', '--nodns', 'none', '--add-ca', join(dir, 'root.pem'), '-S', `127.0.0.1:${p}`], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, TERM: 'dumb' } });
  const per = (performance.now() - t0) / sample.length;
  rows.push([`testssl --add-ca root.pem -S (${sample.length} measured) → ${N}`, `${fmt(per * N)} (${fmt(per)} each)`, 'server-side checks, no Chrome verdict']);
}
servers.kill();
rmSync(dir, { recursive: true, force: true });
console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}`);
for (const r of rows) console.log(`${r[0].padEnd(62)} ${r[1].padEnd(26)} ${r[2]}`);
void execFileSync;
