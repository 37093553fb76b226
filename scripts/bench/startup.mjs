// How long `lantrust --help` and `lantrust check-root` take from a cold process (median of N runs),
// next to `openssl x509 -noout -text`, the command an admin would otherwise run on a root.
// Usage: npm run build && node scripts/bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
const bin = fileURLToPath(new URL('../../bin/lantrust.js', import.meta.url));
const x = await import('../../dist/main/ca/x509.js');
const { buildConstraints } = await import('../../dist/main/constraints/model.js');

const dir = mkdtempSync(join(tmpdir(), 'lantrust-bench-'));
const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const der = x.buildCertificate({
  subject: [['CN', 'Bench Root']],
  notBefore: new Date(),
  notAfter: new Date(Date.now() + 365 * 864e5),
  publicKey: kp.publicKey,
  signingKey: kp.privateKey,
  extensions: [x.basicConstraints(true, 0), x.keyUsage(['keyCertSign', 'cRLSign']), x.nameConstraints(buildConstraints({ permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16'] }))],
});
const root = join(dir, 'root.pem');
writeFileSync(root, new X509Certificate(der).toString());

function median(cmd, args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)].toFixed(0);
}

console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}; median of ${runs} runs`);
console.log(`lantrust --help                ${median(process.execPath, [bin, '--help'])} ms`);
console.log(`lantrust check-root root.pem   ${median(process.execPath, [bin, 'check-root', root])} ms`);
console.log(`openssl x509 -noout -text      ${median('openssl', ['x509', '-in', root, '-noout', '-text'])} ms`);
