// Malformed input gets one sentence and exit 2, never "unexpected error" (exit 70) — audit item 6.
// The requests are built by hand (DER + a real signature from Node's crypto) so each is exactly the
// malformation named; a request OpenSSL would make can't hold them.
import { generateKeyPairSync, sign } from 'node:crypto';
import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAG, tlv } from '../../src/main/cert/der.js';
import { encodeOid } from '../../src/main/ca/x509.js';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { tempDir } from '../helpers/certs.js';

const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = kp.publicKey.export({ type: 'spki', format: 'der' });
const ECDSA_SHA256 = tlv(TAG.SEQUENCE, encodeOid('1.2.840.10045.4.3.2'));
const NO_ATTRS = Buffer.from([0xa0, 0x00]);

function csr(subject: Buffer, attrs: Buffer = NO_ATTRS, sigAlg: Buffer = ECDSA_SHA256): Buffer {
  const cri = tlv(TAG.SEQUENCE, tlv(TAG.INTEGER, Buffer.from([0])), subject, spki, attrs);
  return tlv(TAG.SEQUENCE, cri, sigAlg, tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), sign('sha256', cri, kp.privateKey)])));
}
const cnName = tlv(TAG.SEQUENCE, tlv(TAG.SET, tlv(TAG.SEQUENCE, encodeOid('2.5.4.3'), tlv(TAG.UTF8, Buffer.from('cam')))));
const extensionRequest = (...exts: Buffer[]) => tlv(0xa0, tlv(TAG.SEQUENCE, encodeOid('1.2.840.113549.1.9.14'), tlv(TAG.SET, tlv(TAG.SEQUENCE, ...exts))));
const sanExt = (value: Buffer) => tlv(TAG.SEQUENCE, encodeOid('2.5.29.17'), tlv(TAG.OCTET_STRING, value));
const ipSan = (n: number) => tlv(0x87, Buffer.from([192, 168, Math.floor(n / 250), (n % 250) + 1]));

let work: string;
let ca: string;
beforeAll(() => {
  work = tempDir('lantrust-hostile-');
  ca = join(work, 'ca');
  expect(cli(['ca', 'init', '--dir', ca, '--name', 'Acme', '--permit-cidr', '192.168.0.0/16', '--no-passphrase']).code).toBe(0);
});

function signCli(name: string, der: Buffer): ReturnType<typeof cli> {
  const f = join(work, name);
  writeFileSync(f, der);
  return cli(['ca', 'sign', '--dir', ca, '--csr', f]);
}

describe('ca sign --csr: malformed requests', () => {
  const cases: [string, Buffer][] = [
    ['a primitive where a subject RDN (a SET) belongs', csr(tlv(TAG.SEQUENCE, tlv(TAG.SET, tlv(TAG.UTF8, Buffer.from('x')))))],
    ['a subjectAltName whose value is not DER', csr(cnName, extensionRequest(sanExt(Buffer.from([0xff, 0x01, 0x02]))))],
    ['an empty extension', csr(cnName, extensionRequest(tlv(TAG.SEQUENCE)))],
    ['an empty signatureAlgorithm', csr(cnName, NO_ATTRS, tlv(TAG.SEQUENCE))],
  ];
  for (const [title, der] of cases) {
    it(`${title}: exit 2, one sentence`, () => {
      const r = signCli(`${title.replace(/\W+/g, '-')}.csr`, der);
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr);
      expect(r.stderr).toMatch(/damaged or truncated/);
    });
  }

  it('a well-formed request with 101 names is refused: lantrust never issues what its own readers refuse', () => {
    const r = signCli('many.csr', csr(cnName, extensionRequest(sanExt(tlv(TAG.SEQUENCE, ...Array.from({ length: 101 }, (_, i) => ipSan(i)))))));
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/at most 100 names \(101 given\)/);
    // 100 is fine
    const ok = signCli('hundred.csr', csr(cnName, extensionRequest(sanExt(tlv(TAG.SEQUENCE, ...Array.from({ length: 100 }, (_, i) => ipSan(i)))))));
    expect(ok.stderr).toMatch(/signed cam/);
    expect(ok.code).toBe(0);
  });

  it('a 200 MB file is refused by its size, not read whole', () => {
    const f = join(work, 'huge.csr');
    const fd = openSync(f, 'w');
    ftruncateSync(fd, 200 * 1024 * 1024); // sparse: no disk used
    closeSync(fd);
    const r = cli(['ca', 'sign', '--dir', ca, '--csr', f]);
    expect(r.code).toBe(2);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/is 200\.0 MB, far larger than any certificate request/);
  });
});

describe('test --chrome-policy: a file that is JSON but not a policy object', () => {
  for (const [title, text] of [['null', 'null'], ['a list', '[]'], ['a number', '42']] as const) {
    it(`${title}: exit 2, one sentence`, () => {
      const f = join(work, `policy-${title.replace(' ', '-')}.json`);
      writeFileSync(f, text);
      const r = cli(['test', 'https://127.0.0.1:9/', '--chrome-policy', f]);
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr);
      expect(r.stderr).toMatch(/is not a Chrome policy file/);
    });
  }
});
