// AIA downloads as lantrust makes them (what Chromium does with each kind of URL is in the parity corpus):
// one download per URL per run however many cameras name it, and never past the camera's own --timeout.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testUrls } from '../../src/main/probe/index.js';
import { kp, makeCa, makeLeaf, serveFiles, serveTls, type Endpoint } from '../verify/corpus.js';

const root = makeCa({ name: 'AIA Root' });
const inter = makeCa({ name: 'AIA Inter', parent: root, key: kp('ec', 'aiaInterUnit') });
let files: Awaited<ReturnType<typeof serveFiles>>;
const cams: Endpoint[] = [];

beforeAll(async () => {
  files = await serveFiles({ '/inter.der': { body: inter.der }, '/hang': { hang: true } });
  for (let i = 0; i < 3; i++) cams.push(await serveTls(`cam${i}`, '127.0.0.1', makeLeaf({ issuer: inter, ip: ['127.0.0.1'], aia: [`http://127.0.0.1:${files.port}/inter.der`] })));
  cams.push(await serveTls('hang', '127.0.0.1', makeLeaf({ issuer: inter, ip: ['127.0.0.1'], aia: [`http://127.0.0.1:${files.port}/hang`] })));
});

afterAll(async () => {
  await Promise.all(cams.map((c) => c.close()));
  await files?.close();
});

describe('AIA caIssuers downloads', () => {
  test('three cameras naming the same URL: one download, three verdicts through it', async () => {
    const rs = await testUrls(cams.slice(0, 3).map((c) => c.url), { anchors: [{ der: root.der, source: 'root' }] });
    expect(rs.map((r) => r.chrome.error)).toEqual(['net::OK', 'net::OK', 'net::OK']);
    for (const r of rs) expect(r.chain.find((c) => c.fetchedFrom)?.subject).toBe('O=Corpus, CN=AIA Inter');
    expect(files.hits.get('/inter.der')).toBe(1);
  });

  test('a URL that never answers ends with the camera, not after Chrome’s 10 s', async () => {
    const [r] = await testUrls([cams[3]!.url], { anchors: [{ der: root.der, source: 'root' }], timeoutMs: 1500 });
    expect(r!.chrome.error).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    expect(r!.chrome.cause).toMatch(/\/hang, which did not answer in time/);
    expect(r!.ms).toBeLessThan(8000); // loose: only that the 10 s per-URL limit did not outlive the 1.5 s budget
  });
});
