// HTTPS to one camera for VAPIX calls. Every connection is checked before a byte of HTTP (let alone a
// password) is sent: the caller's `check` sees the certificate chain the camera presented and may
// refuse it. Then Basic or Digest (RFC 7616, MD5 or SHA-256, qop=auth, counted nonces) as the camera's
// 401 asks; keep-alive; a per-request timeout; a camera that is away for a moment (rebooting) is
// retried within that timeout. REST answers are read from Axis's {"status","data"|"error"} envelope,
// SOAP answers into their body element or fault.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { isIP, type NetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import { envelope, readSoap, SOAP_CONTENT_TYPE } from './soap.js';
import type { XmlElement } from './xml.js';

export interface Endpoint {
  /** The name used in Host and SNI (an IP address or a DNS name). */
  host: string;
  /** Where to connect. */
  address: string;
  port: number;
}

/** Decides whether the chain a connection presented may receive requests: undefined = yes, else why not. */
export type PeerCheck = (chain: Buffer[]) => string | undefined;

export type VapixErrorKind = 'connect' | 'timeout' | 'peer' | 'no-credentials' | 'auth' | 'http' | 'malformed' | 'fault';

export class VapixError extends Error {
  constructor(
    readonly kind: VapixErrorKind,
    message: string,
    readonly detail: { status?: number; code?: number | string; scheme?: string; path?: string } = {},
  ) {
    super(message);
  }
}

export interface VapixReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface VapixClientOptions {
  user?: string;
  password?: string;
  /** Budget of each request, connection included (a camera away for less than this is waited for). */
  timeoutMs: number;
  check: PeerCheck;
}

const MAX_BODY = 4 * 1024 * 1024;

/** The chain exactly as the server sent it, leaf first. */
export function presentedChain(sock: TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let c: PeerCertificate | DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  while (c?.raw && !seen.has(c.fingerprint256) && out.length < 16) {
    seen.add(c.fingerprint256);
    out.push(Buffer.from(c.raw));
    c = (c as DetailedPeerCertificate).issuerCertificate;
  }
  return out;
}

/** Keep-alive connections that are handed to HTTP only after the peer check passed. */
class CheckedAgent extends Agent {
  constructor(
    private readonly ep: Endpoint,
    private readonly check: PeerCheck,
    private readonly timeoutMs: number,
  ) {
    super({ keepAlive: true, maxSockets: 1 });
  }

  override createConnection(_o: NetConnectOpts, cb?: (err: Error | null, stream: Duplex) => void): Duplex {
    let done = false;
    const finish = (err: Error | null, s?: TLSSocket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) sock.destroy();
      cb?.(err, s as Duplex);
    };
    const sock = tlsConnect({ host: this.ep.address, port: this.ep.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...(isIP(this.ep.host) ? {} : { servername: this.ep.host }) });
    const timer = setTimeout(() => finish(new VapixError('timeout', `no TLS connection within ${this.timeoutMs} ms`)), this.timeoutMs);
    sock.once('secureConnect', () => {
      const why = this.check(presentedChain(sock));
      finish(why ? new VapixError('peer', why) : null, why ? undefined : sock);
    });
    sock.once('error', (e) => finish(e));
    // Node's Agent waits for the callback when nothing is returned.
    return undefined as unknown as Duplex;
  }
}

interface Challenge {
  scheme: 'basic' | 'digest';
  params: Record<string, string>;
  nc: number;
  /** Received in answer to the last request (so a 401 now means the password is wrong). */
  fresh: boolean;
}

