// Benchmark: lantrust install/status/uninstall into an NSS db vs. the raw certutil a user would run.
// Run after `npm run build`: node scripts/bench/install.mjs [neighbours=50]
// The db holds `neighbours` other roots, because matching by DER reads every nickname in the db.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x from '../../dist/main/ca/x509.js';
import { buildConstraints } from '../../dist/main/constraints/model.js';

const N = Number(process.argv[2] ?? 50);
const home = mkdtempSync(join(tmpdir(), 'lantrust-bench-'));
const db = join(home, '.pki', 'nssdb');
mkdirSync(db, { recursive: true });
execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const root = (name) =>
  new X509Certificate(
    x.buildCertificate({
      subject: [['O', 'Bench'], ['CN', name]],
      notBefore: new Date(Date.now() - 864e5),
      notAfter: new Date(Date.now() + 3650 * 864e5),
      publicKey: key.publicKey,
      signingKey: key.privateKey,
      extensions: [x.basicConstraints(true, 0), x.keyUsage(['keyCertSign', 'cRLSign']), x.nameConstraints(buildConstraints({ permitDns: ['cams.test'], permitCidr: ['10.0.0.0/8'] }))],
    }),
  ).toString();
for (let i = 0; i < N; i++) {
  const f = join(home, `n${i}.pem`);
  writeFileSync(f, root(`Neighbour ${i}`));
  execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', `Neighbour ${i}`, '-i', f]);
}
const rootFile = join(home, 'root.pem');
writeFileSync(rootFile, root('Bench Root'));
const env = { ...process.env, HOME: home, LANTRUST_CHROME_POLICY_DIRS: join(home, 'pol'), LANTRUST_SYSTEM_ANCHOR_DIR: join(home, 'anch') };
const time = (label, cmd, args) => {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0 && !label.includes('status')) throw new Error(`${label}: ${r.stderr}`);
    if (label.startsWith('lantrust install')) spawnSync(process.execPath, ['bin/lantrust.js', 'uninstall', '--root', rootFile, '--store', 'nss'], { env });
    if (label.startsWith('certutil -A')) spawnSync('certutil', ['-d', `sql:${db}`, '-D', '-n', 'Bench Root'], { env });
  }
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${runs[2].toFixed(0)} ms`);
};
const L = [process.execPath, 'bin/lantrust.js'];
console.log(`NSS db with ${N} other roots; ${process.platform}, Node ${process.version}`);
time('certutil -A (what a user would type)', 'certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'Bench Root', '-i', rootFile]);
time('lantrust install --store nss', L[0], [L[1], 'install', '--root', rootFile, '--store', 'nss']);
time('lantrust status --store nss (absent)', L[0], [L[1], 'status', '--root', rootFile, '--store', 'nss']);
time('certutil -L (list only)', 'certutil', ['-d', `sql:${db}`, '-L']);
rmSync(home, { recursive: true, force: true });
