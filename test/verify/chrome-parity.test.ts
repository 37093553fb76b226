// lantrust's verdict must equal real Chromium's on every rule: a corpus of endpoints on 127.0.0.1 and ::1
// (test/verify/cases.ts), Chromium (one browser, a fresh context per URL) trusting the same roots from an
// NSS db. LANTRUST_CORPUS=regex runs only the matching cases (while developing; the full run is the test).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testUrls } from '../../src/main/probe/index.js';
import type { TestResult } from '../../src/main/probe/types.js';
import { chromeVerdicts, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';
import { buildCorpus, type Corpus } from './cases.js';
import { requireIpv6Loopback, type Endpoint } from './corpus.js';

const ONLY = process.env.LANTRUST_CORPUS ? new RegExp(process.env.LANTRUST_CORPUS) : undefined;
let corpus: Corpus;
let endpoints: (Endpoint & { category: string })[] = [];
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
  corpus = await buildCorpus(dir);
  const defs = corpus.defs.filter(([n]) => !ONLY || ONLY.test(n));
  endpoints = await Promise.all(defs.map(async ([n, category, start]) => ({ ...(await start(`${n}.test`)), category })));
  nss = makeNssHome();
  corpus.trusted.forEach((r, i) => {
    const f = join(dir, `root${i}.pem`);
    writeFileSync(f, r.pem);
    nssAddRoot(nss.db, f, `corpus-root-${i}`);
  });
  const urls = endpoints.map((e) => e.url);
  const resolve = [...endpoints.map((e) => `${new URL(e.url).hostname}:${new URL(e.url).port}:127.0.0.1`).filter((s) => !s.startsWith('127.') && !s.startsWith('[')), ...corpus.resolve];
  const [c, o] = await Promise.all([
    chromeVerdicts(urls, { home: nss.home, hostRules: 'MAP *.test 127.0.0.1', concurrency: 3 }),
    testUrls(urls, { anchors: corpus.trusted.map((r) => ({ der: r.der, source: r.name.at(-1)![1] })), resolve, timeoutMs: 12_000, concurrency: 8 }),
  ]);
  chrome = c;
  ours = new Map(o.map((r) => [r.url, r]));
  // A few endings depend on timing inside Chromium itself (a TLS 1.3 server that refuses the client's
  // empty certificate after Chromium has sent its request: the alert or the closed socket may come
  // first). Where Chromium's first answer differs from lantrust's, ask it twice more and take the
  // answer it gives most often: still Chromium's verdict, not a single coin toss.
  const differ = urls.filter((u) => chrome.get(u) !== ours.get(u)?.chrome.error);
  if (differ.length && differ.length <= 10) {
    const again = [await chromeVerdicts(differ, { home: nss.home, hostRules: 'MAP *.test 127.0.0.1', concurrency: 1 }), await chromeVerdicts(differ, { home: nss.home, hostRules: 'MAP *.test 127.0.0.1', concurrency: 1 })];
    for (const u of differ) {
      const answers = [chrome.get(u)!, ...again.map((m) => m.get(u)!)];
      const most = answers.find((a) => answers.filter((b) => b === a).length >= 2) ?? answers[0]!;
      console.log(`Chromium re-asked for ${u}: ${answers.join(', ')} -> ${most}`);
      chrome.set(u, most);
    }
  }
}, 600_000);

