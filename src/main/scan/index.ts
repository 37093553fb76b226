// lantrust scan-page, as a library: fetch a page, find its camera sources, and say for each
// whether Chrome will show it — mixed content, auto-upgrade, Local Network Access, then the
// certificate verdict from testUrls (the same engine as `lantrust test`) for everything on https.
import { UserError } from '../errors.js';
import { testUrls } from '../probe/index.js';
import type { ChainCert, TestOptions, TestResult, TlsInfo } from '../probe/types.js';
import { addressOf, parseResolve, parseTarget } from '../probe/target.js';
import { FetchError, get } from './fetch.js';
import { addressSpaceOf, bareHost, hostSpace, httpsForm, needsLocalNetworkAccess, treat, type AddressSpace, type Treatment } from './rules.js';
import { findSources, type Source } from './sources.js';

export type { AddressSpace } from './rules.js';

export interface ScanOptions extends Pick<TestOptions, 'anchors' | 'roots' | 'chromePolicy' | 'system' | 'resolve' | 'timeoutMs' | 'concurrency' | 'now'> {
  /** Largest page read, in bytes (default 5 MB). */
  maxBytes?: number;
  /** Address space the page is served from, when its address doesn't tell (reverse proxy, NAT). */
  pageSpace?: AddressSpace;
}

export interface Verdict {
  /** "net::OK", a Chrome net::ERR_..., or DevTools' "blocked:mixed-content" / "blocked:local-network-access". */
  error: string;
  cause: string;
  fix?: string;
}

export interface PageInfo {
  url: string;
  /** After redirects. */
  finalUrl: string;
  status: number;
  address?: string;
  addressSpace: AddressSpace;
  chrome: Verdict;
  loads: boolean;
  tls?: TlsInfo;
  chain?: ChainCert[];
  /** Advice about the page itself ("serve it over https"). */
  notes: string[];
  baseHref?: string;
  upgradeInsecureRequests: boolean;
  bytes: number;
  truncated: boolean;
}

export interface SourceResult {
  /** The source as an absolute URL (page URL and <base href> applied). */
  url: string;
  /** As written in the page. */
  raw: string;
  /** "img src", "img srcset", "iframe src", "style url()" ... */
  element: string;
  line: number;
  /** How Chrome treats it before any traffic. */
  treatment: Treatment['kind'];
  /** What Chrome actually requests (absent when blocked). */
  request?: string;
  addressSpace?: AddressSpace;
  chrome: Verdict;
  loads: boolean;
  /** What to change; empty when nothing needs doing. */
  fix: string;
  /** Chrome's verdict on the https form of an http source (what --fix-html would write). */
  https?: { url: string; error: string; loads: boolean };
  /** The text --fix-html writes in place of `raw`, when the https form would load. */
  rewrite?: string;
}

export interface ScanReport {
  page: PageInfo;
  results: SourceResult[];
}

/** The fetched document, for --fix-html (kept out of the JSON report). */
export interface ScannedDocument {
  text: string;
  encoding: 'utf8' | 'latin1';
  sources: Source[];
}

const IMAGE_TYPES = /^(image\/|multipart\/x-mixed-replace)/i;

