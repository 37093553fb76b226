// lantrust's verdict must equal real Chromium's on every rule: a corpus of endpoints on 127.0.0.1,
// Chromium (one browser, fresh context per URL) trusting the same roots from an NSS db.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testUrls } from '../../src/main/probe/index.js';
import type { TestResult } from '../../src/main/probe/types.js';
import { chromeVerdicts, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';
import { requireIpv6Loopback, kp, makeCa, makeLeaf, refusedPort, serveOpenssl, serveRaw, serveTls, unknownExtension, type Endpoint } from './corpus.js';

const DAY = 86_400_000;
const ago = (d: number) => new Date(Date.now() - d * DAY);

let endpoints: Endpoint[] = [];
let chrome: Map<string, string>;
let ours: Map<string, TestResult>;
let nss: ReturnType<typeof makeNssHome>;
let dir: string;
// IPv6 literal hosts need ::1: without it the run fails, like a missing oracle.
await requireIpv6Loopback();

beforeAll(async () => {
  findTool('chromium');
  findTool('openssl');
  dir = mkdtempSync(join(tmpdir(), 'lantrust-corpus-'));
  const rootA = makeCa({ name: 'Root A', constraints: { permitDns: ['test'], permitCidr: ['127.0.0.0/8'] } });
  const rootB = makeCa({ name: 'Root B (untrusted)' });
  const rootC = makeCa({ name: 'Root C' });
  const rootExpired = makeCa({ name: 'Root Expired', notBefore: ago(400), notAfter: ago(5) });
  const rootIpOnly = makeCa({ name: 'Root 192.168', constraints: { permitCidr: ['192.168.0.0/16'] } });
  const rootClientEku = makeCa({ name: 'Root EKU clientAuth', eku: ['clientAuth'] });
  const rootPath0 = makeCa({ name: 'Root pathLen 0', pathLen: 0 });
  const rootNoCertSign = makeCa({ name: 'Root no keyCertSign', keyUsage: ['cRLSign', 'digitalSignature'] });
  const rootSha1 = makeCa({ name: 'Root C' }); // same name as C, different key: a look-alike
  void rootSha1;
  const interA = makeCa({ name: 'Inter A', parent: rootA, key: kp('ec', 'interA') });
  const interNotCa = makeCa({ name: 'Inter not CA', parent: rootC, ca: false, key: kp('ec', 'interNotCa') });
  const interExpired = makeCa({ name: 'Inter Expired', parent: rootC, notBefore: ago(100), notAfter: ago(1), key: kp('ec', 'interExp') });
  const interP0 = makeCa({ name: 'Inter under pathLen 0', parent: rootPath0, key: kp('ec', 'interP0') });
  const rootV6Host = makeCa({ name: 'Root ::1/128', constraints: { permitCidr: ['::1/128'] } });
  const rootV6Ula = makeCa({ name: 'Root fd00::/8', constraints: { permitCidr: ['fd00::/8'] } });
  const interCrit = makeCa({ name: 'Inter unknown critical ext', parent: rootC, key: kp('ec', 'interCrit'), extra: [unknownExtension(true)] });
  const trusted = [rootA, rootC, rootExpired, rootIpOnly, rootClientEku, rootPath0, rootNoCertSign, rootV6Host, rootV6Ula];
  const rsa = kp('rsa2048');
  const rsa1024 = kp('rsa1024');

  const L = makeLeaf;
  const defs: [string, (h: string) => Promise<Endpoint>][] = [
    ['ok', (h) => serveTls('ok', h, L({ issuer: rootA, dns: [h] }))],
    ['ok-ip', () => serveTls('ok-ip', '127.0.0.1', L({ issuer: rootA, ip: ['127.0.0.1'] }))],
    ['ip-not-in-san', () => serveTls('ip-not-in-san', '127.0.0.1', L({ issuer: rootA, dns: ['ip.test'] }))],
    ['cn-only', (h) => serveTls('cn-only', h, L({ issuer: rootA, cn: h, noSan: true }))],
    ['wrong-name', (h) => serveTls('wrong-name', h, L({ issuer: rootA, dns: ['other.test'] }))],
    ['wildcard', () => serveTls('wildcard', 'cam.wild.test', L({ issuer: rootA, dns: ['*.wild.test'] }))],
    ['wildcard-two-labels', () => serveTls('wildcard-two-labels', 'a.cam.wild2.test', L({ issuer: rootA, dns: ['*.wild2.test'] }))],
    ['wildcard-tld', (h) => serveTls('wildcard-tld', h, L({ issuer: rootA, dns: ['*.test'] }))],
    ['self-signed', (h) => serveTls('self-signed', h, L({ dns: [h] }))],
    ['untrusted-root', (h) => serveTls('untrusted-root', h, L({ issuer: rootB, dns: [h] }))],
    ['missing-intermediate', (h) => serveTls('missing-intermediate', h, L({ issuer: interA, dns: [h] }))],
    ['with-intermediate', (h) => serveTls('with-intermediate', h, L({ issuer: interA, dns: [h] }), [interA.der])],
    ['sends-root-too', (h) => serveTls('sends-root-too', h, L({ issuer: interA, dns: [h] }), [interA.der, rootA.der])],
    ['non-ca-intermediate', (h) => serveTls('non-ca-intermediate', h, L({ issuer: interNotCa, dns: [h] }), [interNotCa.der])],
    ['expired-intermediate', (h) => serveTls('expired-intermediate', h, L({ issuer: interExpired, dns: [h] }), [interExpired.der])],
    ['expired', (h) => serveTls('expired', h, L({ issuer: rootA, dns: [h], notBefore: ago(30), notAfter: ago(1) }))],
    ['not-yet-valid', (h) => serveTls('not-yet-valid', h, L({ issuer: rootA, dns: [h], notBefore: ago(-2), notAfter: ago(-300) }))],
    ['expired-root', (h) => serveTls('expired-root', h, L({ issuer: rootExpired, dns: [h], notBefore: ago(30) }))],
    ['sha1', (h) => serveTls('sha1', h, L({ issuer: rootA, dns: [h], hash: 'sha1' }))],
    ['rsa-1024', (h) => serveTls('rsa-1024', h, L({ issuer: rootA, dns: [h], key: rsa1024 }))],
    ['eku-client-only', (h) => serveTls('eku-client-only', h, L({ issuer: rootA, dns: [h], eku: ['clientAuth'] }))],
    ['name-constraint-dns', (h) => serveTls('name-constraint-dns', h, L({ issuer: rootA, dns: [h, 'cam.example.com'] }))],
    ['name-constraint-ip', () => serveTls('name-constraint-ip', '127.0.0.1', L({ issuer: rootIpOnly, ip: ['127.0.0.1'] }))],
    ['anchor-eku-client', (h) => serveTls('anchor-eku-client', h, L({ issuer: rootClientEku, dns: [h] }))],
    ['anchor-pathlen-0', (h) => serveTls('anchor-pathlen-0', h, L({ issuer: interP0, dns: [h] }), [interP0.der])],
    ['anchor-no-keycertsign', (h) => serveTls('anchor-no-keycertsign', h, L({ issuer: rootNoCertSign, dns: [h] }))],
    ['second-root', (h) => serveTls('second-root', h, L({ issuer: rootC, dns: [h] }))],
    ['rsa-ku-no-digitalsig', (h) => serveTls('rsa-ku-no-digitalsig', h, L({ issuer: rootA, dns: [h], key: rsa, keyUsage: ['keyEncipherment'] }))],
    ['rsa-ku-no-digitalsig-untrusted', (h) => serveTls('rsa-ku-no-digitalsig-untrusted', h, L({ issuer: rootB, dns: [h], key: rsa, keyUsage: ['keyEncipherment'] }))],
    ['rsa-ku-tls12-ecdhe', (h) => serveTls('rsa-ku-tls12-ecdhe', h, L({ issuer: rootA, dns: [h], key: rsa, keyUsage: ['keyEncipherment'] }), [], { maxVersion: 'TLSv1.2' })],
    ['rsa-kx-only', (h) => serveOpenssl('rsa-kx-only', h, dir, L({ issuer: rootA, dns: [h], key: rsa }), ['-no_tls1_3', '-cipher', 'AES128-GCM-SHA256'])],
    ['tls10-only', (h) => serveOpenssl('tls10-only', h, dir, L({ issuer: rootA, dns: [h], key: rsa }), ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'])],
    ['expired-and-wrong-name', (h) => serveTls('expired-and-wrong-name', h, L({ issuer: rootA, dns: ['nope.test'], notBefore: ago(30), notAfter: ago(1) }))],
    ['expired-and-untrusted', (h) => serveTls('expired-and-untrusted', h, L({ issuer: rootB, dns: [h], notBefore: ago(30), notAfter: ago(1) }))],
    ['sha1-and-expired', (h) => serveTls('sha1-and-expired', h, L({ issuer: rootA, dns: [h], hash: 'sha1', notBefore: ago(30), notAfter: ago(1) }))],
    ['nc-and-expired', (h) => serveTls('nc-and-expired', h, L({ issuer: rootA, dns: [h, 'cam.example.com'], notBefore: ago(30), notAfter: ago(1) }))],
    ['wrong-name-untrusted', (h) => serveTls('wrong-name-untrusted', h, L({ issuer: rootB, dns: ['nope.test'] }))],
    // IPv6 literal hosts (servers on ::1 only): iPAddress SANs and IPv6 name constraints
    ['v6-ok', () => serveTls('v6-ok', '[::1]', L({ issuer: rootC, ip: ['::1'] }))],
    ['v6-only-v4-san', () => serveTls('v6-only-v4-san', '[::1]', L({ issuer: rootC, ip: ['127.0.0.1'] }))],
    ['v6-dns-san-only', () => serveTls('v6-dns-san-only', '[::1]', L({ issuer: rootC, dns: ['localhost'] }))],
    ['v6-nc-permitted-host', () => serveTls('v6-nc-permitted-host', '[::1]', L({ issuer: rootV6Host, ip: ['::1'] }))],
    ['v6-nc-outside-ula', () => serveTls('v6-nc-outside-ula', '[::1]', L({ issuer: rootV6Ula, ip: ['::1'] }))],
    ['v6-nc-v4-only-root', () => serveTls('v6-nc-v4-only-root', '[::1]', L({ issuer: rootA, ip: ['::1'] }))],
    // RSA keys below 1024 bits (served with SECLEVEL=0), and 1024 for comparison above
    ['rsa-768', (h) => serveTls('rsa-768', h, L({ issuer: rootA, dns: [h], key: kp('rsa768') }))],
    ['rsa-512', (h) => serveTls('rsa-512', h, L({ issuer: rootA, dns: [h], key: kp('rsa512') }), [], { maxVersion: 'TLSv1.2' })],
    ['rsa-768-and-nc', (h) => serveTls('rsa-768-and-nc', h, L({ issuer: rootA, dns: [h, 'cam.example.com'], key: kp('rsa768') }))],
    ['rsa-768-and-expired', (h) => serveTls('rsa-768-and-expired', h, L({ issuer: rootA, dns: [h], key: kp('rsa768'), notBefore: ago(30), notAfter: ago(1) }))],
    // extensions nobody knows: critical in the leaf, critical in an intermediate, non-critical (harmless)
    ['unknown-critical-ext-leaf', (h) => serveTls('unknown-critical-ext-leaf', h, L({ issuer: rootC, dns: [h], extra: [unknownExtension(true)] }))],
    ['unknown-critical-ext-inter', (h) => serveTls('unknown-critical-ext-inter', h, L({ issuer: interCrit, dns: [h] }), [interCrit.der])],
    ['unknown-noncritical-ext', (h) => serveTls('unknown-noncritical-ext', h, L({ issuer: rootC, dns: [h], extra: [unknownExtension(false)] }))],
    // a wildcard for one label: the label, not two, not the parent
    ['wildcard-one-label', () => serveTls('wildcard-one-label', 'a.cams.test', L({ issuer: rootA, dns: ['*.cams.test'] }))],
    ['wildcard-two-deep', () => serveTls('wildcard-two-deep', 'a.b.cams.test', L({ issuer: rootA, dns: ['*.cams.test'] }))],
    ['wildcard-bare-parent', () => serveTls('wildcard-bare-parent', 'cams.test', L({ issuer: rootA, dns: ['*.cams.test'] }))],
    ['refused', (h) => refusedPort('refused', h)],
    ['garbage', (h) => serveRaw('garbage', h, 'garbage')],
    ['closes', (h) => serveRaw('closes', h, 'close')],
    ['resets', (h) => serveRaw('resets', h, 'reset')],
  ];
  endpoints = await Promise.all(defs.map(([n, f]) => f(`${n}.test`)));
  nss = makeNssHome();
  trusted.forEach((r, i) => {
    const f = join(dir, `root${i}.pem`);
    writeFileSync(f, r.pem);
    nssAddRoot(nss.db, f, `corpus-root-${i}`);
  });
  const urls = endpoints.map((e) => e.url);
  const resolve = endpoints.map((e) => `${new URL(e.url).hostname}:${new URL(e.url).port}:127.0.0.1`).filter((s) => !s.startsWith('127.') && !s.startsWith('['));
  const [c, o] = await Promise.all([
    chromeVerdicts(urls, { home: nss.home, hostRules: 'MAP *.test 127.0.0.1' }),
    testUrls(urls, { anchors: trusted.map((r) => ({ der: r.der, source: r.name[1]![1] })), resolve, timeoutMs: 5000 }),
  ]);
  chrome = c;
  ours = new Map(o.map((r) => [r.url, r]));
}, 180_000);

afterAll(async () => {
  await Promise.all(endpoints.map((e) => e.close()));
  nss?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('lantrust test predicts Chromium exactly', () => {
  test('every case in the corpus', () => {
    const rows = endpoints.map((e) => ({ name: e.name, chromium: chrome.get(e.url), lantrust: ours.get(e.url)?.chrome.error, cause: ours.get(e.url)?.chrome.cause }));
    console.log(rows.map((r) => `${r.chromium === r.lantrust ? '=' : 'X'} ${r.name.padEnd(32)} chromium ${String(r.chromium).padEnd(40)} lantrust ${r.lantrust}   ${r.cause}`).join('\n'));
    for (const r of rows) expect.soft(r.lantrust, r.name).toBe(r.chromium);
    // the corpus must really span the verdicts, or it proves little
    expect(new Set(rows.map((r) => r.chromium)).size).toBeGreaterThanOrEqual(10);
  });

  test('IPv6 literal hosts [::1] are in the corpus', () => {
    const six = endpoints.filter((e) => e.url.startsWith('https://[::1]:'));
    expect(six.length).toBe(6);
    expect(chrome.get(six.find((e) => e.name === 'v6-ok')!.url)).toBe('net::OK');
    expect(ours.get(six.find((e) => e.name === 'v6-ok')!.url)!.tls.address).toBe('::1');
  });

  test('the chain is what the server sent, not completed from a local store', () => {
    const roles = (n: string) => ours.get(endpoints.find((e) => e.name === n)!.url)!.chain.map((c) => c.role);
    expect(roles('missing-intermediate')).toEqual(['leaf']);
    expect(roles('with-intermediate')).toEqual(['leaf', 'intermediate', 'anchor']);
    expect(roles('sends-root-too')).toEqual(['leaf', 'intermediate', 'root']);
    expect(ours.get(endpoints.find((e) => e.name === 'sends-root-too')!.url)!.findings.map((f) => f.id)).toContain('sends-root');
    expect(ours.get(endpoints.find((e) => e.name === 'rsa-1024')!.url)!.findings.map((f) => f.id)).toContain('rsa-weak');
    expect(ours.get(endpoints.find((e) => e.name === 'rsa-768')!.url)!.chrome.cause).toContain('RSA 768 bits');
    const tls10 = ours.get(endpoints.find((e) => e.name === 'tls10-only')!.url)!;
    expect(tls10.tls.legacyOnly?.protocol).toBe('TLSv1');
    expect(tls10.chrome.fix).toMatch(/Chrome refuses TLS 1\.0: update the camera's firmware/);
  });
});
