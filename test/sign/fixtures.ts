// A code-signing PFX made at test time with real openssl (never committed): key + self-signed cert with
// EKU codeSigning, exported as PKCS#12 with a password.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../helpers/oracles.js';

export interface TestSigner {
  dir: string;
  pfx: string;
  /** The self-signed certificate (PEM), for -CAfile / --ca-file. */
  certPem: string;
  password: string;
  passFile: string;
  wrongPassFile: string;
}

export function makeTestSigner(opts: { eku?: string; password?: string; key?: 'rsa' | 'ec'; ca?: boolean } = {}): TestSigner {
  const openssl = findTool('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'lantrust-signer-'));
  const key = join(dir, 'key.pem');
  const certPem = join(dir, 'codesign.pem');
  const pfx = join(dir, 'codesign.pfx');
  const password = opts.password ?? 'correct horse';
  execFileSync(openssl, [
    'req', '-x509', ...(opts.key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048']), '-nodes', '-keyout', key, '-out', certPem, '-days', '30',
    '-subj', '/CN=Lantrust Test Code Signing/O=Example Co',
    '-addext', `extendedKeyUsage=${opts.eku ?? 'codeSigning'}`,
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', `basicConstraints=critical,CA:${opts.ca ? 'TRUE' : 'FALSE'}`,
  ], { stdio: 'pipe' });
  execFileSync(openssl, ['pkcs12', '-export', '-inkey', key, '-in', certPem, '-out', pfx, '-passout', 'stdin'], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  const passFile = join(dir, 'pass.txt');
  const wrongPassFile = join(dir, 'wrong.txt');
  writeFileSync(passFile, `${password}\n`);
  writeFileSync(wrongPassFile, 'not the password\n');
  return { dir, pfx, certPem, password, passFile, wrongPassFile };
}
