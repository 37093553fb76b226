// lantrust test, as a library: probe URLs and predict Chrome's verdict for each.
import { pemCertificates } from '../cert/read.js';
import type { AnchorCert } from '../verify/path.js';
import { readAsVerifier } from '../verify/parse.js';
import { AiaFetcher } from './aia.js';
import { loadAnchors } from './anchors.js';
import { judgeCertificates } from './judge.js';
import { probeOne, type RunContext } from './one.js';
import { parseResolve } from './target.js';
import type { TestOptions, TestResult, TrustAnchor } from './types.js';

export type * from './types.js';
export { loadAnchors };

/**
 * Probes every URL (at most `concurrency` at once, each within its own timeout) and returns the
 * results in input order. Anchors: opts.anchors plus the files named in opts.roots/chromePolicy/system.
 */
/** The anchors of these options, as Chrome's verifier reads them (one it can't read anchors nothing). */
async function anchorsFor(opts: TestOptions): Promise<AnchorCert[]> {
  const given: TrustAnchor[] = [...(opts.anchors ?? []), ...(await loadAnchors({ ...(opts.roots ? { roots: opts.roots } : {}), ...(opts.chromePolicy ? { chromePolicy: opts.chromePolicy } : {}), ...(opts.system ? { system: true } : {}) }))];
  const anchors = new Map<string, AnchorCert>();
  for (const a of given) {
    const r = readAsVerifier(a.der);
    if (!r.ok) continue;
    // the same root from two places (an NSS/--root file and CACertificatesWithConstraints): the policy's
    // constraints still bind, measured on Chromium 156
    const seen = anchors.get(r.cert.info.sha256);
    if (!seen || (a.policyConstraints && !seen.anchor.policyConstraints)) anchors.set(r.cert.info.sha256, { cert: r.cert, anchor: a });
  }
  return [...anchors.values()];
}

/**
 * Chrome's verdict on results already probed, under other trust anchors: the certificates each camera
 * sent are judged again, without connecting to the camera (the app's "once the root is installed").
 * Only certificate verdicts change; connection and handshake failures are returned as they were.
 */
export async function rejudge(results: TestResult[], opts: TestOptions): Promise<TestResult[]> {
  const anchors = await anchorsFor(opts);
  const aia = new AiaFetcher(parseResolve(opts.resolve));
  return Promise.all(
    results.map(async (r) => {
      const sent = r.chain.filter((c) => c.index !== undefined).sort((a, b) => a.index! - b.index!);
      if (!sent.length || r.tls.legacyOnly || !r.tls.protocol) return r;
      const j = await judgeCertificates(
        sent.flatMap((c) => pemCertificates(c.pem)),
        r.host,
        r.tls,
        { anchors, aia, now: opts.now ?? new Date(), deadline: Date.now() + (opts.timeoutMs ?? 5000) },
      );
      // a camera that wants a client certificate still refuses once the certificate is trusted
      const chrome = r.tls.clientAuth === 'required' && j.chrome.error === 'net::OK' ? r.chrome : j.chrome;
      return { ...r, chrome, chain: j.chain, findings: j.findings, ...(j.aia ? { aia: j.aia } : {}) };
    }),
  );
}

export async function testUrls(urls: string[], opts: TestOptions, onProgress?: (done: number, total: number) => void): Promise<TestResult[]> {
  const anchors = await anchorsFor(opts);
  const resolve = parseResolve(opts.resolve);
  const ctx: RunContext = { anchors, resolve, opts, aia: new AiaFetcher(resolve) };
  const results = new Array<TestResult>(urls.length);
  const limit = Math.max(1, opts.concurrency ?? 32);
  // A camera that hasn't answered within `park` ms gives its slot back and waits out its own timeout
  // on the side, so 50 hung cameras cost one timeout in parallel, not fifty in a queue.
  const park = Math.min(500, Math.max(50, (opts.timeoutMs ?? 5000) / 4));
  let active = 0;
  let done = 0;
  const waiting: (() => void)[] = [];
  const acquire = () => (active < limit ? (active++, Promise.resolve()) : new Promise<void>((r) => waiting.push(r)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  await Promise.all(
    urls.map(async (url, i) => {
      await acquire();
      let released = false;
      const free = () => {
        if (!released) (released = true), release();
      };
      const timer = setTimeout(free, park);
      try {
        results[i] = await probeOne(url, ctx);
      } finally {
        clearTimeout(timer);
        free();
      }
      onProgress?.(++done, urls.length);
    }),
  );
  return results;
}
