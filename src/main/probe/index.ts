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
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      results[i] = await probeOne(urls[i]!, ctx);
      onProgress?.(++done, urls.length);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 32, urls.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}
