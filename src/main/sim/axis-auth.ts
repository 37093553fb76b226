// The simulated camera's HTTP authentication, server side: Digest (RFC 7616, MD5 as Axis offers it or
// SHA-256, qop=auth,
// nonces that expire and die with a reboot, replayed requests refused) as Axis cameras ask for by
// default, or Basic (RFC 7617) when configured. Written independently of lantrust's client; the tests
// check it against curl as a second implementation.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface AuthConfig {
  scheme: 'digest' | 'basic';
  user: string;
  password: string;
  realm?: string;
  /** Digest hash offered in the challenge (Axis offers MD5; RFC 7616 adds SHA-256). */
  algorithm?: 'MD5' | 'SHA-256';
}

export type AuthResult = 'ok' | 'missing' | 'wrong' | 'stale';

const NONCE_LIFETIME_MS = 5 * 60_000;

function params(header: string): Record<string, string> {
  const p: Record<string, string> = {};
  for (const m of header.matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) p[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  return p;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ServerAuth {
  private secret = randomBytes(16);
  private seen = new Set<string>();
  readonly realm: string;

  constructor(readonly config: AuthConfig) {
    this.realm = config.realm ?? 'AXIS_ACCC8E000001';
  }

  /** A reboot: nonces handed out before it are no longer valid. */
  reset(): void {
    this.secret = randomBytes(16);
    this.seen.clear();
  }

  private nonce(): string {
    const t = Date.now().toString(16);
    return Buffer.from(`${t}:${createHmac('sha256', this.secret).update(t).digest('hex').slice(0, 32)}`).toString('base64');
  }

  /** Value(s) of WWW-Authenticate for a 401. */
  challenge(stale = false): string[] {
    if (this.config.scheme === 'basic') return [`Basic realm="${this.realm}"`];
    const n = this.nonce();
    return [`Digest realm="${this.realm}", nonce="${n}", algorithm=${this.config.algorithm ?? 'MD5'}, qop="auth"${stale ? ', stale=true' : ''}`];
  }

  check(req: IncomingMessage): AuthResult {
    const h = req.headers.authorization;
    if (!h) return 'missing';
    if (this.config.scheme === 'basic') {
      if (!/^Basic /i.test(h)) return 'missing';
      return same(Buffer.from(h.slice(6).trim(), 'base64').toString('utf8'), `${this.config.user}:${this.config.password}`) ? 'ok' : 'wrong';
    }
    if (!/^Digest /i.test(h)) return 'missing';
    const p = params(h.slice(7));
    const algorithm = (p.algorithm ?? 'MD5').toUpperCase();
    const hashName = algorithm !== (this.config.algorithm ?? 'MD5') ? undefined : algorithm === 'MD5' ? 'md5' : 'sha256';
    if (!hashName || p.realm !== this.realm || p.qop !== 'auth' || !p.nonce || !p.cnonce || !p.nc || !p.response) return 'wrong';
    if (p.uri !== req.url) return 'wrong';
    let t: string;
    let mac: string;
    try {
      [t, mac] = Buffer.from(p.nonce, 'base64').toString('utf8').split(':') as [string, string];
    } catch {
      return 'wrong';
    }
    if (!t || !mac || !same(mac, createHmac('sha256', this.secret).update(t).digest('hex').slice(0, 32))) return 'wrong';
    const H = (s: string) => createHash(hashName).update(s).digest('hex');
    const ha1 = H(`${p.username}:${this.realm}:${this.config.password}`);
    const ha2 = H(`${req.method}:${p.uri}`);
    const expected = H(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    if (p.username !== this.config.user || !same(expected, p.response)) return 'wrong';
    if (Date.now() - parseInt(t, 16) > NONCE_LIFETIME_MS) return 'stale';
    const replay = `${p.nonce}/${p.cnonce}/${p.nc}`;
    if (this.seen.has(replay)) return 'wrong';
    if (this.seen.size > 50_000) this.seen.clear();
    this.seen.add(replay);
    return 'ok';
  }
}
