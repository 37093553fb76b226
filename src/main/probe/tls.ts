// One TLS handshake the way Chrome offers it (TLS 1.2-1.3, Chrome's cipher suites and groups), recording
// what the server sent. When that fails for version/cipher reasons, a legacy attempt (TLS 1.0+, any
// cipher) says what the server does speak, so the cause can be "the camera only speaks TLS 1.0".
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { generateKeyPairSync } from 'node:crypto';
import { buildCertificate, basicConstraints } from '../ca/x509.js';
import { toPem } from '../cert/read.js';
import type { NetError } from '../verify/net-errors.js';
import { readServerFlight, WireTap, type ServerFlight } from './tls-wire.js';

// Chrome's TLS 1.2 suites (BoringSSL order); TLS 1.3 suites are always on.
const CHROME_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
].join(':');

const CHROME_SIGALGS = 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256:ecdsa_secp384r1_sha384:rsa_pss_rsae_sha384:rsa_pkcs1_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha512';

export interface Handshake {
  ok: boolean;
  protocol?: string;
  cipher?: string;
  kx?: string;
  /** DER certificates exactly as the server sent them (order and extras included), leaf first. */
  certs: Buffer[];
  address?: string;
  connectMs?: number;
  handshakeMs?: number;
  /** Chrome's error for a failed connection or handshake. */
  error?: NetError;
  /** What Node/OpenSSL said, for the details. */
  detail?: string;
  /**
   * HTTPS client authentication: the server sent a CertificateRequest; "required" when it then refused
   * a client without a certificate (handshake alert, or an alert instead of an HTTP answer), "optional"
   * when it answered anyway.
   */
  clientAuth?: 'required' | 'optional';
  /** The first bytes the server sent, to recognise SSH or plain HTTP on an HTTPS port. */
  firstBytes?: Buffer;
}

let contexts: { chrome: SecureContext; legacy: SecureContext } | undefined;

/**
 * Secure contexts whose CA store holds only a throwaway certificate: Node completes the peer chain from
 * the context's store, and we want exactly what the server sent, never links found locally.
 */
function secureContexts(): { chrome: SecureContext; legacy: SecureContext } {
  if (contexts) return contexts;
  const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const dummy = buildCertificate({
    subject: [['CN', 'lantrust probe placeholder (trusts nothing)']],
    notBefore: new Date(0),
    notAfter: new Date(86_400_000),
    publicKey: kp.publicKey,
    signingKey: kp.privateKey,
    extensions: [basicConstraints(true)],
  });
  const ca = toPem(dummy);
  contexts = {
    chrome: createSecureContext({ ca, ciphers: CHROME_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', sigalgs: CHROME_SIGALGS, ecdhCurve: 'X25519:P-256:P-384' }),
    legacy: createSecureContext({ ca, ciphers: 'ALL:@SECLEVEL=0', minVersion: 'TLSv1', maxVersion: 'TLSv1.3' }),
  };
  return contexts;
}

/** Node's view of the chain (re-ordered by issuer): only a fallback when the wire could not be read. */
function nodeChain(sock: TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let c: PeerCertificate | DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256) && out.length < 16) {
    seen.add(c.fingerprint256);
    out.push(Buffer.from(c.raw));
    c = (c as DetailedPeerCertificate).issuerCertificate;
  }
  return out;
}

function kxOf(protocol: string | undefined, cipher: string | undefined): string | undefined {
  if (!cipher) return undefined;
  if (protocol === 'TLSv1.3') return 'TLS1.3';
  if (cipher.startsWith('ECDHE')) return 'ECDHE';
  if (cipher.startsWith('DHE') || cipher.startsWith('EDH')) return 'DHE';
  return 'RSA';
}

/** Node/OpenSSL error → the net error Chrome shows for the same failure. */
export function mapTlsError(e: NodeJS.ErrnoException): NetError {
  const code = e.code ?? '';
  const msg = e.message ?? '';
  if (code === 'ECONNREFUSED') return 'ERR_CONNECTION_REFUSED';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'ERR_ADDRESS_UNREACHABLE';
  if (code === 'ETIMEDOUT') return 'ERR_CONNECTION_TIMED_OUT';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'ERR_NAME_NOT_RESOLVED';
  if (/read ECONNRESET|write ECONNRESET|EPIPE/.test(msg) || code === 'EPIPE') return 'ERR_CONNECTION_RESET';
  // Node reports a peer's FIN mid-handshake as ECONNRESET too, but without "read": Chrome says CLOSED.
  if (code === 'ECONNRESET') return 'ERR_CONNECTION_CLOSED';
  if (/handshake failure|no shared cipher|protocol version|unsupported protocol|no protocols available|no ciphers available|insufficient security|dh key too small/i.test(msg)) {
    return 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH';
  }
  return 'ERR_SSL_PROTOCOL_ERROR';
}

export interface HandshakeTarget {
  address: string;
  port: number;
  /** SNI, only for DNS names. */
  servername?: string;
  /** Host header and path for the request that tells required from optional client authentication. */
  host?: string;
  path?: string;
}

/**
 * After a handshake in which the server asked for a client certificate: does it answer a request made
 * without one? TLS 1.3 servers refuse only after the handshake (an alert instead of the answer).
 */
