import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyDer, readCertificatesFromBuffer, toPem } from '../../src/main/cert/read.js';
import { UserError } from '../../src/main/errors.js';
import { findTool } from '../helpers/oracles.js';
import { makeRoot, tempDir, writeTemp } from '../helpers/certs.js';

const root = makeRoot();
const other = makeRoot({ name: 'Other Root', key: 'ec-p384' });

function refusal(data: Buffer | string): string {
  try {
    readCertificatesFromBuffer(Buffer.from(data), 'f.pem');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('reading certificate files', () => {
  it('reads one PEM, a PEM bundle, DER, and headerless base64', () => {
    expect(readCertificatesFromBuffer(Buffer.from(root.pem), 'x').certs).toHaveLength(1);
    const both = readCertificatesFromBuffer(Buffer.from(root.pem + '\n' + other.pem), 'x');
    expect(both.certs.map((c) => c.info.subject)).toEqual(['O=Test Co, CN=Test Root', 'O=Test Co, CN=Other Root']);
    const der = readCertificatesFromBuffer(root.der, 'x');
    expect(der.format).toBe('der');
    expect(der.certs[0]!.info.sha256).toBe(both.certs[0]!.info.sha256);
    expect(readCertificatesFromBuffer(Buffer.from(root.der.toString('base64')), 'x').certs).toHaveLength(1);
  });

  it('reads a PKCS#7 bundle made by openssl (PEM and DER)', () => {
    const openssl = findTool('openssl');
    const dir = tempDir();
    const a = writeTemp(dir, 'a.pem', root.pem);
    const b = writeTemp(dir, 'b.pem', other.pem);
    const p7pem = execFileSync(openssl, ['crl2pkcs7', '-nocrl', '-certfile', a, '-certfile', b]);
    const p7der = execFileSync(openssl, ['crl2pkcs7', '-nocrl', '-certfile', a, '-certfile', b, '-outform', 'DER']);
    expect(readCertificatesFromBuffer(p7pem, 'x').certs).toHaveLength(2);
    const d = readCertificatesFromBuffer(p7der, 'x');
    expect(d.format).toBe('pkcs7');
    expect(d.certs).toHaveLength(2);
  });

  it('fingerprints match OpenSSL and Windows thumbprint format', () => {
    const openssl = findTool('openssl');
    const dir = tempDir();
    const f = writeTemp(dir, 'r.pem', root.pem);
    const info = readCertificatesFromBuffer(Buffer.from(root.pem), 'x').certs[0]!.info;
    const s256 = execFileSync(openssl, ['x509', '-in', f, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    const s1 = execFileSync(openssl, ['x509', '-in', f, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
    expect(s256.trim().split('=')[1]).toBe(info.sha256);
    expect(s1.trim().split('=')[1]!.replace(/:/g, '')).toBe(info.sha1Thumbprint);
    expect(info.sha1Thumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('refuses private keys in every form, naming why', () => {
    const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pkcs8 = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const sec1 = kp.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const enc = kp.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    for (const keyPem of [pkcs8, sec1, pkcs1, enc, root.pem + pkcs8, pkcs8 + root.pem]) {
      expect(refusal(keyPem)).toMatch(/contains a private key; never distribute it/);
    }
    for (const keyDer of [
      kp.privateKey.export({ type: 'pkcs8', format: 'der' }),
      kp.privateKey.export({ type: 'sec1', format: 'der' }),
      rsa.privateKey.export({ type: 'pkcs1', format: 'der' }),
      kp.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'x' }),
    ]) {
      expect(classifyDer(keyDer)).toBe('private-key');
      expect(refusal(keyDer)).toMatch(/private key/);
    }
  });

  it('refuses PKCS#12 made by openssl', () => {
    const openssl = findTool('openssl');
    const dir = tempDir();
    const cert = writeTemp(dir, 'c.pem', root.pem);
    const key = writeTemp(dir, 'k.pem', root.key.export({ type: 'pkcs8', format: 'pem' }) as string);
    const p12 = execFileSync(openssl, ['pkcs12', '-export', '-in', cert, '-inkey', key, '-passout', 'pass:x']);
    expect(classifyDer(p12)).toBe('pkcs12');
    expect(refusal(p12)).toMatch(/PKCS#12.*private key/);
  });

  it('gives one sentence for empty, garbage, truncated and damaged input', () => {
    expect(refusal('')).toMatch(/is empty/);
    expect(refusal(randomBytes(300))).toMatch(/not a certificate|damaged/);
    expect(refusal('hello, world\n')).toMatch(/not a certificate/);
    const truncated = root.pem.slice(0, root.pem.length - 40);
    expect(refusal(truncated)).toMatch(/truncated/);
    const cutBody = root.pem.split('\n');
    const damaged = [cutBody[0], cutBody[1], cutBody[cutBody.length - 2]].join('\n') + '\n';
    expect(refusal(damaged)).toMatch(/damaged|truncated/);
    expect(refusal(root.der.subarray(0, 100))).toMatch(/damaged or truncated/);
    expect(refusal(Buffer.alloc(2 * 1024 * 1024, 0x41))).toMatch(/far larger than any certificate/);
    for (const m of [refusal(''), refusal(randomBytes(50))]) expect(m.split(/[.;] /).length).toBeLessThanOrEqual(2);
  });

  it('recognises a CSR and points to ca sign', () => {
    const csr = toPem(Buffer.from([0x30, 0x00]), 'CERTIFICATE REQUEST');
    expect(refusal(csr)).toMatch(/certificate request.*ca sign/);
  });
});
