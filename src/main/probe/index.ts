// lantrust test, as a library: probe URLs and predict Chrome's verdict for each.
import { describe } from '../cert/describe.js';
import type { AnchorCert } from '../verify/path.js';
import { loadAnchors } from './anchors.js';
import { probeOne, type RunContext } from './one.js';
import { parseResolve } from './target.js';
import type { TestOptions, TestResult, TrustAnchor } from './types.js';

export type * from './types.js';
export { loadAnchors };

/**
 * Probes every URL (at most `concurrency` at once, each within its own timeout) and returns the
 * results in input order. Anchors: opts.anchors plus the files named in opts.roots/chromePolicy/system.
 */
export async function testUrls(urls: string[], opts: TestOptions, onProgress?: (done: number, total: number) => void): Promise<TestResult[]> {
  const given: TrustAnchor[] = [...(opts.anchors ?? []), ...(await loadAnchors({ ...(opts.roots ? { roots: opts.roots } : {}), ...(opts.chromePolicy ? { chromePolicy: opts.chromePolicy } : {}), ...(opts.system ? { system: true } : {}) }))];
  const anchors: AnchorCert[] = [];
  for (const a of given) {
    try {
      anchors.push({ cert: describe(a.der), anchor: a });
    } catch {
      /* an unparsable anchor can't anchor anything; Chrome skips it too */
    }
  }
  const ctx: RunContext = { anchors, resolve: parseResolve(opts.resolve), opts };
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
