// The Group Policy "Blob" bytes, checked byte for byte against the [MS-GPEF] layout written out by hand.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gpoCertificateBlob, gpoRootKey, propertyRecord, subjectKeyId } from '../../src/main/pack/gpo-blob.js';
import * as x from '../../src/main/ca/x509.js';
import { execFileSync } from 'node:child_process';
import { keyPair, makeRoot, tempDir, writeTemp } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b.toString('hex');
};

describe('GPO certificate blob', () => {
  it('is [propId][1][len][value] records: SHA-1 (3), friendly name (11), key id (20), then the DER as 32', () => {
    const { der } = makeRoot();
    const sha1 = createHash('sha1').update(der).digest('hex');
    const ski = opensslSki(der);
    const name = Buffer.from('Acme root\0', 'utf16le');
    const expected =
      '03000000' + '01000000' + '14000000' + sha1 +
      '0b000000' + '01000000' + u32(name.length) + name.toString('hex') +
      '14000000' + '01000000' + '14000000' + ski +
      '20000000' + '01000000' + u32(der.length) + der.toString('hex');
    expect(gpoCertificateBlob(der, { friendlyName: 'Acme root' }).toString('hex')).toBe(expected);
    // the tail FACTS.md describes: 20 00 00 00 01 00 00 00 <len> <DER>
    const blob = gpoCertificateBlob(der);
    const tail = blob.subarray(blob.length - der.length - 12);
    expect(tail.subarray(0, 8).toString('hex')).toBe('2000000001000000');
    expect(tail.readUInt32LE(8)).toBe(der.length);
    expect(tail.subarray(12).equals(der)).toBe(true);
  });

  it('has no key-identifier record when the certificate has no subjectKeyIdentifier', () => {
    const kp = keyPair();
    const der = x.buildCertificate({
      subject: [['CN', 'No SKI']],
      notBefore: new Date(Date.now() - 1e6),
      notAfter: new Date(Date.now() + 1e9),
      publicKey: kp.publicKey,
      signingKey: kp.privateKey,
      extensions: [x.basicConstraints(true)],
    });
    expect(subjectKeyId(der)).toBeUndefined();
    const sha1 = createHash('sha1').update(der).digest('hex');
    expect(gpoCertificateBlob(der).toString('hex')).toBe('030000000100000014000000' + sha1 + '2000000001000000' + u32(der.length) + der.toString('hex'));
  });

  it('names the registry key by the upper-case SHA-1 thumbprint', () => {
    const { der } = makeRoot();
    expect(gpoRootKey(der)).toBe(`HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates\\${createHash('sha1').update(der).digest('hex').toUpperCase()}`);
    expect(propertyRecord(7, Buffer.from([0xaa])).toString('hex')).toBe('070000000100000001000000aa');
  });
});

/** The subjectKeyIdentifier as OpenSSL reads it from the certificate (not from lantrust's code). */
function opensslSki(der: Buffer): string {
  const file = writeTemp(tempDir('lantrust-ski-'), 'root.cer', der);
  const text = execFileSync(findTool('openssl'), ['x509', '-inform', 'DER', '-in', file, '-noout', '-ext', 'subjectKeyIdentifier'], { encoding: 'utf8' });
  return /\n\s*([0-9A-F:]+)\s*$/.exec(text)![1]!.replace(/:/g, '').toLowerCase();
}
