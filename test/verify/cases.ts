// The parity corpus: one endpoint per case, grouped by the category of Chrome rule it exercises. Every
// certificate is made at test time; what Chrome says about each endpoint is asked of real Chromium by the
// test, never written here. Hosts are "<case>.test" (mapped to 127.0.0.1), 127.0.0.1 or [::1].
import { kp, makeCa, makeLeaf, refusedPort, serveClientAuth, serveFiles, serveOpenssl, servePlainHttp, serveRaw, serveTls, unknownExtension, certsOnlyPkcs7, type Endpoint, type HttpRoute, type Issuer } from './corpus.js';
import { at, extension, mangle, OID, resignPss } from './malformed.js';

const DAY = 86_400_000;
const ago = (d: number) => new Date(Date.now() - d * DAY);
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export type CaseDef = [name: string, category: string, start: (host: string) => Promise<Endpoint>];

export interface Corpus {
  defs: CaseDef[];
  /** Roots in the NSS db that Chromium reads (and lantrust's anchors). */
  trusted: Issuer[];
  /** Extra --resolve entries (the AIA server's name). */
  resolve: string[];
  /** Requests per path on the AIA server. */
  aiaHits: Map<string, number>;
  close(): Promise<void>;
}

export async function buildCorpus(dir: string): Promise<Corpus> {
  const L = makeLeaf;
  const defs: CaseDef[] = [];
  const add = (category: string, ...cases: [string, (h: string) => Promise<Endpoint>][]) => defs.push(...cases.map(([n, f]): CaseDef => [n, category, f]));

  const rootA = makeCa({ name: 'Root A', constraints: { permitDns: ['test'], permitCidr: ['127.0.0.0/8'] } });
  const rootB = makeCa({ name: 'Root B (untrusted)' });
  const rootC = makeCa({ name: 'Root C' });
  const rootRsa = makeCa({ name: 'Root RSA', key: kp('rsa2048', 'rootRsa') });
  const rsa = kp('rsa2048');
  const trusted: Issuer[] = [rootA, rootC, rootRsa];
  const trust = (...r: Issuer[]) => (trusted.push(...r), r);

  // --- names and wildcards ---------------------------------------------------------------------------
  add(
    'names',
    ['ok', (h) => serveTls('ok', h, L({ issuer: rootA, dns: [h] }))],
    ['ok-ip', () => serveTls('ok-ip', '127.0.0.1', L({ issuer: rootA, ip: ['127.0.0.1'] }))],
    ['ip-not-in-san', () => serveTls('ip-not-in-san', '127.0.0.1', L({ issuer: rootA, dns: ['ip.test'] }))],
    ['cn-only', (h) => serveTls('cn-only', h, L({ issuer: rootA, cn: h, noSan: true }))],
    ['wrong-name', (h) => serveTls('wrong-name', h, L({ issuer: rootA, dns: ['other.test'] }))],
    ['uppercase-san', (h) => serveTls('uppercase-san', h, L({ issuer: rootA, dns: [h.toUpperCase()] }))],
    ['wildcard', () => serveTls('wildcard', 'cam.wild.test', L({ issuer: rootA, dns: ['*.wild.test'] }))],
    ['wildcard-two-labels', () => serveTls('wildcard-two-labels', 'a.cam.wild2.test', L({ issuer: rootA, dns: ['*.wild2.test'] }))],
    ['wildcard-tld', (h) => serveTls('wildcard-tld', h, L({ issuer: rootA, dns: ['*.test'] }))],
    ['wildcard-one-label', () => serveTls('wildcard-one-label', 'a.cams.test', L({ issuer: rootA, dns: ['*.cams.test'] }))],
    ['wildcard-two-deep', () => serveTls('wildcard-two-deep', 'a.b.cams.test', L({ issuer: rootA, dns: ['*.cams.test'] }))],
    ['wildcard-bare-parent', () => serveTls('wildcard-bare-parent', 'cams.test', L({ issuer: rootA, dns: ['*.cams.test'] }))],
    ['wildcard-partial-prefix', () => serveTls('wildcard-partial-prefix', 'cam1.pw.test', L({ issuer: rootA, dns: ['cam*.pw.test'] }))],
    ['wildcard-partial-suffix', () => serveTls('wildcard-partial-suffix', 'cam1.pw2.test', L({ issuer: rootA, dns: ['*1.pw2.test'] }))],
    ['wildcard-multi-level', () => serveTls('wildcard-multi-level', 'a.b.mw.test', L({ issuer: rootA, dns: ['*.*.mw.test'] }))],
    ['wildcard-for-ip-host', () => serveTls('wildcard-for-ip-host', '127.0.0.1', L({ issuer: rootRsa, dns: ['*.0.0.1'] }))],
    ['ip-as-dns-san', () => serveTls('ip-as-dns-san', '127.0.0.1', L({ issuer: rootRsa, dns: ['127.0.0.1'] }))],
  );

  // --- trust and paths ------------------------------------------------------------------------------
  const rootExpired = makeCa({ name: 'Root Expired', notBefore: ago(400), notAfter: ago(5) });
  const interA = makeCa({ name: 'Inter A', parent: rootA, key: kp('ec', 'interA') });
  const interNotCa = makeCa({ name: 'Inter not CA', parent: rootC, ca: false, key: kp('ec', 'interNotCa') });
  const interExpired = makeCa({ name: 'Inter Expired', parent: rootC, notBefore: ago(100), notAfter: ago(1), key: kp('ec', 'interExp') });
  trust(rootExpired);
  add(
    'trust',
    ['self-signed', (h) => serveTls('self-signed', h, L({ dns: [h] }))],
    ['untrusted-root', (h) => serveTls('untrusted-root', h, L({ issuer: rootB, dns: [h] }))],
    ['second-root', (h) => serveTls('second-root', h, L({ issuer: rootC, dns: [h] }))],
    ['missing-intermediate', (h) => serveTls('missing-intermediate', h, L({ issuer: interA, dns: [h] }))],
    ['with-intermediate', (h) => serveTls('with-intermediate', h, L({ issuer: interA, dns: [h] }), [interA.der])],
    ['sends-root-too', (h) => serveTls('sends-root-too', h, L({ issuer: interA, dns: [h] }), [interA.der, rootA.der])],
    ['non-ca-intermediate', (h) => serveTls('non-ca-intermediate', h, L({ issuer: interNotCa, dns: [h] }), [interNotCa.der])],
    ['expired-intermediate', (h) => serveTls('expired-intermediate', h, L({ issuer: interExpired, dns: [h] }), [interExpired.der])],
    ['expired-root', (h) => serveTls('expired-root', h, L({ issuer: rootExpired, dns: [h], notBefore: ago(30) }))],
  );
  // a camera's own self-signed certificate put in the trust store as a root
  const selfTrustedPlain = L({ dns: ['self-trusted-plain.test'], key: kp('ec', 'stp'), ca: null, keyUsage: null });
  const selfTrustedLeaf = L({ dns: ['self-trusted-leaf.test'], key: kp('ec', 'stl') });
  trusted.push(asIssuer(selfTrustedPlain), asIssuer(selfTrustedLeaf));
  add(
    'trust',
    ['self-trusted-plain', (h) => serveTls('self-trusted-plain', h, selfTrustedPlain)],
    ['self-trusted-leaf', (h) => serveTls('self-trusted-leaf', h, selfTrustedLeaf)],
  );

  // --- chain order: what Chrome builds from an unordered or over-full set ---------------------------
  const inter1 = makeCa({ name: 'Inter 1', parent: rootA, key: kp('ec', 'inter1') });
  const inter2 = makeCa({ name: 'Inter 2', parent: inter1, key: kp('ec', 'inter2') });
  const unrelated = Array.from({ length: 8 }, (_, i) => makeCa({ name: `Unrelated ${i}`, key: kp('ec', `unrel${i}`) }));
  const dupWrong = makeCa({ name: 'Inter Dup', parent: rootA, key: kp('ec', 'dupWrong') });
  const dupRight = makeCa({ name: 'Inter Dup', parent: rootA, key: kp('ec', 'dupRight') });
  const renewOld = makeCa({ name: 'Inter Renew', parent: rootA, key: kp('ec', 'renew'), notBefore: ago(400), notAfter: ago(2) });
  const renewNew = makeCa({ name: 'Inter Renew', parent: rootA, key: kp('ec', 'renew') });
  const crossB = makeCa({ name: 'Inter Cross', parent: rootB, key: kp('ec', 'cross') });
  const crossA = makeCa({ name: 'Inter Cross', parent: rootA, key: kp('ec', 'cross'), notBefore: ago(20) });
  add(
    'chain order',
    ['order-reversed', (h) => serveTls('order-reversed', h, L({ issuer: inter2, dns: [h] }), [inter1.der, inter2.der])],
    ['order-extras', (h) => serveTls('order-extras', h, L({ issuer: interA, dns: [h] }), [unrelated[0]!.der, rootB.der, interA.der])],
    ['order-many-extras', (h) => serveTls('order-many-extras', h, L({ issuer: inter2, dns: [h] }), [...unrelated.slice(1).map((u) => u.der), inter1.der, rootA.der, inter2.der])],
    ['same-name-wrong-first', (h) => serveTls('same-name-wrong-first', h, L({ issuer: dupRight, dns: [h], noAki: true }), [dupWrong.der, dupRight.der])],
    ['same-name-key-id', (h) => serveTls('same-name-key-id', h, L({ issuer: dupRight, dns: [h] }), [dupWrong.der, dupRight.der])],
    ['renewed-expired-first', (h) => serveTls('renewed-expired-first', h, L({ issuer: renewNew, dns: [h] }), [renewOld.der, renewNew.der])],
    ['renewed-only-expired', (h) => serveTls('renewed-only-expired', h, L({ issuer: renewNew, dns: [h] }), [renewOld.der])],
    ['cross-untrusted-first', (h) => serveTls('cross-untrusted-first', h, L({ issuer: crossA, dns: [h] }), [crossB.der, crossA.der])],
  );

  // --- AIA caIssuers -------------------------------------------------------------------------------
  const aiaInter = makeCa({ name: 'Inter AIA', parent: rootA, key: kp('ec', 'aiaI') });
  const routes: Record<string, HttpRoute> = {
    '/inter.der': { body: aiaInter.der },
    '/inter.p7c': { body: certsOnlyPkcs7(dir, 'aia', [aiaInter.der]), contentType: 'application/pkcs7-mime' },
    '/inter.pem': { body: aiaInter.pem, contentType: 'application/x-pem-file' },
    '/renew.der': { body: renewNew.der },
    '/html': { body: '<html>hello</html>', contentType: 'text/html' },
    // just over and just under the 64 KiB cap: the same PEM after padding text
    '/big.pem': { body: `${'x'.repeat(70_000)}\n${aiaInter.pem}` },
    '/notbig.pem': { body: `${'x'.repeat(60_000)}\n${aiaInter.pem}` },
    '/500': { status: 500, body: aiaInter.der },
    '/hang': { hang: true },
  };
  const aiaSrv = await serveFiles(routes);
  const aia = (p: string) => `http://aia.test:${aiaSrv.port}${p}`;
  routes['/redirect-http'] = { location: aia('/inter.der') };
  routes['/redirect-https'] = { location: `https://aia.test:${aiaSrv.port}/inter.der` };
  const aiaInter2 = makeCa({ name: 'Inter AIA 2', parent: aiaInter, key: kp('ec', 'aiaI2'), aia: [aia('/inter.der')] });
  routes['/inter2.der'] = { body: aiaInter2.der };
  const refused = new URL((await refusedPort('aia-refused', 'aia.test')).url).port;
  const viaAia = (name: string, urls: string[], issuer = aiaInter, extra: Buffer[] = []): [string, (h: string) => Promise<Endpoint>] => [name, (h) => serveTls(name, h, L({ issuer, dns: [h], aia: urls }), extra)];
  add(
    'AIA',
    viaAia('aia-der', [aia('/inter.der')]),
    viaAia('aia-pkcs7', [aia('/inter.p7c')]),
    viaAia('aia-pem', [aia('/inter.pem')]),
    viaAia('aia-under-64k', [aia('/notbig.pem')]),
    viaAia('aia-over-64k', [aia('/big.pem')]),
    viaAia('aia-https', [`https://aia.test:${aiaSrv.port}/inter.der`]),
    viaAia('aia-html', [aia('/html')]),
    viaAia('aia-404-then-good', [aia('/nothing-here'), aia('/inter.der')]),
    viaAia('aia-500', [aia('/500')]),
    viaAia('aia-redirect-http', [aia('/redirect-http')]),
    viaAia('aia-redirect-https', [aia('/redirect-https')]),
    viaAia('aia-refused', [`http://aia.test:${refused}/inter.der`]),
    viaAia('aia-hangs', [aia('/hang')]),
    viaAia('aia-two-levels', [aia('/inter2.der')], aiaInter2),
    viaAia('aia-after-expired-sent', [aia('/renew.der')], renewNew, [renewOld.der]),
  );

  // --- name constraints ------------------------------------------------------------------------------
  const rootIpOnly = makeCa({ name: 'Root 192.168', constraints: { permitCidr: ['192.168.0.0/16'] } });
  const rootWx = makeCa({ name: 'Root wx', key: kp('ec', 'rootWx'), constraints: { permitDns: ['wx.test'], excludeDns: ['secret.wx.test'], permitCidr: ['127.0.0.0/8'] } });
  const rootWy = makeCa({ name: 'Root wy', key: kp('ec', 'rootWy'), constraints: { permitDns: ['wy.test'], excludeDns: ['x.secret.wy.test'], permitCidr: ['127.0.0.0/8'] } });
  const rootWz = makeCa({ name: 'Root wz', key: kp('ec', 'rootWz'), constraints: { permitDns: ['wz.test'], excludeDns: ['.secret.wz.test'], permitCidr: ['127.0.0.0/8'] } });
  const rootNonCrit = makeCa({ name: 'Root NC non-critical', key: kp('ec', 'ncnc'), constraints: { permitDns: ['elsewhere.example'] }, constraintsCritical: false });
  // constraints on one name type only, leaving the other open (RFC 5280 4.2.1.10)
  const rootDnsOnly = makeCa({ name: 'Root DNS subtrees only', key: kp('ec', 'dnsOnly'), constraintSet: { permitted: [{ type: 'dns', value: 'elsewhere.example', problems: [] }], excluded: [] } });
  const rootIpOpen = makeCa({ name: 'Root IP subtrees only', key: kp('ec', 'ipOnly'), constraintSet: { permitted: [{ type: 'ip', value: '10.0.0.0/8', cidr: { addr: Buffer.from([10, 0, 0, 0]), mask: Buffer.from([255, 0, 0, 0]), prefix: 8 }, problems: [] }], excluded: [] } });
  const rootV6Host = makeCa({ name: 'Root ::1/128', constraints: { permitCidr: ['::1/128'] } });
  const rootV6Ula = makeCa({ name: 'Root fd00::/8', constraints: { permitCidr: ['fd00::/8'] } });
  trust(rootIpOnly, rootWx, rootWy, rootWz, rootNonCrit, rootDnsOnly, rootIpOpen, rootV6Host, rootV6Ula);
  add(
    'name constraints',
    ['name-constraint-dns', (h) => serveTls('name-constraint-dns', h, L({ issuer: rootA, dns: [h, 'cam.example.com'] }))],
    ['name-constraint-ip', () => serveTls('name-constraint-ip', '127.0.0.1', L({ issuer: rootIpOnly, ip: ['127.0.0.1'] }))],
    ['nc-not-critical', (h) => serveTls('nc-not-critical', h, L({ issuer: rootNonCrit, dns: [h] }))],
    ['nc-closed-ip-type', () => serveTls('nc-closed-ip-type', '127.0.0.1', L({ issuer: rootNonCrit, ip: ['127.0.0.1'] }))],
    ['nc-dns-only-ip-host', () => serveTls('nc-dns-only-ip-host', '127.0.0.1', L({ issuer: rootDnsOnly, ip: ['127.0.0.1'] }))],
    ['nc-dns-only-dns-host', (h) => serveTls('nc-dns-only-dns-host', h, L({ issuer: rootDnsOnly, dns: [h] }))],
    ['nc-ip-only-dns-host', (h) => serveTls('nc-ip-only-dns-host', h, L({ issuer: rootIpOpen, dns: [h] }))],
    ['nc-ip-only-ip-host', () => serveTls('nc-ip-only-ip-host', '127.0.0.1', L({ issuer: rootIpOpen, ip: ['127.0.0.1'] }))],
    ['nc-uppercase-san', () => serveTls('nc-uppercase-san', 'cam.wx.test', L({ issuer: rootWx, dns: ['CAM.WX.TEST'] }))],
    ['wildcard-excluded-below', () => serveTls('wildcard-excluded-below', 'a.wx.test', L({ issuer: rootWx, dns: ['*.wx.test'] }))],
    ['wildcard-excluded-two-below', () => serveTls('wildcard-excluded-two-below', 'a.wy.test', L({ issuer: rootWy, dns: ['*.wy.test'] }))],
    ['wildcard-excluded-dot-subtree', () => serveTls('wildcard-excluded-dot-subtree', 'a.wz.test', L({ issuer: rootWz, dns: ['*.wz.test'] }))],
    ['wildcard-outside-permitted', () => serveTls('wildcard-outside-permitted', 'a.wide.test', L({ issuer: rootWx, dns: ['*.wide.test'] }))],
  );

  // --- IPv6 literal hosts (servers on ::1 only) ------------------------------------------------------
  add(
    'IPv6',
    ['v6-ok', () => serveTls('v6-ok', '[::1]', L({ issuer: rootC, ip: ['::1'] }))],
    ['v6-only-v4-san', () => serveTls('v6-only-v4-san', '[::1]', L({ issuer: rootC, ip: ['127.0.0.1'] }))],
    ['v6-dns-san-only', () => serveTls('v6-dns-san-only', '[::1]', L({ issuer: rootC, dns: ['localhost'] }))],
    ['v6-nc-permitted-host', () => serveTls('v6-nc-permitted-host', '[::1]', L({ issuer: rootV6Host, ip: ['::1'] }))],
    ['v6-nc-outside-ula', () => serveTls('v6-nc-outside-ula', '[::1]', L({ issuer: rootV6Ula, ip: ['::1'] }))],
    ['v6-nc-v4-only-root', () => serveTls('v6-nc-v4-only-root', '[::1]', L({ issuer: rootA, ip: ['::1'] }))],
  );

  // --- dates, algorithms, keys -----------------------------------------------------------------------
  const rootSha1 = makeCa({ name: 'Root SHA-1 self-signature', key: kp('rsa2048', 'sha1root'), hash: 'sha1' });
  const rootP521 = makeCa({ name: 'Root P-521', key: kp('p521', 'rootP521') });
  trust(rootSha1, rootP521);
  add(
    'dates and algorithms',
    ['expired', (h) => serveTls('expired', h, L({ issuer: rootA, dns: [h], notBefore: ago(30), notAfter: ago(1) }))],
    ['not-yet-valid', (h) => serveTls('not-yet-valid', h, L({ issuer: rootA, dns: [h], notBefore: ago(-2), notAfter: ago(-300) }))],
    ['sha1', (h) => serveTls('sha1', h, L({ issuer: rootA, dns: [h], hash: 'sha1' }))],
    ['sha1-root-self-signature', (h) => serveTls('sha1-root-self-signature', h, L({ issuer: rootSha1, dns: [h] }))],
    ['rsa-pss-signature', (h) => serveTls('rsa-pss-signature', h, { key: rsa, der: resignPss(L({ issuer: rootRsa, dns: [h], key: rsa }).der, rootRsa.key.privateKey) })],
    ['rsa-1024', (h) => serveTls('rsa-1024', h, L({ issuer: rootA, dns: [h], key: kp('rsa1024') }))],
    ['rsa-768', (h) => serveTls('rsa-768', h, L({ issuer: rootA, dns: [h], key: kp('rsa768') }))],
    ['rsa-512', (h) => serveTls('rsa-512', h, L({ issuer: rootA, dns: [h], key: kp('rsa512') }), [], { maxVersion: 'TLSv1.2' })],
    ['leaf-p384', (h) => serveTls('leaf-p384', h, L({ issuer: rootA, dns: [h], key: kp('p384') }))],
    ['leaf-p521', (h) => serveTls('leaf-p521', h, L({ issuer: rootA, dns: [h], key: kp('p521') }))],
    ['leaf-ed25519', (h) => serveTls('leaf-ed25519', h, L({ issuer: rootA, dns: [h], key: kp('ed25519') }))],
    ['leaf-rsa-pss-key', (h) => serveTls('leaf-rsa-pss-key', h, L({ issuer: rootA, dns: [h], key: kp('rsapss'), keyUsage: ['digitalSignature'] }))],
    ['root-p521', (h) => serveTls('root-p521', h, L({ issuer: rootP521, dns: [h] }))],
  );

  // --- what a certificate may be used for ------------------------------------------------------------
  const rootClientEku = makeCa({ name: 'Root EKU clientAuth', eku: ['clientAuth'] });
  const rootPath0 = makeCa({ name: 'Root pathLen 0', pathLen: 0 });
  const rootNoCertSign = makeCa({ name: 'Root no keyCertSign', keyUsage: ['cRLSign', 'digitalSignature'] });
  const interP0 = makeCa({ name: 'Inter under pathLen 0', parent: rootPath0, key: kp('ec', 'interP0') });
  const interEkuClient = makeCa({ name: 'Inter EKU clientAuth', parent: rootA, key: kp('ec', 'iekuc'), eku: ['clientAuth'] });
  const interEkuServer = makeCa({ name: 'Inter EKU serverAuth', parent: rootA, key: kp('ec', 'iekus'), eku: ['serverAuth'] });
  const interEkuAny = makeCa({ name: 'Inter EKU any', parent: rootA, key: kp('ec', 'iekua'), eku: ['anyExtendedKeyUsage'] });
  const interCrit = makeCa({ name: 'Inter unknown critical ext', parent: rootC, key: kp('ec', 'interCrit'), extra: [unknownExtension(true)] });
  trust(rootClientEku, rootPath0, rootNoCertSign);
  add(
    'usage',
    ['eku-client-only', (h) => serveTls('eku-client-only', h, L({ issuer: rootA, dns: [h], eku: ['clientAuth'] }))],
    ['eku-none', (h) => serveTls('eku-none', h, L({ issuer: rootA, dns: [h], eku: null }))],
    ['eku-any', (h) => serveTls('eku-any', h, L({ issuer: rootA, dns: [h], eku: ['anyExtendedKeyUsage'] }))],
    ['eku-inter-client', (h) => serveTls('eku-inter-client', h, L({ issuer: interEkuClient, dns: [h] }), [interEkuClient.der])],
    ['eku-inter-server', (h) => serveTls('eku-inter-server', h, L({ issuer: interEkuServer, dns: [h] }), [interEkuServer.der])],
    ['eku-inter-any', (h) => serveTls('eku-inter-any', h, L({ issuer: interEkuAny, dns: [h] }), [interEkuAny.der])],
    ['ku-none', (h) => serveTls('ku-none', h, L({ issuer: rootA, dns: [h], keyUsage: null }))],
    ['ku-none-rsa', (h) => serveTls('ku-none-rsa', h, L({ issuer: rootA, dns: [h], key: rsa, keyUsage: null }))],
    ['ku-ec-key-agreement', (h) => serveTls('ku-ec-key-agreement', h, L({ issuer: rootA, dns: [h], keyUsage: ['keyAgreement'] }))],
    ['leaf-ca-true', (h) => serveTls('leaf-ca-true', h, L({ issuer: rootA, dns: [h], ca: true }))],
    ['leaf-ca-true-certsign', (h) => serveTls('leaf-ca-true-certsign', h, L({ issuer: rootA, dns: [h], ca: true, keyUsage: ['digitalSignature', 'keyCertSign'] }))],
    ['leaf-no-basic-constraints', (h) => serveTls('leaf-no-basic-constraints', h, L({ issuer: rootA, dns: [h], ca: null }))],
    ['anchor-eku-client', (h) => serveTls('anchor-eku-client', h, L({ issuer: rootClientEku, dns: [h] }))],
    ['anchor-pathlen-0', (h) => serveTls('anchor-pathlen-0', h, L({ issuer: interP0, dns: [h] }), [interP0.der])],
    ['anchor-no-keycertsign', (h) => serveTls('anchor-no-keycertsign', h, L({ issuer: rootNoCertSign, dns: [h] }))],
    ['unknown-critical-ext-leaf', (h) => serveTls('unknown-critical-ext-leaf', h, L({ issuer: rootC, dns: [h], extra: [unknownExtension(true)] }))],
    ['unknown-critical-ext-inter', (h) => serveTls('unknown-critical-ext-inter', h, L({ issuer: interCrit, dns: [h] }), [interCrit.der])],
    ['unknown-noncritical-ext', (h) => serveTls('unknown-noncritical-ext', h, L({ issuer: rootC, dns: [h], extra: [unknownExtension(false)] }))],
    ['rsa-ku-no-digitalsig', (h) => serveTls('rsa-ku-no-digitalsig', h, L({ issuer: rootA, dns: [h], key: rsa, keyUsage: ['keyEncipherment'] }))],
    ['rsa-ku-no-digitalsig-untrusted', (h) => serveTls('rsa-ku-no-digitalsig-untrusted', h, L({ issuer: rootB, dns: [h], key: rsa, keyUsage: ['keyEncipherment'] }))],
    ['rsa-ku-tls12-ecdhe', (h) => serveTls('rsa-ku-tls12-ecdhe', h, L({ issuer: rootA, dns: [h], key: rsa, keyUsage: ['keyEncipherment'] }), [], { maxVersion: 'TLSv1.2' })],
  );

  // --- several faults at once: the one Chrome reports ------------------------------------------------
  add(
    'several faults',
    ['expired-and-wrong-name', (h) => serveTls('expired-and-wrong-name', h, L({ issuer: rootA, dns: ['nope.test'], notBefore: ago(30), notAfter: ago(1) }))],
    ['expired-and-untrusted', (h) => serveTls('expired-and-untrusted', h, L({ issuer: rootB, dns: [h], notBefore: ago(30), notAfter: ago(1) }))],
    ['sha1-and-expired', (h) => serveTls('sha1-and-expired', h, L({ issuer: rootA, dns: [h], hash: 'sha1', notBefore: ago(30), notAfter: ago(1) }))],
    ['sha1-and-untrusted', (h) => serveTls('sha1-and-untrusted', h, L({ issuer: rootB, dns: [h], hash: 'sha1' }))],
    ['nc-and-expired', (h) => serveTls('nc-and-expired', h, L({ issuer: rootA, dns: [h, 'cam.example.com'], notBefore: ago(30), notAfter: ago(1) }))],
    ['wrong-name-untrusted', (h) => serveTls('wrong-name-untrusted', h, L({ issuer: rootB, dns: ['nope.test'] }))],
    ['rsa-768-and-nc', (h) => serveTls('rsa-768-and-nc', h, L({ issuer: rootA, dns: [h, 'cam.example.com'], key: kp('rsa768') }))],
    ['rsa-768-and-expired', (h) => serveTls('rsa-768-and-expired', h, L({ issuer: rootA, dns: [h], key: kp('rsa768'), notBefore: ago(30), notAfter: ago(1) }))],
  );

  // --- TLS versions and cipher suites old camera firmware offers (openssl s_server) -----------------
  const rsaLeaf = (h: string) => L({ issuer: rootRsa, dns: [h], key: rsa });
  add(
    'TLS and ciphers',
    ['tls10-only', (h) => serveOpenssl('tls10-only', h, dir, rsaLeaf(h), ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'])],
    ['tls11-only', (h) => serveOpenssl('tls11-only', h, dir, rsaLeaf(h), ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'])],
    ['rsa-kx-only', (h) => serveOpenssl('rsa-kx-only', h, dir, rsaLeaf(h), ['-no_tls1_3', '-cipher', 'AES128-GCM-SHA256'])],
    ['rsa-kx-cbc-sha1', (h) => serveOpenssl('rsa-kx-cbc-sha1', h, dir, rsaLeaf(h), ['-no_tls1_3', '-cipher', 'AES128-SHA'])],
    ['rsa-kx-cbc-sha256', (h) => serveOpenssl('rsa-kx-cbc-sha256', h, dir, rsaLeaf(h), ['-no_tls1_3', '-cipher', 'AES128-SHA256'])],
    ['dhe-only', (h) => serveOpenssl('dhe-only', h, dir, rsaLeaf(h), ['-no_tls1_3', '-cipher', 'DHE-RSA-AES128-GCM-SHA256'])],
    ['ecdhe-rsa-cbc', (h) => serveOpenssl('ecdhe-rsa-cbc', h, dir, rsaLeaf(h), ['-no_tls1_3', '-cipher', 'ECDHE-RSA-AES128-SHA'])],
    ['ecdhe-ecdsa-cbc', (h) => serveOpenssl('ecdhe-ecdsa-cbc', h, dir, L({ issuer: rootA, dns: [h] }), ['-no_tls1_3', '-cipher', 'ECDHE-ECDSA-AES128-SHA'])],
    ['rsa-kx-ku-no-encipherment', (h) => serveOpenssl('rsa-kx-ku-no-encipherment', h, dir, L({ issuer: rootRsa, dns: [h], key: rsa, keyUsage: ['digitalSignature'] }), ['-no_tls1_3', '-cipher', 'AES128-GCM-SHA256'])],
  );

  // --- HTTPS client authentication -------------------------------------------------------------------
  const ca = (name: string, leaf: ReturnType<typeof L>, tls: { maxVersion?: 'TLSv1.2'; optional?: boolean } = {}): [string, (h: string) => Promise<Endpoint>] => [name, (h) => serveClientAuth(name, h, leaf, rootB.pem, tls)];
  add(
    'client certificates',
    ca('client-auth-tls13', L({ issuer: rootA, dns: ['client-auth-tls13.test'] })),
    ca('client-auth-tls12', L({ issuer: rootA, dns: ['client-auth-tls12.test'] }), { maxVersion: 'TLSv1.2' }),
    ca('client-auth-optional', L({ issuer: rootA, dns: ['client-auth-optional.test'] }), { optional: true }),
    ca('client-auth-untrusted', L({ issuer: rootB, dns: ['client-auth-untrusted.test'] })),
    ca('client-auth-untrusted-tls12', L({ issuer: rootB, dns: ['client-auth-untrusted-tls12.test'] }), { maxVersion: 'TLSv1.2' }),
    ca('client-auth-expired', L({ issuer: rootA, dns: ['client-auth-expired.test'], notBefore: ago(30), notAfter: ago(1) })),
  );

  // --- not DER: where Chrome stops reading, and what it says -----------------------------------------
  const ec = kp('ec');
  const base = (h: string, key = ec, keyUsage: string[] | null | undefined = undefined) => L({ issuer: rootA, dns: [h], key, ...(keyUsage !== undefined ? { keyUsage } : {}) });
  const mal = (name: string, change: Parameters<typeof mangle>[2], key = ec, keyUsage: string[] | null | undefined = undefined): [string, (h: string) => Promise<Endpoint>] => [
    name,
    (h) => serveTls(name, h, { der: mangle(base(h, key, keyUsage).der, rootA.key.privateKey, change), key }),
  ];
  const interBool = makeCa({ name: 'Inter BOOLEAN 01', parent: rootA, key: kp('ec', 'ib01') });
  const interPathLen = makeCa({ name: 'Inter pathLen 00 00', parent: rootA, key: kp('ec', 'ipl'), pathLen: 0 });
  add(
    'not DER',
    mal('der-ku-long-length-ec', (c) => void (at(extension(c, OID.keyUsage), [2]).value = hex('03810207 80'))),
    mal('der-ku-long-length-rsa', (c) => void (at(extension(c, OID.keyUsage), [2]).value = hex('038102 05a0')), rsa),
    mal('der-ku-extension-long', (c) => void (extension(c, OID.keyUsage).len = 'long')),
    mal('der-validity-long', (c) => void (at(c, [0, 4]).len = 'long')),
    mal('der-tbs-padded-length', (c) => void (at(c, [0]).len = 'padded')),
    mal('der-subject-rdn-long', (c) => void (at(c, [0, 5, 0]).len = 'long')),
    mal('der-san-inner-long', (c) => {
      const san = at(extension(c, OID.subjectAltName), [1]);
      const inner = san.value!.subarray(2);
      san.value = Buffer.concat([Buffer.from([0x30, 0x81, inner.length]), inner]);
    }),
    // the same SAN extension with a long-form length: read by the TLS code only when no keyUsage comes first
    mal('der-san-extension-long-after-ku', (c) => void (extension(c, OID.subjectAltName).len = 'long')),
    mal('der-san-extension-long-no-ku', (c) => void (extension(c, OID.subjectAltName).len = 'long'), ec, null),
    mal('der-critical-01', (c) => void (at(extension(c, OID.keyUsage), [1]).value = Buffer.from([0x01]))),
    mal('der-critical-false', (c) => void extension(c, OID.subjectAltName).kids!.splice(1, 0, { tag: 0x01, value: Buffer.from([0x00]) })),
    mal('der-ca-boolean-01', (c) => void (at(extension(c, OID.basicConstraints), [2]).value = hex('30030101 01'))),
    mal('der-eku-oid-padded', (c) => void (at(extension(c, OID.extKeyUsage), [1]).value = hex('300b0609 2b8006010505070301'))),
    ['der-inter-boolean-01', (h) => serveTls('der-inter-boolean-01', h, L({ issuer: interBool, dns: [h] }), [mangle(interBool.der, rootA.key.privateKey, (c) => void (at(extension(c, OID.basicConstraints), [2]).value = hex('30030101 01')))])],
    ['der-inter-pathlen-padded', (h) => serveTls('der-inter-pathlen-padded', h, L({ issuer: interPathLen, dns: [h] }), [mangle(interPathLen.der, rootA.key.privateKey, (c) => void (at(extension(c, OID.basicConstraints), [2]).value = hex('30070101ff 02020000')))])],
    ['der-inter-rdn-long', (h) => serveTls('der-inter-rdn-long', h, L({ issuer: interA, dns: [h] }), [mangle(interA.der, rootA.key.privateKey, (c) => void (at(c, [0, 5, 0]).len = 'long'))])],
  );

  // --- not HTTPS at all ------------------------------------------------------------------------------
  add(
    'connection',
    ['refused', (h) => refusedPort('refused', h)],
    ['garbage', (h) => serveRaw('garbage', h, 'garbage')],
    ['closes', (h) => serveRaw('closes', h, 'close')],
    ['closes-at-once', (h) => serveRaw('closes-at-once', h, 'close-now')],
    ['resets', (h) => serveRaw('resets', h, 'reset')],
    ['speaks-ssh', (h) => serveRaw('speaks-ssh', h, 'ssh')],
    ['speaks-http', (h) => servePlainHttp('speaks-http', h)],
  );

  return { defs, trusted, resolve: [`aia.test:${aiaSrv.port}:127.0.0.1`, `aia.test:${refused}:127.0.0.1`], aiaHits: aiaSrv.hits, close: () => aiaSrv.close() };
}

/** A self-signed leaf as a trust-store entry. */
function asIssuer(leaf: { der: Buffer; pem: string; key: ReturnType<typeof kp> }): Issuer {
  return { name: [['CN', 'self-signed']], key: leaf.key, der: leaf.der, pem: leaf.pem };
}
