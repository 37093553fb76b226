#!/usr/bin/env node
// Benchmark: a fleet of N devices (default 200, EC P-256) from one CSV with `lantrust ca issue --from`,
// against what an admin would otherwise run: a bash loop of `openssl genpkey` + `openssl req` +
// `openssl x509 -req` per device. Run after `npm run build`:  node scripts/bench/ca-bulk.mjs [N] [runs]
// Figures: wall time of the whole command, and CPU time (user+sys of every process, via bash `times`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = Number(process.argv[2] ?? 200);
const RUNS = Number(process.argv[3] ?? 3);
const BIN = fileURLToPath(new URL('../../bin/lantrust.js', import.meta.url));
const { issueFromCsv, openCa } = await import(new URL('../../dist/main/ca/index.js', import.meta.url).href);
const work = mkdtempSync(join(tmpdir(), 'lantrust-bench-ca-'));
const PASS = 'benchmark passphrase';
writeFileSync(join(work, 'pass.txt'), `${PASS}\n`);

const rows = ['name,ip,dns'];
for (let i = 0; i < N; i++) rows.push(`cam${i},192.168.${Math.floor(i / 250)}.${(i % 250) + 1},cam${i}.cams.acme.example`);
writeFileSync(join(work, 'devices.csv'), `${rows.join('\n')}\n`);

const sh = (script) => {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${script}\ntimes`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench command failed: ${r.stderr.slice(-800)}`);
  // `times` prints shell user/sys, then children user/sys: "0m1.234s 0m0.456s"
  const lines = r.stdout.trim().split('\n').slice(-2);
  const secs = (s) => s.split(/\s+/).map((t) => { const m = /(\d+)m([\d.]+)s/.exec(t); return Number(m[1]) * 60 + Number(m[2]); }).reduce((a, b) => a + b, 0);
  return { wall, cpu: (secs(lines[0]) + secs(lines[1])) * 1000 };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

// The CA: encrypted (scrypt) for lantrust; OpenSSL gets a decrypted copy so the loop isn't charged
// for unlocking the key 200 times (its best case).
execFileSync(process.execPath, [BIN, 'ca', 'init', '--dir', join(work, 'ca'), '--name', 'Bench Co', '--permit-dns', 'cams.acme.example', '--permit-cidr', '192.168.0.0/16', '--passphrase-file', join(work, 'pass.txt')], { stdio: 'ignore' });
const { createPrivateKey } = await import('node:crypto');
const { readFileSync } = await import('node:fs');
writeFileSync(join(work, 'root-plain.key'), createPrivateKey({ key: readFileSync(join(work, 'ca', 'root.key'), 'utf8'), passphrase: PASS }).export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

const lantrust = [];
for (let r = 0; r < RUNS; r++) {
  const out = join(work, `lt-${r}`);
  lantrust.push(sh(`${process.execPath} ${BIN} ca issue --dir ${work}/ca --from ${work}/devices.csv --out ${out} --passphrase-file ${work}/pass.txt > /dev/null`));
  if (readdirSync(out).length !== N * 4) throw new Error('lantrust did not write every file');
}

// In-process split: unlocking the CA key (scrypt) vs issuing.
const unlock = [];
const issue = [];
for (let r = 0; r < RUNS; r++) {
  let t = performance.now();
  await openCa(join(work, 'ca'), PASS);
  unlock.push(performance.now() - t);
  t = performance.now();
  const res = await issueFromCsv({ dir: join(work, 'ca'), csv: join(work, 'devices.csv'), passphrase: PASS, out: join(work, `ip-${r}`) });
  issue.push(res.ms - unlock[r]);
}

// The usual openssl loop, one device at a time (3 processes per device, plus the chain file).
const loop = `set -e
cd ${work}; mkdir -p ossl; cd ossl
tail -n +2 ../devices.csv | while IFS=, read -r name ip dns; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" 2>/dev/null
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr"
  printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=serverAuth\\nsubjectAltName=IP:%s,DNS:%s\\n' "$ip" "$dns" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ../ca/root.pem -CAkey ../root-plain.key -CAcreateserial -days 397 -sha256 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  cp "$name.crt" "$name.chain.pem"
done`;
const ossl = [sh(loop)];

const L = { wall: median(lantrust.map((x) => x.wall)), cpu: median(lantrust.map((x) => x.cpu)) };
const O = ossl[0];
console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${process.platform}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}; ${N} devices, EC P-256; median of ${RUNS} runs for lantrust.`);
console.log(`| command | wall | CPU (user+sys) |`);
console.log(`|---|---|---|`);
console.log(`| \`lantrust ca issue --from devices.csv\` (whole CLI: Node start, scrypt unlock, ${N} x 4 files) | ${fmt(L.wall)} | ${fmt(L.cpu)} |`);
console.log(`| of which: unlock the CA key (scrypt N=2^14 r=8 p=5), in process | ${fmt(median(unlock))} | |`);
console.log(`| of which: issue ${N} devices (keys, signatures, files, issued.jsonl), in process | ${fmt(median(issue))} | |`);
console.log(`| bash loop: \`openssl genpkey\` + \`req\` + \`x509 -req\` per device (unencrypted CA key) | ${fmt(O.wall)} | ${fmt(O.cpu)} |`);
console.log(`Speed-up (wall): ${(O.wall / L.wall).toFixed(1)}x`);
rmSync(work, { recursive: true, force: true });