export async function scanPage(url: string, opts: ScanOptions = {}): Promise<{ report: ScanReport; doc: ScannedDocument }> {
  let pageUrl: URL;
  try {
    pageUrl = new URL(url);
  } catch {
    throw new UserError(`${url} is not a URL; give the page's full address, e.g. https://intranet.example.com/cameras.html.`);
  }
  if (pageUrl.protocol !== 'http:' && pageUrl.protocol !== 'https:') throw new UserError(`${url} is not an http(s) address; scan-page fetches pages from a web server.`);
  const resolve = parseResolve(opts.resolve); // throws a UserError for a malformed entry
  const timeoutMs = opts.timeoutMs ?? 5000;

  // 1. The page, following redirects as Chrome does.
  let finalUrl = pageUrl.href;
  let res;
  for (let hop = 0; ; hop++) {
    try {
      res = await get(finalUrl, { resolve: opts.resolve, timeoutMs, maxBytes: opts.maxBytes ?? 5 * 1024 * 1024 });
    } catch (e) {
      const net = e instanceof FetchError ? e.net : 'net::ERR_FAILED';
      throw new UserError(`could not fetch ${finalUrl}: ${net}; check the address (or map a name with --resolve HOST:PORT:ADDR) and that the web server is up.`, 1);
    }
    const loc = res.headers.location;
    if (res.status >= 300 && res.status < 400 && loc && hop < 5) {
      finalUrl = new URL(loc, finalUrl).href;
      continue;
    }
    break;
  }
  const final = new URL(finalUrl);
  const { text, encoding } = decodeBody(res.body, res.headers['content-type']);
  const csp = [res.headers['content-security-policy']].flat().join(';');
  const { sources, baseHref, upgradeInsecure: metaUpgrade } = findSources(text, finalUrl);
  const upgradeInsecure = metaUpgrade || /(^|;)\s*upgrade-insecure-requests\s*(;|$)/i.test(csp);
  const pageSpace = opts.pageSpace ?? (res.address ? addressSpaceOf(res.address) : (hostSpace(bareHost(final)) ?? 'public'));

  // 2. Chrome's treatment of each source, then every https URL judged in one testUrls call.
  const treated = sources.map((s) => ({ s, t: s.url ? treat(finalUrl, s.url, s.category, upgradeInsecure) : ({ kind: 'unsupported', reason: 'the URL cannot be parsed' } as Treatment) }));
  const httpsUrls = new Set<string>();
  if (final.protocol === 'https:') httpsUrls.add(finalUrl);
  for (const { s, t } of treated) {
    if (t.kind === 'unsupported' || !s.url) continue;
    const req = t.kind === 'blocked-mixed' ? s.url : t.request;
    httpsUrls.add(httpsForm(req));
  }
  const testOpts: TestOptions = { anchors: opts.anchors, roots: opts.roots, chromePolicy: opts.chromePolicy, system: opts.system, resolve: opts.resolve, timeoutMs, concurrency: opts.concurrency, now: opts.now };
  const judged = new Map<string, TestResult>();
  const list = [...httpsUrls];
  const results = list.length ? await testUrls(list, testOpts) : [];
  list.forEach((u, i) => judged.set(u, results[i]!));

  // 3. What each request answers (only requests whose TLS Chrome accepts), and where it goes (LNA).
  const answers = new Map<string, Promise<Answer>>();
  const answer = (u: string): Promise<Answer> => {
    let p = answers.get(u);
    if (!p) {
      p = limit(() => ask(u, opts.resolve, timeoutMs));
      answers.set(u, p);
    }
    return p;
  };
  const spaces = new Map<string, Promise<AddressSpace | undefined>>();
  const spaceOf = (u: string): Promise<AddressSpace | undefined> => {
    const key = new URL(u).host;
    let p = spaces.get(key);
    if (!p) {
      p = targetSpace(new URL(u), resolve, timeoutMs);
      spaces.set(key, p);
    }
    return p;
  };
  const limit = limiter(opts.concurrency ?? 16);

  const pageVerdict = judged.get(finalUrl);
  const page: PageInfo = {
    url: pageUrl.href,
    finalUrl,
    status: res.status,
    address: res.address,
    addressSpace: pageSpace,
    chrome: pageVerdict ? { error: pageVerdict.chrome.error, cause: pageVerdict.chrome.cause, fix: pageVerdict.chrome.fix } : { error: 'net::OK', cause: 'served over plain http: no certificate to check' },
    loads: (pageVerdict ? pageVerdict.chrome.error === 'net::OK' : true) && res.status < 400,
    tls: pageVerdict?.tls,
    chain: pageVerdict?.chain,
    notes: [],
    baseHref,
    upgradeInsecureRequests: upgradeInsecure,
    bytes: res.body.length,
    truncated: res.truncated,
  };
  if (final.protocol === 'http:') page.notes.push(`the page is served over plain http: serve it over https (${httpsForm(finalUrl)}) so employees see a padlock; once it is https, the rules for each source below change (run scan-page on the https address).`);
  if (res.status >= 400) page.notes.push(`the web server answered ${res.status} for the page.`);
  if (res.truncated) page.notes.push(`the page is larger than the size cap; only its first ${res.body.length} bytes were scanned.`);
  if (pageVerdict && pageVerdict.chrome.error !== 'net::OK') page.notes.push(`Chrome will not show the page itself (${pageVerdict.chrome.error}: ${pageVerdict.chrome.cause.replace(/\.$/, '')}); for the page's web server: ${pageVerdict.chrome.fix}`);

  const out = await Promise.all(
    treated.map(async ({ s, t }): Promise<SourceResult> => {
      const base = { url: s.url ?? s.raw, raw: s.raw, element: s.element, line: s.line, treatment: t.kind };
      if (t.kind === 'unsupported' || !s.url) return { ...base, chrome: { error: 'not-checked', cause: t.kind === 'unsupported' ? t.reason : 'unparsable URL' }, loads: false, fix: '' };
      const httpsUrl = httpsForm(t.kind === 'blocked-mixed' ? s.url : t.request);
      const hv = judged.get(httpsUrl);
      const httpsAnswer = hv?.chrome.error === 'net::OK' ? await answer(httpsUrl) : undefined;
      const httpsLoads = Boolean(hv && hv.chrome.error === 'net::OK' && httpsAnswer && shows(httpsAnswer, s.category));
      const https = s.url.startsWith('http:') ? { url: httpsUrl, error: hv ? (hv.chrome.error === 'net::OK' && httpsAnswer && !shows(httpsAnswer, s.category) ? answerError(httpsAnswer) : hv.chrome.error) : 'not-checked', loads: httpsLoads } : undefined;
      const rewrite = https?.loads && /^http:/i.test(s.raw.trim()) ? rewriteText(s.raw) : undefined;
      const what = attrWord(s.element);

      if (t.kind === 'blocked-mixed') {
        const fix = rewrite
          ? `change ${what} to ${rewrite}: the https form loads (the camera's certificate covers ${bareHost(new URL(httpsUrl))}).`
          : `serve it over https: ${httpsFixText(httpsUrl, hv, httpsAnswer)}`;
        return { ...base, chrome: { error: 'blocked:mixed-content', cause: t.reason }, loads: false, fix, https, rewrite };
      }

      const request = t.request;
      const space = await spaceOf(request);
      const lna = space !== undefined && needsLocalNetworkAccess(pageSpace, space);
      let chrome: Verdict;
      let loads: boolean;
      if (request.startsWith('https:')) {
        if (!hv) {
          chrome = { error: 'not-checked', cause: 'no TLS verdict' };
          loads = false;
        } else if (hv.chrome.error !== 'net::OK') {
          chrome = { error: hv.chrome.error, cause: hv.chrome.cause, fix: hv.chrome.fix };
          loads = false;
        } else {
          const a = httpsAnswer!;
          loads = shows(a, s.category);
          chrome = loads ? { error: 'net::OK', cause: `certificate accepted; the server answers ${a.status}${a.type ? ` (${a.type})` : ''}` } : { error: answerError(a), cause: describeAnswer(a, request), fix: answerFix(a, request) };
        }
      } else {
        const a = await answer(request);
        loads = shows(a, s.category);
        chrome = loads ? { error: 'net::OK', cause: `loads over plain http; the server answers ${a.status}${a.type ? ` (${a.type})` : ''}` } : { error: answerError(a), cause: describeAnswer(a, request), fix: answerFix(a, request) };
      }
      if (lna && (loads || chrome.error === 'net::OK')) {
        chrome = {
          error: 'blocked:local-network-access',
          cause: `the page is on a ${pageSpace} address and ${new URL(request).host} is ${space === 'loopback' ? 'on this machine' : 'on the local network'}: Chrome 142+ asks each user for Local Network Access permission first`,
          fix: `allow it for everyone with the Chrome/Edge policy LocalNetworkAccessAllowedForUrls = ["${final.origin}"], or serve the page from the local network`,
        };
        loads = false;
      }

      let fix = '';
      if (t.kind === 'upgraded') {
        const why = t.why === 'autoupgrade' ? `Chrome upgrades this http:// ${s.category === 'media' ? 'media' : 'image'} to ${request} (no fallback to http)` : `the page's upgrade-insecure-requests makes Chrome request ${request}`;
        fix = loads ? (rewrite ? `change ${what} to ${rewrite} (what Chrome already requests).` : '') : `${why}: ${chrome.fix ?? httpsFixText(request, hv, httpsAnswer)}`;
      } else if (t.kind === 'http-local' || request.startsWith('http:')) {
        const plain = final.protocol === 'https:' ? `it loads over plain http (a local-network address is exempt from mixed-content blocking), so the page shows as not fully secure and the stream travels unencrypted` : `it loads over plain http, unencrypted`;
        fix = rewrite ? `change ${what} to ${rewrite}: the camera's certificate covers ${bareHost(new URL(httpsUrl))}; ${plain}.` : loads ? `${plain}; to move it to https: ${httpsFixText(httpsUrl, hv, httpsAnswer)}` : (chrome.fix ?? `check the camera at ${request}: ${chrome.cause}.`);
      } else if (!loads) {
        fix = chrome.fix ?? `check the camera at ${request}: ${chrome.cause}.`;
      }
      if (lna && chrome.error !== 'blocked:local-network-access') fix += ` Then: the page is on a ${pageSpace} address, so Chrome 142+ also needs Local Network Access for ${new URL(request).host} (policy LocalNetworkAccessAllowedForUrls = ["${final.origin}"]).`;
      else if (chrome.error === 'blocked:local-network-access') fix = `${chrome.fix}.${rewrite ? ` Also change ${what} to ${rewrite}.` : ''}`;
      return { ...base, request, addressSpace: space, chrome, loads, fix: fix.trim(), https, rewrite };
    }),
  );
  return { report: { page, results: out }, doc: { text, encoding, sources } };
}