afterAll(async () => {
  await Promise.all(endpoints.map((e) => e.close()));
  await corpus?.close();
  nss?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const result = (name: string) => {
  const e = endpoints.find((x) => x.name === name);
  if (!e) throw new Error(`no case ${name}`);
  return ours.get(e.url)!;
};
const full = !ONLY;

describe('lantrust test predicts Chromium exactly', () => {
  test('every case in the corpus', () => {
    const rows = endpoints.map((e) => ({ name: e.name, category: e.category, chromium: chrome.get(e.url), lantrust: ours.get(e.url)?.chrome.error, cause: ours.get(e.url)?.chrome.cause }));
    console.log(rows.map((r) => `${r.chromium === r.lantrust ? '=' : 'X'} ${`[${r.category}]`.padEnd(22)} ${r.name.padEnd(32)} chromium ${String(r.chromium).padEnd(40)} lantrust ${r.lantrust}   ${r.cause}`).join('\n'));
    for (const r of rows) expect.soft(r.lantrust, r.name).toBe(r.chromium);
    if (!full) return;
    // the corpus must really span the verdicts and the categories, or it proves little
    expect(new Set(rows.map((r) => r.chromium)).size).toBeGreaterThanOrEqual(14);
    expect(rows.length).toBeGreaterThanOrEqual(130);
  });

  test.runIf(full)('IPv6 literal hosts [::1] are in the corpus', () => {
    const six = endpoints.filter((e) => e.url.startsWith('https://[::1]:'));
    expect(six.length).toBe(6);
    expect(chrome.get(six.find((e) => e.name === 'v6-ok')!.url)).toBe('net::OK');
    expect(result('v6-ok').tls.address).toBe('::1');
  });

  test.runIf(full)('the chain is what the server sent, in its order, not completed from a local store', () => {
    const roles = (n: string) => result(n).chain.map((c) => (c.fetchedFrom ? 'fetched' : c.role));
    expect(roles('missing-intermediate')).toEqual(['leaf']);
    expect(roles('with-intermediate')).toEqual(['leaf', 'intermediate', 'anchor']);
    expect(roles('sends-root-too')).toEqual(['leaf', 'intermediate', 'root']);
    expect(result('order-reversed').chain.map((c) => c.subject.replace(/^(O=Corpus, )?CN=/, ''))).toEqual(['order-reversed.test', 'Inter 1', 'Inter 2', 'Root A']);
    expect(result('order-many-extras').chain.filter((c) => c.index !== undefined)).toHaveLength(11);
    expect(result('same-name-wrong-first').findings.map((f) => f.id)).toContain('unused-certificates');
    expect(result('order-extras').findings.map((f) => f.id)).toContain('sends-root');
    expect(result('sends-root-too').findings.map((f) => f.id)).toContain('sends-root');
    expect(result('rsa-1024').findings.map((f) => f.id)).toContain('rsa-weak');
    expect(result('rsa-768').chrome.cause).toContain('RSA 768 bits');
    const tls10 = result('tls10-only');
    expect(tls10.tls.legacyOnly?.protocol).toBe('TLSv1');
    expect(tls10.chrome.fix).toMatch(/Chrome refuses TLS 1\.0: update the camera's firmware/);
  });

  test.runIf(full)('AIA: the cause names the URL, the fetched intermediate is in the chain, a warning says to serve it', () => {
    const ok = result('aia-der');
    expect(ok.chrome.cause).toMatch(/downloaded from http:\/\/aia\.test:\d+\/inter\.der/);
    expect(ok.chain.find((c) => c.fetchedFrom)?.subject).toBe('O=Corpus, CN=Inter AIA');
    expect(ok.findings.find((f) => f.id === 'aia-fetched')?.fix).toMatch(/upload \S+\.chain\.pem/);
    expect(ok.aia).toEqual([expect.objectContaining({ url: expect.stringMatching(/\/inter\.der$/), certs: 1 })]);
    expect(result('aia-https').chrome.cause).toMatch(/https:\/\/aia\.test:\d+\/inter\.der, which is https, and Chrome downloads missing intermediates only over http/);
    expect(result('aia-redirect-https').chrome.cause).toMatch(/redirects to https:\/\/aia\.test:\d+\/inter\.der, and Chrome downloads missing intermediates only over http/);
    expect(result('aia-redirect-http').chrome.error).toBe('net::OK');
    expect(result('aia-over-64k').chrome.cause).toContain('64 KB');
    // (the freed port can be taken by another server on this busy machine: then it resets instead)
    expect(result('aia-refused').chrome.cause).toMatch(/refused the connection|could not be reached/);
    expect(result('aia-hangs').chrome.cause).toContain('did not answer in time');
    expect(result('aia-two-levels').chain.filter((c) => c.fetchedFrom).map((c) => c.subject)).toEqual(['O=Corpus, CN=Inter AIA 2', 'O=Corpus, CN=Inter AIA']);
    expect(result('aia-der').aia?.length).toBe(1);
  });

  test.runIf(full)('client certificates, DER and wrong protocols get their own causes', () => {
    expect(result('client-auth-tls13').chrome.cause).toBe('the camera requires a client certificate: HTTPS client authentication is on');
    expect(result('client-auth-tls13').tls.clientAuth).toBe('required');
    expect(result('client-auth-optional').tls.clientAuth).toBe('optional');
    expect(result('der-ku-long-length-ec').chrome.cause).toMatch(/not valid DER \(a long-form length for 2 bytes/);
    expect(result('der-subject-rdn-long').chrome.code).toBe(-167);
    expect(result('der-inter-boolean-01').chain[1]!.unreadable).toMatch(/BOOLEAN of 01/);
    expect(result('speaks-ssh').chrome.cause).toMatch(/speaks SSH, not HTTPS/);
    expect(result('speaks-http').chrome.cause).toMatch(/speaks plain HTTP, not HTTPS/);
    expect(result('leaf-ed25519').chrome.cause).toMatch(/Ed25519 key, which Chrome does not accept/);
  });
});
