// The app's "what would Chrome say once the root is installed": the certificates a camera already sent,
// judged again under the company root, without a second connection (the camera is gone by then).
import { expect, test } from 'vitest';
import { rejudge, testUrls } from '../../src/main/probe/index.js';
import { kp, makeCa, makeLeaf, serveFiles, serveTls } from '../verify/corpus.js';

test('rejudge needs no connection: the camera is closed, the verdict changes with the anchors', async () => {
  const root = makeCa({ name: 'Rejudge Root' });
  const inter = makeCa({ name: 'Rejudge Inter', parent: root, key: kp('ec', 'rejudgeInter') });
  const good = await serveTls('good', '127.0.0.1', makeLeaf({ issuer: root, ip: ['127.0.0.1'] }));
  const files = await serveFiles({ '/i.der': { body: inter.der } });
  const viaAia = await serveTls('aia', '127.0.0.1', makeLeaf({ issuer: inter, ip: ['127.0.0.1'], aia: [`http://127.0.0.1:${files.port}/i.der`] }));
  const before = await testUrls([good.url, viaAia.url], { timeoutMs: 3000 });
  expect(before.map((r) => r.chrome.error)).toEqual(['net::ERR_CERT_AUTHORITY_INVALID', 'net::ERR_CERT_AUTHORITY_INVALID']);
  await good.close();
  await viaAia.close();
  const after = await rejudge(before, { anchors: [{ der: root.der, source: 'the company root' }] });
  expect(after.map((r) => r.chrome.error)).toEqual(['net::OK', 'net::OK']);
  expect(after[1]!.chain.find((c) => c.fetchedFrom)?.subject).toBe('O=Corpus, CN=Rejudge Inter');
  // the originals are left as they were
  expect(before[0]!.chrome.error).toBe('net::ERR_CERT_AUTHORITY_INVALID');
  await files.close();
});