interface Answer {
  status?: number;
  type?: string;
  net?: string;
}

async function ask(u: string, resolve: string[] | undefined, timeoutMs: number): Promise<Answer> {
  try {
    const r = await get(u, { resolve, timeoutMs, headersOnly: true });
    const type = [r.headers['content-type']].flat()[0];
    return { status: r.status, type };
  } catch (e) {
    return { net: e instanceof FetchError ? e.net : 'net::ERR_FAILED' };
  }
}

/** Would Chrome display this answer in this kind of element? */
function shows(a: Answer, category: Source['category']): boolean {
  if (a.net || a.status === undefined) return false;
  if (category === 'frame') return true; // a frame shows whatever the server answers, error pages included
  if (a.status < 200 || a.status >= 300) return false;
  if (category === 'image') return !a.type || IMAGE_TYPES.test(a.type);
  return true;
}

/** A short error string for an answer Chrome would not display: net::ERR_..., "http:404", "not-an-image". */
function answerError(a: Answer): string {
  if (a.net) return a.net;
  if (a.status !== undefined && (a.status < 200 || a.status >= 300)) return `http:${a.status}`;
  return 'not-an-image';
}

function describeAnswer(a: Answer, url?: string): string {
  const u = url ? new URL(url) : undefined;
  const where = u ? `${bareHost(u)} port ${u.port || (u.protocol === 'https:' ? 443 : 80)}` : 'the camera';
  if (a.net === 'net::ERR_CONNECTION_REFUSED') return `nothing is listening on ${where} (connection refused)`;
  if (a.net === 'net::ERR_TIMED_OUT') return `${where} did not answer in time`;
  if (a.net === 'net::ERR_NAME_NOT_RESOLVED') return `${u ? bareHost(u) : 'the name'} does not resolve`;
  if (a.net) return `the connection to ${where} failed (${a.net})`;
  if (a.status === 401) return 'the camera asks for a password (401); Chrome does not prompt for credentials on images from another site';
  if (a.status !== undefined && (a.status < 200 || a.status >= 300)) return `the server answers HTTP ${a.status}`;
  return `the server answers ${a.type ?? 'no content type'}, not an image`;
}

