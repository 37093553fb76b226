// Chrome's managed policy (CACertificates, CACertificatesWithConstraints): lantrust reads the same JSON
// file Chromium reads from /etc/chromium/policies/managed and must give Chromium's verdict on each case.
// Needs root (CI and dev machines here are); the policy file is unique to this run and removed after.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadAnchors, testUrls } from '../../src/main/probe/index.js';
import type { TestResult } from '../../src/main/probe/types.js';
import { chromeVerdicts, findTool, makeNssHome, nssAddRoot } from '../helpers/oracles.js';
import { makeCa, makeLeaf, serveTls, type Endpoint } from './corpus.js';

const POLICY_DIR = '/etc/chromium/policies/managed';
const policyFile = join(POLICY_DIR, `lantrust-test-zz-policy-${process.pid}.json`);
let endpoints: Endpoint[] = [];
let chrome: Map<string, string>;
let ours: Map<string, TestResult>;
let nss: ReturnType<typeof makeNssHome>;

beforeAll(async () => {
  findTool('chromium');
  const dnsOnly = makeCa({ name: 'Policy Root DNS' });
  const cidrOnly = makeCa({ name: 'Policy Root CIDR' });
  const plain = makeCa({ name: 'Policy Root plain' });
  const noConstraint = makeCa({ name: 'Policy Root with empty constraints' });
  // trusted twice: in the NSS db (no constraints there) and by CACertificatesWithConstraints
  const both = makeCa({ name: 'Root in NSS and in policy' });
  const L = makeLeaf;
  const defs: [string, (h: string) => Promise<Endpoint>][] = [
    ['dns-permitted', (h) => serveTls('dns-permitted', h, L({ issuer: dnsOnly, dns: [h] }))],
    ['dns-not-permitted', (h) => serveTls('dns-not-permitted', h, L({ issuer: dnsOnly, dns: [h, 'cam.elsewhere.example'] }))],
    ['dns-root-ip-leaf', () => serveTls('dns-root-ip-leaf', '127.0.0.1', L({ issuer: dnsOnly, ip: ['127.0.0.1'] }))],
    ['cidr-permitted', () => serveTls('cidr-permitted', '127.0.0.1', L({ issuer: cidrOnly, ip: ['127.0.0.1'] }))],
    ['cidr-not-permitted', (h) => serveTls('cidr-not-permitted', h, L({ issuer: cidrOnly, dns: [h], ip: ['10.1.2.3'] }))],
    ['plain-policy-root', (h) => serveTls('plain-policy-root', h, L({ issuer: plain, dns: [h] }))],
    ['entry-without-constraints', (h) => serveTls('entry-without-constraints', h, L({ issuer: noConstraint, dns: [h] }))],
    ['policy-expired-leaf', (h) => serveTls('policy-expired-leaf', h, L({ issuer: dnsOnly, dns: [h], notBefore: new Date(Date.now() - 9e9), notAfter: new Date(Date.now() - 9e8) }))],
    ['nss-and-policy-inside', (h) => serveTls('nss-and-policy-inside', h, L({ issuer: both, dns: [h] }))],
    ['nss-and-policy-outside', (h) => serveTls('nss-and-policy-outside', h, L({ issuer: both, dns: [h, 'cam.elsewhere.example'] }))],
    ['nss-and-policy-ip', () => serveTls('nss-and-policy-ip', '127.0.0.1', L({ issuer: both, ip: ['127.0.0.1'] }))],
  ];
  endpoints = await Promise.all(defs.map(([n, f]) => f(`${n}.test`)));
  const b64 = (d: Buffer) => d.toString('base64');
  const policy = {
    CACertificates: [b64(plain.der)],
    CACertificatesWithConstraints: [
      { certificate: b64(dnsOnly.der), constraints: { permitted_dns_names: ['dns-permitted.test', 'dns-not-permitted.test', 'policy-expired-leaf.test'] } },
      { certificate: b64(cidrOnly.der), constraints: { permitted_cidrs: ['127.0.0.0/8'] } },
      { certificate: b64(noConstraint.der), constraints: {} },
      { certificate: b64(both.der), constraints: { permitted_dns_names: ['nss-and-policy-inside.test', 'nss-and-policy-outside.test'] } },
    ],
  };
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(policyFile, JSON.stringify(policy));
  nss = makeNssHome();
  const bothFile = join(tmpdir(), `lantrust-zz-both-${process.pid}.pem`);
  writeFileSync(bothFile, both.pem);
  nssAddRoot(nss.db, bothFile, 'root-in-nss-and-policy');
  rmSync(bothFile);
  const urls = endpoints.map((e) => e.url);
  const resolve = endpoints.map((e) => `${new URL(e.url).hostname}:${new URL(e.url).port}:127.0.0.1`).filter((s) => !s.startsWith('127.'));
  // lantrust is told about both places, as the app or `lantrust test --root ... --chrome-policy ...` would be
  const anchors = [{ der: both.der, source: 'NSS db' }, ...(await loadAnchors({ chromePolicy: policyFile }))];
  const [c, o] = await Promise.all([chromeVerdicts(urls, { home: nss.home, hostRules: 'MAP *.test 127.0.0.1' }), testUrls(urls, { anchors, resolve })]);
  chrome = c;
  ours = new Map(o.map((r) => [r.url, r]));
}, 120_000);

afterAll(async () => {
  rmSync(policyFile, { force: true });
  await Promise.all(endpoints.map((e) => e.close()));
  nss?.cleanup();
});

describe('Chrome policy roots and their constraints', () => {
  test('lantrust --chrome-policy gives Chromium verdict on every case', () => {
    const rows = endpoints.map((e) => ({ name: e.name, chromium: chrome.get(e.url), lantrust: ours.get(e.url)?.chrome.error, cause: ours.get(e.url)?.chrome.cause }));
    console.log(rows.map((r) => `${r.chromium === r.lantrust ? '=' : 'X'} ${r.name.padEnd(28)} chromium ${String(r.chromium).padEnd(34)} lantrust ${r.lantrust}   ${r.cause}`).join('\n'));
    for (const r of rows) expect.soft(r.lantrust, r.name).toBe(r.chromium);
    // the policy really was read: the plain root makes a camera load that no NSS root vouches for
    expect(chrome.get(endpoints.find((e) => e.name === 'plain-policy-root')!.url)).toBe('net::OK');
    // and the NSS copy of a constrained root really is trusted (the name inside loads)
    expect(chrome.get(endpoints.find((e) => e.name === 'nss-and-policy-inside')!.url)).toBe('net::OK');
  });
});