function clientAuthRequired(sock: TLSSocket, t: HandshakeTarget, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      sock.removeAllListeners('data');
      resolve(v);
    };
    const timer = setTimeout(() => done(false), Math.max(1, deadline - Date.now()));
    sock.once('data', () => done(false));
    sock.once('error', () => done(true));
    sock.once('end', () => done(true));
    const host = t.host ?? t.servername ?? t.address;
    sock.write(`GET ${t.path ?? '/'} HTTP/1.1\r\nHost: ${host.includes(':') ? `[${host}]` : host}:${t.port}\r\nUser-Agent: lantrust-test\r\nConnection: close\r\n\r\n`);
  });
}

/** Connects and handshakes within `deadline` (epoch ms). Never throws. */
export function handshake(t: HandshakeTarget, deadline: number, legacy = false): Promise<Handshake> {
  return new Promise((resolve) => {
    const start = Date.now();
    let connectMs: number | undefined;
    let done = false;
    let raw: Socket | undefined;
    let tap: WireTap | undefined;
    let sock: TLSSocket | undefined;
    let rawError: NodeJS.ErrnoException | undefined;
    let rawEnded = false;
    const secrets: string[] = [];
    let flightRead: ServerFlight | undefined;
    const finish = (h: Omit<Handshake, 'address' | 'connectMs' | 'certs'> & { certs?: Buffer[] }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const flight = flightRead ?? (tap ? readServerFlight(tap.bytes(), secrets) : undefined);
      sock?.destroy();
      raw?.destroy();
      const certs = flight?.certs.length ? flight.certs : (h.certs ?? []);
      const out: Handshake = { ...h, certs, address: t.address, ...(connectMs !== undefined ? { connectMs } : {}) };
      if (flight?.firstBytes.length) out.firstBytes = flight.firstBytes;
      if (!out.protocol && flight?.protocol) out.protocol = flight.protocol;
      // a handshake refused after a CertificateRequest: the server wanted a client certificate
      if (!h.ok && flight?.certificateRequested && certs.length && !rawError && h.error !== 'ERR_TIMED_OUT') {
        out.clientAuth = 'required';
        out.error = 'ERR_BAD_SSL_CLIENT_AUTH_CERT';
      }
      resolve(out);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: connectMs === undefined ? 'ERR_CONNECTION_TIMED_OUT' : 'ERR_TIMED_OUT', detail: connectMs === undefined ? 'no answer to the TCP connection' : 'connected, but the TLS handshake never finished' }),
      Math.max(1, deadline - start),
    );
    // what the TCP connection itself did tells "closed" from "reset" better than TLS's messages over a stream
    let secured = false;
    const failed = (e: NodeJS.ErrnoException) => {
      if (secured) return; // after the handshake, the client-authentication probe decides
      const err = rawError ? mapTlsError(rawError) : rawEnded && e.code === 'ECONNRESET' ? 'ERR_CONNECTION_CLOSED' : mapTlsError(e);
      finish({ ok: false, error: err, detail: (rawError ?? e).message });
    };
    raw = netConnect({ host: t.address, port: t.port });
    raw.on('error', (e: NodeJS.ErrnoException) => {
      rawError = e;
      // let TLS report first what it read before the reset (an alert), then the reset itself
      if (!sock) failed(e);
      else setImmediate(() => failed(e));
    });
    raw.once('end', () => (rawEnded = true));
    raw.once('close', () => setImmediate(() => failed(Object.assign(new Error('the server closed the connection'), { code: 'ECONNRESET' }))));
    raw.once('connect', () => {
      connectMs = Date.now() - start;
      const ctx = secureContexts();
      tap = new WireTap(raw!);
      sock = tlsConnect({
        socket: tap,
        secureContext: legacy ? ctx.legacy : ctx.chrome,
        rejectUnauthorized: false,
        ...(t.servername ? { servername: t.servername } : {}),
        ALPNProtocols: ['http/1.1'],
      });
      sock.on('keylog', (line: Buffer) => secrets.push(line.toString('latin1')));
      sock.once('secureConnect', () => {
        secured = true;
        const s = sock!;
        const protocol = s.getProtocol() ?? undefined;
        const cipher = s.getCipher()?.name;
        const kx = kxOf(protocol, cipher);
        const flight = (flightRead = readServerFlight(tap!.bytes(), secrets));
        // Node's own view of the chain costs an X509 object per certificate: only when the wire gave nothing
        const result = { ok: true, ...(protocol ? { protocol } : {}), ...(cipher ? { cipher } : {}), ...(kx ? { kx } : {}), certs: flight.certs.length ? flight.certs : nodeChain(s), handshakeMs: Date.now() - start };
        if (!flight.certificateRequested) return finish(result);
        s.removeAllListeners('error');
        s.on('error', () => {});
        void clientAuthRequired(s, t, deadline).then((required) =>
          finish(required ? { ...result, ok: false, clientAuth: 'required' as const, error: 'ERR_BAD_SSL_CLIENT_AUTH_CERT' as const, detail: 'the server refused the request without a client certificate' } : { ...result, clientAuth: 'optional' as const }),
        );
      });
      sock.once('error', failed);
    });
  });
}
