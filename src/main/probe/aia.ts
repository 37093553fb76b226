// Downloading a missing intermediate from the leaf's AIA caIssuers URL, the way Chrome does it
// (cert_issuer_source_aia.cc, cert_net_fetcher): http:// only (redirects followed while they stay on
// http), HTTP 200 only, at most 64 KiB, 10 s per URL, and the body read as one DER certificate, else a
// "certs-only" PKCS#7, else the first PEM CERTIFICATE block. Measured on Chromium 156: https URLs, a
// redirect to https, 404/500, HTML and 70 KB answers all leave the chain ERR_CERT_AUTHORITY_INVALID; DER,
// PKCS#7, PEM and an http redirect all work. One download per URL per run.
import { request, type IncomingMessage } from 'node:http';
import { classifyDer, certsFromPkcs7, pemCertificates } from '../cert/read.js';
import type { ParsedCert } from '../cert/describe.js';
import { readAsVerifier } from '../verify/parse.js';
import { addressOf, parseTarget } from './target.js';

export const AIA_MAX_BYTES = 64 * 1024;
export const AIA_TIMEOUT_MS = 10_000;

export interface AiaResult {
  certs: ParsedCert[];
  /** Why nothing usable came, in words ("answered HTTP 404", "is https: Chrome downloads only http"). */
  error?: string;
}

interface Download {
  body?: Buffer;
  error?: string;
  /** The failure came from the caller's deadline, not the URL's: don't keep it for other cameras. */
  cutShort?: boolean;
}

/** Chrome's URLRequest follows at most this many redirects. */
const MAX_REDIRECTS = 20;

function get(url: URL, address: string, until: number, ownLimit: boolean): Promise<Download & { location?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (d: Download & { location?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(d);
    };
    const req = request({ host: address, port: url.port || 80, path: `${url.pathname}${url.search}`, method: 'GET', agent: false, headers: { Host: url.host, 'User-Agent': 'lantrust-test' } });
    const timer = setTimeout(() => done({ error: 'did not answer in time', cutShort: !ownLimit }), Math.max(1, until - Date.now()));
    req.once('error', (e: NodeJS.ErrnoException) => done({ error: e.code === 'ECONNREFUSED' ? 'refused the connection' : `could not be reached (${e.code ?? e.message})` }));
    req.once('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) return done({ location: res.headers.location });
      if (status !== 200) return done({ error: `answered HTTP ${status}` });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > AIA_MAX_BYTES) return done({ error: `sent more than ${AIA_MAX_BYTES / 1024} KB, Chrome's limit for a certificate download` });
        chunks.push(c);
      });
      res.once('end', () => done({ body: Buffer.concat(chunks) }));
      res.once('error', (e) => done({ error: `broke off (${e.message})` }));
    });
    req.end();
  });
}

/** DER, else certs-only PKCS#7, else the first PEM CERTIFICATE block (Chrome's order). */
function certificatesIn(body: Buffer): ParsedCert[] {
  const one = readAsVerifier(body);
  if (one.ok) return [one.cert];
  if (classifyDer(body) === 'pkcs7') {
    try {
      const certs = certsFromPkcs7(body).flatMap((d) => {
        const r = readAsVerifier(d);
        return r.ok ? [r.cert] : [];
      });
      if (certs.length) return certs;
    } catch {
      /* not a usable PKCS#7: try PEM */
    }
  }
  const pem = pemCertificates(body.toString('latin1'))[0];
  if (pem) {
    const r = readAsVerifier(pem);
    if (r.ok) return [r.cert];
  }
  return [];
}

/** One fetcher per run: each URL is downloaded once, however many cameras name it. */
export class AiaFetcher {
  private cache = new Map<string, Promise<Download>>();
  constructor(private resolve: Map<string, string>) {}

  /** Downloads `url` within `deadline` (the camera's own) and at most 10 s; never throws. */
  async fetch(url: string, deadline: number): Promise<AiaResult> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { certs: [], error: 'is not a valid URL' };
    }
    if (u.protocol !== 'http:') return { certs: [], error: `is ${u.protocol.replace(':', '')}, and Chrome downloads missing intermediates only over http` };
    let pending = this.cache.get(url);
    if (!pending) {
      pending = this.download(u, deadline);
      this.cache.set(url, pending);
    }
    const d = await pending;
    if (d.cutShort) this.cache.delete(url);
    if (!d.body) return { certs: [], error: d.error ?? 'failed' };
    const certs = certificatesIn(d.body);
    return certs.length ? { certs } : { certs: [], error: 'answered with something that is not a certificate (DER, PKCS#7 or PEM)' };
  }

  private async download(first: URL, deadline: number): Promise<Download> {
    const own = Date.now() + AIA_TIMEOUT_MS;
    const until = Math.min(own, deadline);
    let u = first;
    // redirects are followed while they stay on http (Chrome checks every hop's scheme)
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const t = parseTarget(u.href);
      if ('error' in t) return { error: 'is not a valid URL' };
      const address = await addressOf(t, this.resolve, until);
      if (!address) return { error: `names ${t.host}, which does not resolve`, cutShort: Date.now() >= until && until < own };
      const d = await get(u, address, until, own <= deadline);
      if (!d.location) return d;
      try {
        u = new URL(d.location, u);
      } catch {
        return { error: `redirects to "${d.location}", which is not a URL` };
      }
      if (u.protocol !== 'http:') return { error: `redirects to ${u.href}, and Chrome downloads missing intermediates only over http` };
    }
    return { error: `redirects more than ${MAX_REDIRECTS} times` };
  }
}
