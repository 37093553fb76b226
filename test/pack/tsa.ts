// A local RFC 3161 time-stamp authority on 127.0.0.1: OpenSSL's own `openssl ts -reply` answers each
// query, with a TSA certificate made at test time. Lets `--timestamp` be tested without the network.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLoopback } from '../../src/main/listen.js';
import { findTool } from '../helpers/oracles.js';

export interface Tsa {
  url: string;
  /** The TSA certificate (PEM file), for osslsigncode verify -TSA-CAfile. */
  cert: string;
  queries: number;
  close(): Promise<void>;
}

export async function startTsa(): Promise<Tsa> {
  const openssl = findTool('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'lantrust-tsa-'));
  const cert = join(dir, 'tsa.pem');
  execFileSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'tsa.key'), '-out', cert, '-days', '30', '-subj', '/CN=Lantrust Test TSA', '-addext', 'extendedKeyUsage=critical,timeStamping', '-addext', 'keyUsage=critical,digitalSignature'], { stdio: 'pipe' });
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = t',
      '[ t ]',
      `serial = ${join(dir, 'serial')}`,
      `signer_cert = ${cert}`,
      `certs = ${cert}`,
      `signer_key = ${join(dir, 'tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'digests = sha1, sha256, sha384, sha512',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  const tsa = { url: '', cert, queries: 0, close: async () => {} } as Tsa;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const q = join(dir, `q${tsa.queries++}.tsq`);
      writeFileSync(q, Buffer.concat(chunks));
      try {
        execFileSync(openssl, ['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', q, '-out', `${q}.tsr`], { stdio: 'pipe' });
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(readFileSync(`${q}.tsr`));
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  const l = await listenLoopback(server);
  tsa.url = `http://127.0.0.1:${l.port}/`;
  tsa.close = l.close;
  return tsa;
}