/** What to do about an answer Chrome would not display. */
function answerFix(a: Answer, url: string): string {
  if (a.net === 'net::ERR_NAME_NOT_RESOLVED') return `add ${bareHost(new URL(url))} to the company DNS (or use the camera's address).`;
  if (a.net) return `check that the camera is on and its web server listens at ${new URL(url).origin}.`;
  if (a.status === 401) return 'use a camera account that allows anonymous viewing for this stream, or embed it through a server that adds the credentials.';
  if (a.status === 404) return `check the path: the camera has nothing at ${new URL(url).pathname}.`;
  return `check ${url} in a browser tab: ${describeAnswer(a, url)}.`;
}

function httpsFixText(httpsUrl: string, hv: TestResult | undefined, a: Answer | undefined): string {
  if (!hv) return `${httpsUrl} was not checked.`;
  if (hv.chrome.error !== 'net::OK') return `${httpsUrl} fails with ${hv.chrome.error} (${hv.chrome.cause.replace(/\.$/, '')}); ${hv.chrome.fix}`;
  return `${httpsUrl} has a good certificate but ${a ? describeAnswer(a, httpsUrl) : 'gave no answer'}.`;
}

/** The https text for an http URL as written: only the scheme (and an explicit :80) change. */
export function rewriteText(raw: string): string {
  const t = raw.trim();
  return `https:${t.slice(5)}`.replace(/^(https:\/\/(?:\[[^\]]*\]|[^/:?#]*)):80(?=[/?#]|$)/i, '$1');
}

function attrWord(element: string): string {
  if (element.endsWith('url()')) return 'the url()';
  const attr = element.split(' ').pop()!;
  return attr;
}

/** Where Chrome would connect for this URL, as an address space (for Local Network Access). */
async function targetSpace(u: URL, resolve: Map<string, string>, timeoutMs: number): Promise<AddressSpace | undefined> {
  const known = hostSpace(bareHost(u));
  const t = parseTarget(u.href);
  if ('error' in t) return known;
  const forced = resolve.has(`${t.host}:${t.port}`);
  if (known && !forced) return known;
  const addr = await addressOf(t, resolve, Date.now() + timeoutMs);
  return addr ? addressSpaceOf(addr) : undefined;
}

function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return <T>(f: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        active++;
        f()
          .then(resolve, reject)
          .finally(() => {
            active--;
            queue.shift()?.();
          });
      };
      if (active < n) start();
      else queue.push(start);
    });
}

function decodeBody(body: Buffer, contentType: string | undefined): { text: string; encoding: 'utf8' | 'latin1' } {
  const head = body.subarray(0, 1024).toString('latin1');
  const cs = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1] ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? 'utf-8';
  const latin = /^(iso-8859-1|latin1|windows-1252|us-ascii|ascii)$/i.test(cs);
  return latin ? { text: body.toString('latin1'), encoding: 'latin1' } : { text: body.toString('utf8'), encoding: 'utf8' };
}