function parseChallenges(headers: IncomingHttpHeaders): Challenge | undefined {
  const raw = headers['www-authenticate'];
  const all = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((h) => h.split(/,\s*(?=(?:Basic|Digest)\s)/i));
  const pick = (scheme: string) => all.find((h) => h.trim().toLowerCase().startsWith(scheme));
  const digests = all.filter((h) => /^\s*digest\s/i.test(h));
  const digest = digests.find((h) => /algorithm="?SHA-256"?/i.test(h)) ?? digests.find((h) => !/algorithm=/i.test(h) || /algorithm="?MD5"?/i.test(h));
  if (digest) {
    const params: Record<string, string> = {};
    for (const m of digest.trim().slice(6).matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    return { scheme: 'digest', params, nc: 0, fresh: true };
  }
  if (pick('basic')) return { scheme: 'basic', params: {}, nc: 0, fresh: true };
  return undefined;
}

function digestAuthorization(ch: Challenge, method: string, uri: string, user: string, password: string): string {
  const p = ch.params;
  const algorithm = /^sha-256$/i.test(p.algorithm ?? '') ? 'SHA-256' : 'MD5';
  const H = (s: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const q = (s: string) => s.replace(/[\\"]/g, '\\$&');
  const qop = p.qop?.split(',').map((s) => s.trim()).includes('auth') ? 'auth' : undefined;
  const ha1 = H(`${user}:${p.realm ?? ''}:${password}`);
  const ha2 = H(`${method}:${uri}`);
  ch.nc++;
  const nc = ch.nc.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const response = qop ? H(`${ha1}:${p.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : H(`${ha1}:${p.nonce}:${ha2}`);
  return `Digest username="${q(user)}", realm="${q(p.realm ?? '')}", nonce="${q(p.nonce ?? '')}", uri="${q(uri)}", algorithm=${algorithm}, response="${response}"${p.opaque !== undefined ? `, opaque="${q(p.opaque)}"` : ''}${qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : ''}`;
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export class VapixClient {
  private readonly agent: CheckedAgent;
  private challenge: Challenge | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly opts: VapixClientOptions,
  ) {
    this.agent = new CheckedAgent(endpoint, opts.check, opts.timeoutMs);
  }

  close(): void {
    this.agent.destroy();
  }

  private authorization(method: string, path: string): string | undefined {
    const ch = this.challenge;
    if (!ch || this.opts.user === undefined) return undefined;
    if (ch.scheme === 'basic') return `Basic ${Buffer.from(`${this.opts.user}:${this.opts.password ?? ''}`).toString('base64')}`;
    return digestAuthorization(ch, method, path, this.opts.user, this.opts.password ?? '');
  }

  private once(method: string, path: string, body: string | undefined, contentType: string | undefined, deadline: number): Promise<VapixReply> {
    const { host, address, port } = this.endpoint;
    const auth = this.authorization(method, path);
    return new Promise((resolve, reject) => {
      const req = request({
        agent: this.agent,
        host: address,
        port,
        method,
        path,
        headers: {
          Host: `${host.includes(':') ? `[${host}]` : host}:${port}`,
          'User-Agent': 'lantrust-deploy',
          Accept: 'application/json, application/soap+xml, text/plain, */*',
          ...(body !== undefined ? { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
          ...(auth ? { Authorization: auth } : {}),
        },
      });
      const timer = setTimeout(() => req.destroy(new VapixError('timeout', `${method} ${path} got no answer within ${this.opts.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new VapixError('malformed', `${path} answered more than ${MAX_BODY >> 20} MB`));
          else chunks.push(c);
        });
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.once('error', (e) => (clearTimeout(timer), reject(e)));
      });
      req.once('error', (e) => (clearTimeout(timer), reject(e)));
      req.end(body);
    });
  }

  /** One request with authentication as the camera asks, retried while the camera is briefly away. */
  async request(method: string, path: string, body?: string, contentType?: string): Promise<VapixReply> {
    const deadline = Date.now() + this.opts.timeoutMs;
    for (;;) {
      let reply: VapixReply;
      try {
        reply = await this.once(method, path, body, contentType, deadline);
      } catch (e) {
        if (e instanceof VapixError) throw e;
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if ((RETRYABLE.has(code) || /socket hang up/.test((e as Error).message)) && Date.now() + 300 < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        if (Date.now() >= deadline) throw new VapixError('timeout', `${method} ${path} got no answer within ${this.opts.timeoutMs} ms`);
        throw new VapixError('connect', `${method} ${path}: ${(e as Error).message}`);
      }
      if (reply.status !== 401) {
        if (this.challenge) this.challenge.fresh = false;
        return reply;
      }
      const previous = this.challenge;
      const next = parseChallenges(reply.headers);
      if (!next) throw new VapixError('auth', `${path} answered 401 without a Basic or Digest challenge`, { status: 401, path });
      const scheme = next.scheme === 'digest' ? 'Digest' : 'Basic';
      if (this.opts.user === undefined) throw new VapixError('no-credentials', `the camera asks for an account (HTTP 401, ${scheme})`, { status: 401, scheme, path });
      // A 401 right after answering a fresh challenge is a wrong password; one on a cached nonce
      // (expired, or the camera rebooted) just needs the new challenge.
      if (previous?.fresh && next.params.stale?.toLowerCase() !== 'true') throw new VapixError('auth', `the camera refused the account "${this.opts.user}" (HTTP 401, ${scheme})`, { status: 401, scheme, path });
      this.challenge = next;
      if (Date.now() >= deadline) throw new VapixError('timeout', `${method} ${path} got no answer within ${this.opts.timeoutMs} ms`);
    }
  }

  /** A Device Configuration API call: {"data": ...} in, the envelope's data out. */
  async rest(method: string, path: string, data?: unknown): Promise<unknown> {
    const r = await this.request(method, path, data === undefined ? undefined : JSON.stringify({ data }), 'application/json');
    let doc: unknown;
    try {
      doc = JSON.parse(r.body);
    } catch {
      throw new VapixError('malformed', `${method} ${path} answered HTTP ${r.status} with something that is not JSON`, { status: r.status, path });
    }
    const env = doc as { status?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
    if (!env || typeof env !== 'object' || (env.status !== 'success' && env.status !== 'error')) {
      throw new VapixError('malformed', `${method} ${path} answered HTTP ${r.status} without the {"status": ...} envelope`, { status: r.status, path });
    }
    if (env.status === 'error' || r.status >= 400) {
      const code = typeof env.error?.code === 'number' ? env.error.code : undefined;
      const message = typeof env.error?.message === 'string' ? env.error.message : `HTTP ${r.status}`;
      throw new VapixError('http', message, { status: r.status, path, ...(code !== undefined ? { code } : {}) });
    }
    return env.data;
  }

  /** A VAPIX web service call at /vapix/services: the body element of the answer. */
  async soap(body: string): Promise<XmlElement> {
    const r = await this.request('POST', '/vapix/services', envelope(body), SOAP_CONTENT_TYPE);
    if (r.status === 404) throw new VapixError('http', 'the camera has no /vapix/services', { status: 404, path: '/vapix/services' });
    let parsed: ReturnType<typeof readSoap>;
    try {
      parsed = readSoap(r.body);
    } catch (e) {
      throw new VapixError('malformed', `/vapix/services answered HTTP ${r.status} with something that is not a SOAP envelope (${(e as Error).message})`, { status: r.status, path: '/vapix/services' });
    }
    if ('fault' in parsed) {
      const f = parsed.fault;
      throw new VapixError('fault', `${f.subcode ?? f.code}${f.reason ? `: ${f.reason}` : ''}`, { status: r.status, code: f.subcode ?? f.code, path: '/vapix/services' });
    }
    return parsed.body;
  }
}
