// lantrust ui: time to a served UI, and the latency of its operations (demo company, 2 cameras on 127.0.0.1),
// next to what a helpdesk person would otherwise do per camera (open it in a fresh headless Chromium).
// Usage: npm run build && node scripts/bench/ui.mjs [rounds]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rounds = Number(process.argv[2] ?? 5);
const bin = new URL('../../bin/lantrust.js', import.meta.url).pathname;
const ms = (t) => `${(performance.now() - t).toFixed(0)} ms`;

const t0 = performance.now();
const home = mkdtempSync(join(tmpdir(), 'lantrust-bench-ui-'));
const child = spawn(process.execPath, [bin, 'ui', '--no-open'], { env: { ...process.env, HOME: home, NO_COLOR: '1' } });
const url = await new Promise((resolve) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(out);
    if (m) resolve({ origin: m[1], token: m[2] });
  });
});
console.log(`lantrust ui (demo: CA, 2 cameras, server) to address printed: ${ms(t0)}`);
const call = async (op, body = {}) => {
  const r = await fetch(`${url.origin}/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-lantrust-token': url.token }, body: JSON.stringify(body) });
  return (await r.json()).value;
};
const profile = await call('profile');
for (const [op, body] of [['status', {}], ['testCamera', { url: profile.cameras[0].url }], ['install', { scope: 'CurrentUser' }], ['testCamera', { url: profile.cameras[0].url }], ['testAll', {}]]) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await call(op, body);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${op.padEnd(11)} ${JSON.stringify(body).slice(0, 40).padEnd(40)} median ${times[Math.floor(times.length / 2)].toFixed(0)} ms`);
}
child.kill('SIGINT');
const profileDir = mkdtempSync(join(tmpdir(), 'lantrust-bench-chrome-'));
const t1 = performance.now();
spawnSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profileDir}`, '--dump-dom', profile.cameras[1].url], { encoding: 'utf8', env: { ...process.env, HOME: home }, timeout: 60_000 });
console.log(`for comparison: one fresh headless Chromium opening one camera: ${ms(t1)} (and it says only the error, not why)`);
rmSync(profileDir, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });
