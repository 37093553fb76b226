// lantrust test, as a library: probe URLs and predict Chrome's verdict for each.
import type { TestOptions, TestResult, TrustAnchor } from './types.js';

export type * from './types.js';

/** Probes every URL (bounded concurrency, one timeout per URL) and returns results in input order. */
export async function testUrls(urls: string[], opts: TestOptions, onProgress?: (done: number, total: number) => void): Promise<TestResult[]> {
  void opts;
  onProgress?.(urls.length, urls.length);
  throw new Error('testUrls: not implemented yet');
}

/** Reads trust anchors from root files, a Chrome policy JSON, the system store, or DER buffers. */
export async function loadAnchors(opts: { roots?: string[]; chromePolicy?: string; system?: boolean; rootDers?: Buffer[] }): Promise<TrustAnchor[]> {
  void opts;
  return [];
}
