import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describe as describeCert } from '../../src/main/cert/describe.js';
import { TAG, tlv } from '../../src/main/cert/der.js';
import { lintRoot, type Finding } from '../../src/main/constraints/lint.js';
import { makeRoot, tempDir, writeTemp, type RootSpec } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const DAY = 86_400_000;

function lint(spec: RootSpec, opts: Parameters<typeof lintRoot>[1] = {}): Finding[] {
  return lintRoot(describeCert(makeRoot(spec).der).info, opts);
}
const ids = (f: Finding[], sev?: string) => f.filter((x) => !sev || x.severity === sev).map((x) => x.id);

// Raw nameConstraints builders, for encodings our own builder would never produce.
const dns = (s: string) => tlv(TAG.SEQUENCE, tlv(0x82, Buffer.from(s)));
const ip = (bytes: number[]) => tlv(TAG.SEQUENCE, tlv(0x87, Buffer.from(bytes)));
const permitted = (...subtrees: Buffer[]) => tlv(0xa0, ...subtrees);
const excluded = (...subtrees: Buffer[]) => tlv(0xa1, ...subtrees);
const nc = (...parts: Buffer[]) => tlv(TAG.SEQUENCE, ...parts);
const v4All = [0, 0, 0, 0, 0, 0, 0, 0];
const v6All = Array<number>(32).fill(0);

