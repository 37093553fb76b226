// Fetching the page and checking what a source answers, with curl-style --resolve, a timeout and
// a size cap. TLS here is NOT judged (testUrls does that, as Chrome would): we only read bytes.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { parseResolve } from '../probe/target.js';
import { bareHost } from './rules.js';

export interface FetchOptions {
  /** curl-style "HOST:PORT:ADDR" (ADDR may be [v6]). */
  resolve?: string[];
  timeoutMs?: number;
  /** Largest page body read, in bytes. */
  maxBytes?: number;
}

export function defaultPort(u: URL): number {
  return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
}

/** The address --resolve (parsed by the probe's parseResolve) maps this URL's host and port to. */
export function mappedAddress(u: URL, resolve: Map<string, string>): string | undefined {
  const host = bareHost(u);
  return resolve.get(`${host}:${defaultPort(u)}`) ?? resolve.get(`${host}:*`);
}

export interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  /** Body up to maxBytes (empty when only headers were asked for). */
  body: Buffer;
  /** Body was cut at maxBytes. */
  truncated: boolean;
  /** Address connected to. */
  address?: string;
}

export class FetchError extends Error {
  constructor(
    /** Chrome-style net error: net::ERR_CONNECTION_REFUSED ... */
    readonly net: string,
    message: string,
  ) {
    super(message);
  }
}

const NODE_TO_NET: Record<string, string> = {
  ECONNREFUSED: 'net::ERR_CONNECTION_REFUSED',
  ECONNRESET: 'net::ERR_CONNECTION_RESET',
  EPIPE: 'net::ERR_CONNECTION_RESET',
  ETIMEDOUT: 'net::ERR_TIMED_OUT',
  ENOTFOUND: 'net::ERR_NAME_NOT_RESOLVED',
  EAI_AGAIN: 'net::ERR_NAME_NOT_RESOLVED',
  EHOSTUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
  ENETUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
  HPE_INVALID_CONSTANT: 'net::ERR_INVALID_HTTP_RESPONSE',
  HPE_INVALID_VERSION: 'net::ERR_INVALID_HTTP_RESPONSE',
  HPE_INVALID_HEADER_TOKEN: 'net::ERR_INVALID_HTTP_RESPONSE',
};

function netError(e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  if (NODE_TO_NET[code]) return NODE_TO_NET[code]!;
  if (code.startsWith('HPE_')) return 'net::ERR_INVALID_HTTP_RESPONSE';
  if (code.startsWith('ERR_SSL') || /SSL|TLS|wrong version number/i.test(String((e as Error).message))) return 'net::ERR_SSL_PROTOCOL_ERROR';
  return 'net::ERR_FAILED';
}

/**
 * GET `url`. With `headersOnly` the connection is closed as soon as headers arrive (camera streams
 * never end). TLS certificates are not checked here.
 */
export function get(url: string, opts: FetchOptions & { headersOnly?: boolean }): Promise<Response> {
  const u = new URL(url);
  const mapped = mappedAddress(u, parseResolve(opts.resolve));
  const timeoutMs = opts.timeoutMs ?? 5000;
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const host = bareHost(u);
  return new Promise<Response>((resolvePromise, reject) => {
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const reqOpts = {
      method: 'GET',
      // --resolve: connect to the mapped address, keep Host and SNI as the URL says (like curl).
      host: mapped ?? host,
      port: defaultPort(u),
      path: `${u.pathname}${u.search}`,
      headers: { Host: u.host, 'User-Agent': 'lantrust-scan-page', Accept: '*/*', Connection: 'close' },
      agent: false as const,
    };
    const req =
      u.protocol === 'https:'
        ? httpsRequest({ ...reqOpts, rejectUnauthorized: false, servername: isIP(host) ? undefined : host })
        : httpRequest(reqOpts);
    const timer = setTimeout(() => {
      done(() => reject(new FetchError('net::ERR_TIMED_OUT', `no answer from ${u.host} within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => done(() => reject(new FetchError(netError(e), (e as Error).message))));
    req.on('response', (res) => {
      const address = res.socket?.remoteAddress;
      if (opts.headersOnly) {
        done(() => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0), truncated: false, address }));
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (c: Buffer) => {
        if (truncated) return;
        size += c.length;
        if (size > maxBytes) {
          truncated = true;
          chunks.push(c.subarray(0, c.length - (size - maxBytes)));
          done(() => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated, address }));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => done(() => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated, address })));
      res.on('error', (e) => done(() => reject(new FetchError(netError(e), e.message))));
    });
    req.end();
  });
}
