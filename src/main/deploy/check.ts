// Looking at what a camera serves, from the outside: its chain (one TLS handshake, as at first contact),
// waiting for a new certificate to appear after a switch, and Chrome's verdict with the company root
// trusted for every name the camera has (lantrust test's own engine), plus one frame.
import { describe, type ParsedCert } from '../cert/describe.js';
import { testUrls } from '../probe/index.js';
import { handshake, type Handshake } from '../probe/tls.js';
import type { TestResult, TrustAnchor } from '../probe/types.js';
import { isIP } from 'node:net';
import type { DeployTarget } from './types.js';

/** One handshake; `certs` parsed (throws if the camera sends something that isn't a certificate). */
export async function servedChain(t: DeployTarget, timeoutMs: number): Promise<{ hs: Handshake; certs: ParsedCert[] }> {
  const hs = await handshake({ address: t.address, port: t.port, ...(isIP(t.host) ? {} : { servername: t.host }) }, Date.now() + timeoutMs);
  return { hs, certs: hs.ok ? hs.certs.map((d) => describe(d)) : [] };
}

/** Polls until the camera presents `sha256` (its web server may take a moment to switch). */
export async function waitForServed(t: DeployTarget, sha256: string, timeoutMs: number): Promise<ParsedCert[] | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: ParsedCert[] | undefined;
  while (Date.now() < deadline) {
    try {
      const { certs } = await servedChain(t, Math.max(200, deadline - Date.now()));
      last = certs;
      if (certs[0]?.info.sha256 === sha256) return certs;
    } catch {
      /* unparsable: keep waiting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last?.[0]?.info.sha256 === sha256 ? last : undefined;
}

export interface Verdict {
  /** The worst verdict over the camera's names. */
  error: string;
  cause: string;
  fix: string;
  /** Per name. */
  results: TestResult[];
  frame?: { bytes: number; ms: number } | { error: string };
}

/**
 * Chrome's verdict for https://NAME:PORT/ for every name of the device (each reaching the camera's
 * address); with `frame`, the first name's URL is the stream path and one frame is fetched from it.
 */
export async function chromeVerdict(t: DeployTarget, anchors: TrustAnchor[], timeoutMs: number, frame: boolean): Promise<Verdict> {
  const names = [...new Set([...t.device.ip, ...t.device.dns])];
  const bracket = (n: string) => (n.includes(':') ? `[${n}]` : n);
  const url = (n: string, path = '/') => `https://${bracket(n)}:${t.port}${path}`;
  const base = { anchors, resolve: names.map((n) => `${bracket(n)}:${t.port}:${bracket(t.address)}`), timeoutMs };
  const [first, rest] = await Promise.all([
    testUrls([url(names[0]!, frame ? (t.streamPath ?? '/') : '/')], { ...base, ...(frame ? { frame: true, ...(t.user !== undefined ? { user: t.user, password: t.password ?? '' } : {}) } : {}) }),
    testUrls(names.slice(1).map((n) => url(n)), base),
  ]);
  const results = [...first, ...rest];
  const bad = results.find((r) => r.chrome.error !== 'net::OK');
  const pick = bad ?? results[0]!;
  const f = first[0]?.stream;
  return {
    error: pick.chrome.error,
    cause: bad ? `${pick.url}: ${pick.chrome.cause}` : '',
    fix: bad ? pick.chrome.fix : '',
    results,
    ...(f?.fetched ? { frame: f.frameBytes ? { bytes: f.frameBytes, ms: f.firstFrameMs ?? 0 } : { error: f.error ?? 'no frame' } } : {}),
  };
}

/** Chrome errors that are about reaching the camera, not about its certificate. */
const UNREACHABLE = /^net::ERR_(CONNECTION_|TIMED_OUT|ADDRESS_UNREACHABLE|NAME_NOT_RESOLVED|EMPTY_RESPONSE)/;

/**
 * After a switch: Chrome's verdict once every name presents the certificate `sha256` (a web server
 * may take a moment to switch, or restart; that is waited for within the budget). `switched` says
 * whether it ever did; one frame is fetched when the device has a stream path.
 */
export async function verifySwitch(t: DeployTarget, anchors: TrustAnchor[], sha256: string, timeoutMs: number): Promise<{ switched: boolean; verdict: Verdict }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const verdict = await chromeVerdict(t, anchors, Math.max(500, deadline - Date.now()), Boolean(t.streamPath));
    const switched = verdict.results.every((r) => r.chain.find((c) => c.index === 0)?.sha256 === sha256);
    if ((switched && !UNREACHABLE.test(verdict.error)) || Date.now() >= deadline) return { switched, verdict };
    await new Promise((r) => setTimeout(r, 200));
  }
}