describe('describing a certificate', () => {
  it('reports every field, and OpenSSL agrees on the constraints', () => {
    const r = makeRoot({ constraints: { permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16', 'fd00::/8'] }, eku: ['serverAuth'], pathLen: 0 });
    const info = describeCert(r.der).info;
    expect(info.basicConstraints).toEqual({ ca: true, pathLen: 0, critical: true });
    expect(info.keyUsage).toEqual({ usages: ['keyCertSign', 'cRLSign'], critical: true });
    expect(info.extKeyUsage?.usages).toEqual(['serverAuth']);
    expect(info.publicKey).toEqual({ type: 'EC', curve: 'prime256v1', bits: 256 });
    expect(info.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(info.nameConstraints?.critical).toBe(true);
    expect(info.nameConstraints?.permitted.map((s) => `${s.type}:${s.value}`)).toEqual(['dns:cams.example.com', 'ip:192.168.0.0/16', 'ip:fd00::/8']);
    expect(info.nameConstraints?.excluded).toEqual([]);
    const openssl = findTool('openssl');
    {
      const f = writeTemp(tempDir(), 'r.pem', r.pem);
      const text = execFileSync(openssl, ['x509', '-in', f, '-noout', '-ext', 'nameConstraints'], { encoding: 'utf8' });
      expect(text).toMatch(/DNS:cams\.example\.com/);
      expect(text).toMatch(/IP:192\.168\.0\.0\/255\.255\.0\.0/);
    }
  });

  it('describes RSA keys, SANs and directoryName/email subtrees', () => {
    const info = describeCert(makeRoot({ key: 'rsa-2048', rawConstraints: nc(permitted(tlv(TAG.SEQUENCE, tlv(0x81, Buffer.from('example.com'))))) }).der).info;
    expect(info.publicKey).toEqual({ type: 'RSA', bits: 2048 });
    expect(info.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(info.nameConstraints?.permitted[0]).toMatchObject({ type: 'email', value: 'example.com' });
  });
});

describe('check-root rules', () => {
  it('a constrained CA root from our builder is fit (no finding at all)', () => {
    expect(lint({})).toEqual([]);
  });

  it('not a CA; keyUsage without keyCertSign', () => {
    expect(ids(lint({ ca: false }), 'error')).toEqual(['not-ca']);
    // a device certificate gets the one finding that matters, not CA-only noise
    expect(ids(lint({ ca: false, keyUsage: ['digitalSignature'], constraints: null }), 'error')).toEqual(['not-ca']);
    expect(ids(lint({ ca: null }), 'error')).toContain('not-ca');
    expect(ids(lint({ keyUsage: ['digitalSignature'] }), 'error')).toEqual(['no-keycertsign']);
    expect(ids(lint({ keyUsage: null }))).toEqual([]);
  });

  it('validity: expired, not yet valid, expiring within 90 days', () => {
    expect(ids(lint({ notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) }), 'error')).toEqual(['expired']);
    expect(ids(lint({ notBefore: new Date(Date.now() + 5 * DAY), notAfter: new Date(Date.now() + 900 * DAY) }), 'error')).toEqual(['not-yet-valid']);
    expect(ids(lint({ notAfter: new Date(Date.now() + 30 * DAY) }))).toEqual(['expires-soon']);
    expect(lint({ notAfter: new Date(Date.now() + 30 * DAY) })[0]!.severity).toBe('warning');
    expect(ids(lint({ notAfter: new Date(Date.now() + 120 * DAY) }))).toEqual([]);
  });

  it('no name constraints is an error whose fix names both ways out', () => {
    const f = lint({ constraints: null });
    expect(ids(f, 'error')).toEqual(['no-name-constraints']);
    expect(f[0]!.fix).toMatch(/lantrust ca init/);
    expect(f[0]!.fix).toMatch(/lantrust gen .*--permit-dns/);
  });

  it('constraints that leave a whole name type open', () => {
    expect(ids(lint({ rawConstraints: nc(permitted(dns('cams.example.com'))) }), 'error')).toEqual(['ip-names-open']);
    expect(ids(lint({ rawConstraints: nc(permitted(ip([192, 168, 0, 0, 255, 255, 0, 0]))) }), 'error')).toEqual(['dns-names-open']);
    // closed properly: DNS permitted + all IPv4 and IPv6 excluded
    expect(ids(lint({ constraints: { permitDns: ['cams.example.com'] } }))).toEqual([]);
    // only IPv4 excluded still leaves IPv6 open
    expect(ids(lint({ rawConstraints: nc(permitted(dns('cams.example.com')), excluded(ip(v4All))) }), 'error')).toEqual(['ip-names-open']);
    expect(ids(lint({ rawConstraints: nc(permitted(dns('cams.example.com')), excluded(ip(v4All), ip(v6All))) }))).toEqual([]);
    expect(ids(lint({ constraints: { permitCidr: ['10.1.0.0/16'] } }))).toEqual([]);
  });

  it('not critical is a warning', () => {
    expect(lint({ constraintsCritical: false }).map((f) => [f.id, f.severity])).toEqual([['name-constraints-not-critical', 'warning']]);
  });

  it('empty subtrees, minimum/maximum, malformed IP subtrees are errors', () => {
    expect(ids(lint({ rawConstraints: nc(permitted()) }), 'error')).toContain('empty-subtrees');
    const withMin = tlv(TAG.SEQUENCE, tlv(0x82, Buffer.from('cams.example.com')), tlv(0x80, Buffer.from([0])));
    const withMax = tlv(TAG.SEQUENCE, tlv(0x82, Buffer.from('cams.example.com')), tlv(0x81, Buffer.from([3])));
    const okIp = ip([192, 168, 0, 0, 255, 255, 0, 0]);
    expect(ids(lint({ rawConstraints: nc(permitted(withMin, okIp)) }), 'error')).toEqual(['subtree-min-max']);
    expect(ids(lint({ rawConstraints: nc(permitted(withMax, okIp)) }), 'error')).toEqual(['subtree-min-max']);
    const d = dns('cams.example.com');
    expect(ids(lint({ rawConstraints: nc(permitted(d, ip([192, 168, 0, 0, 255]))) }), 'error')).toContain('malformed-ip-subtree');
    expect(ids(lint({ rawConstraints: nc(permitted(d, ip([192, 0, 0, 0, 255, 0, 255, 0]))) }), 'error')).toEqual(['malformed-ip-subtree']);
    const hostBits = lint({ rawConstraints: nc(permitted(d, ip([192, 168, 1, 5, 255, 255, 0, 0]))) });
    expect(ids(hostBits, 'error')).toEqual(['malformed-ip-subtree']);
    expect(hostBits[0]!.message).toMatch(/host bits/);
  });

  it('very broad subtrees are warnings', () => {
    expect(ids(lint({ constraints: { permitDns: ['com'], permitCidr: ['192.168.0.0/16'] } }), 'warning')).toEqual(['broad-dns']);
    expect(ids(lint({ constraints: { permitDns: ['cams.example.com'], permitCidr: ['10.0.0.0/7'] } }), 'warning')).toEqual(['broad-cidr']);
    expect(ids(lint({ constraints: { permitDns: ['cams.example.com'], permitCidr: ['10.0.0.0/8'] } }))).toEqual([]);
  });

  it('EKU without serverAuth is an error; serverAuth or anyExtendedKeyUsage is fine', () => {
    expect(ids(lint({ eku: ['clientAuth'] }), 'error')).toEqual(['eku-no-serverauth']);
    expect(ids(lint({ eku: ['clientAuth', 'serverAuth'] }))).toEqual([]);
    expect(ids(lint({ eku: ['anyExtendedKeyUsage'] }))).toEqual([]);
  });

  it('weak RSA and curves Chrome does not accept', () => {
    expect(ids(lint({ key: 'rsa-1024' }), 'error')).toEqual(['weak-rsa-key']);
    expect(ids(lint({ key: 'ec-secp256k1' }), 'error')).toEqual(['bad-curve']);
    expect(ids(lint({ key: 'ec-p384' }))).toEqual([]);
    expect(ids(lint({ key: 'ed25519' }), 'error')).toEqual(['unsupported-key']);
  });

  it('expected names and ranges must be inside the permitted subtrees and outside excluded ones', () => {
    const base = { constraints: { permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16'], excludeCidr: ['192.168.99.0/24'] } };
    expect(ids(lint(base, { expectDns: ['cam1.cams.example.com', 'cams.example.com'], expectCidr: ['192.168.1.0/24'] }))).toEqual([]);
    expect(ids(lint(base, { expectDns: ['intranet.example.com'] }), 'error')).toEqual(['expect-dns']);
    expect(ids(lint(base, { expectCidr: ['10.0.0.0/24'] }), 'error')).toEqual(['expect-cidr']);
    expect(ids(lint(base, { expectCidr: ['192.168.99.0/25'] }), 'error')).toEqual(['expect-cidr']);
    expect(ids(lint(base, { expectCidr: ['192.0.0.0/8'] }), 'error')).toEqual(['expect-cidr']);
    // DNS excluded entirely by a CIDR-only root
    expect(ids(lint({ constraints: { permitCidr: ['192.168.0.0/16'] } }, { expectDns: ['cams.example.com'] }), 'error')).toEqual(['expect-dns']);
  });

  it('every finding has id, severity, message and fix', () => {
    const all = [
      ...lint({ ca: false, constraints: null, eku: ['clientAuth'], notAfter: new Date(Date.now() - DAY), notBefore: new Date(Date.now() - 9 * DAY) }),
      ...lint({ rawConstraints: nc(permitted(dns('x'))), constraintsCritical: false }),
    ];
    expect(all.length).toBeGreaterThan(5);
    for (const f of all) {
      expect(f.id).toMatch(/^[a-z-]+$/);
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });
});
