// Benchmark: `lantrust deploy` to N simulated Axis cameras (keys made on the cameras, certificates signed
// by an encrypted company CA, bound to HTTPS, verified with Chrome's verdict for every name of every
// camera), against the same steps done one camera after another (--concurrency 1: what a loop over the
// cameras does at best; clicking through 30 camera pages takes far longer). Also the weekly re-run
// right after, when nothing is due.
// The cameras run in a child process, as real cameras are other machines. Twice: on bare loopback (all
// CPU, no waiting), and with every VAPIX call taking DELAY ms as on a camera's embedded web server.
// Each measured run starts from fresh cameras and a fresh CA folder.
// Run after `npm run build`: node scripts/bench/deploy.mjs [N=30] [RUNS=3] [DELAY=100]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCa } from '../../dist/main/ca/index.js';

const N = Number(process.argv[2] ?? 30);
const RUNS = Number(process.argv[3] ?? 3);
const DELAY = Number(process.argv[4] ?? 100);
const BIN = fileURLToPath(new URL('../../bin/lantrust.js', import.meta.url));
const PASSWORD = 'bench camera password';
const PASSPHRASE = 'bench ca passphrase';

async function setup(delay) {
  const base = mkdtempSync(join(tmpdir(), 'lantrust-bench-deploy-'));
  const dir = join(base, 'ca');
  await initCa({ dir, name: 'Bench', permitDns: ['cams.bench.test'], permitCidr: ['127.0.0.0/8'], passphrase: PASSPHRASE });
  writeFileSync(join(base, 'pw.txt'), `${PASSWORD}\n`);
  writeFileSync(join(base, 'pass.txt'), `${PASSPHRASE}\n`);
  const cams = spawn(process.execPath, [fileURLToPath(new URL('./deploy-cameras.mjs', import.meta.url)), String(N), PASSWORD, String(delay)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { ports } = await new Promise((r) => cams.stdout.once('data', (d) => r(JSON.parse(String(d)))));
  writeFileSync(join(base, 'devices.csv'), `name,ip,dns,port\n${ports.map((p, i) => `cam${i},127.0.0.1,cam${i}.cams.bench.test,${p}`).join('\n')}\n`);
  return { base, dir, cams };
}

/** CPU ms (user+sys) a process has used so far, from /proc (Linux). */
function cpuOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) / 100) * 1000;
}

/** One CLI run: wall ms, CPU ms of lantrust (via /usr/bin/time) and of the cameras, what it did. */
function deploy(s, extra) {
  const c0 = cpuOf(s.cams.pid);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, BIN, 'deploy', '--dir', s.dir, '--from', join(s.base, 'devices.csv'), '--user', 'root', '--password-file', join(s.base, 'pw.txt'), '--passphrase-file', join(s.base, 'pass.txt'), '--json', ...extra], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  const [u, sy] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  const tally = {};
  for (const x of JSON.parse(r.stdout).results) tally[`${x.action} ${x.verdict ?? x.error}`] = (tally[`${x.action} ${x.verdict ?? x.error}`] ?? 0) + 1;
  return { ms, cpu: (u + sy) * 1000, cams: cpuOf(s.cams.pid) - c0, tally };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at start; ${N} cameras, median of ${RUNS}`);
for (const delay of DELAY ? [0, DELAY] : [0]) {
  const runs = { parallel: [], sequential: [], noop: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const mode of ['parallel', 'sequential']) {
      const s = await setup(delay);
      runs[mode].push(deploy(s, ['--trust-current-cert', '--concurrency', mode === 'sequential' ? '1' : String(N)]));
      if (mode === 'parallel') runs.noop.push(deploy(s, ['--renew-within', '30', '--concurrency', String(N)]));
      s.cams.kill();
      rmSync(s.base, { recursive: true, force: true });
    }
  }
  console.log(delay ? `\nEvery VAPIX call takes ${delay} ms (a camera's embedded web server):` : '\nBare loopback (every VAPIX call answered at once):');
  const row = (what, k) => {
    const r = runs[k];
    console.log(`  ${what.padEnd(70)} ${fmt(median(r.map((x) => x.ms)))} wall [${r.map((x) => fmt(x.ms)).join(', ')}]; CPU lantrust ${fmt(median(r.map((x) => x.cpu)))}, cameras ${fmt(median(r.map((x) => x.cams)))}  ${JSON.stringify(r[0].tally)}`);
  };
  row(`lantrust deploy, ${N} cameras at once (whole CLI: Node, scrypt unlock, all)`, 'parallel');
  row('the same steps, one camera after another (--concurrency 1)', 'sequential');
  row('weekly re-run right after (--renew-within 30: nothing due)', 'noop');
}
