// What the server really sent during the handshake, read from the bytes on the wire: the Certificate
// message (every certificate, in the order sent, unneeded ones included) and whether a CertificateRequest
// came (HTTPS client authentication). Node's getPeerCertificate() can't tell: it re-orders the chain by
// issuer and drops what doesn't link. TLS 1.2 handshakes are plaintext; TLS 1.3 ones are decrypted with
// the session's own SERVER_HANDSHAKE_TRAFFIC_SECRET, which Node hands out through the 'keylog' event
// (RFC 8446 7.1-7.3, 5.2; RFC 5869 for HKDF-Expand).
import { createDecipheriv, createHmac } from 'node:crypto';
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Stop recording after this many bytes: a certificate list past it is refused anyway. */
const MAX_CAPTURE = 512 * 1024;

/** A Duplex in front of a TCP socket that records what the server sends (up to MAX_CAPTURE bytes). */
export class WireTap extends Duplex {
  readonly received: Buffer[] = [];
  receivedBytes = 0;
  constructor(readonly socket: Socket) {
    super();
    socket.on('data', (d: Buffer) => {
      if (this.receivedBytes < MAX_CAPTURE) this.received.push(d);
      this.receivedBytes += d.length;
      if (!this.push(d)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
  }
  override _read(): void {
    this.socket.resume();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.socket.destroyed) return cb();
    this.socket.write(chunk, () => cb());
  }
  override _final(cb: () => void): void {
    this.socket.end(cb);
  }
  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
  bytes(): Buffer {
    return Buffer.concat(this.received);
  }
}

export interface ServerFlight {
  /** "TLSv1.3", "TLSv1.2", ... from the ServerHello (also when the handshake failed later). */
  protocol?: string;
  /** DER certificates from the Certificate message, in the order sent. */
  certs: Buffer[];
  /** The server sent a CertificateRequest. */
  certificateRequested: boolean;
  /** The first bytes the server sent (to recognise SSH or plain HTTP on an HTTPS port). */
  firstBytes: Buffer;
}

interface Record_ {
  type: number;
  header: Buffer;
  body: Buffer;
}

function records(buf: Buffer): Record_[] {
  const out: Record_[] = [];
  let p = 0;
  while (p + 5 <= buf.length) {
    const len = buf.readUInt16BE(p + 3);
    if (p + 5 + len > buf.length) break;
    out.push({ type: buf[p]!, header: buf.subarray(p, p + 5), body: buf.subarray(p + 5, p + 5 + len) });
    p += 5 + len;
  }
  return out;
}

function hkdfExpandLabel(hash: 'sha256' | 'sha384', secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  // one HKDF-Expand block is enough: keys and IVs are shorter than the hash
  return createHmac(hash, secret).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

const SUITES: Record<number, { cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; keyLen: number; hash: 'sha256' | 'sha384' }> = {
  0x1301: { cipher: 'aes-128-gcm', keyLen: 16, hash: 'sha256' },
  0x1302: { cipher: 'aes-256-gcm', keyLen: 32, hash: 'sha384' },
  0x1303: { cipher: 'chacha20-poly1305', keyLen: 32, hash: 'sha256' },
};

// ServerHello.random of a HelloRetryRequest (RFC 8446 4.1.3)
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

interface Hello {
  tls13: boolean;
  suite: number;
  version: number;
}

const VERSIONS: Record<number, string> = { 0x0304: 'TLSv1.3', 0x0303: 'TLSv1.2', 0x0302: 'TLSv1.1', 0x0301: 'TLSv1', 0x0300: 'SSLv3' };

function parseServerHello(body: Buffer): Hello & { hrr: boolean } {
  // version(2) random(32) session_id<1> cipher(2) compression(1) extensions<2>
  const version = body.readUInt16BE(0);
  let p = 2;
  const random = body.subarray(p, p + 32);
  p += 32;
  p += 1 + body[p]!;
  const suite = body.readUInt16BE(p);
  p += 3;
  let tls13 = false;
  if (p + 2 <= body.length) {
    const end = p + 2 + body.readUInt16BE(p);
    p += 2;
    while (p + 4 <= end) {
      const type = body.readUInt16BE(p);
      const len = body.readUInt16BE(p + 2);
      if (type === 43 && len === 2 && body.readUInt16BE(p + 4) === 0x0304) tls13 = true; // supported_versions
      p += 4 + len;
    }
  }
  return { tls13, suite, version: tls13 ? 0x0304 : version, hrr: random.equals(HRR_RANDOM) };
}

/** Handshake messages out of a byte stream of handshake fragments: [type, body]. */
function* messages(stream: Buffer): Generator<[number, Buffer]> {
  let p = 0;
  while (p + 4 <= stream.length) {
    const len = stream.readUIntBE(p + 1, 3);
    if (p + 4 + len > stream.length) return;
    yield [stream[p]!, stream.subarray(p + 4, p + 4 + len)];
    p += 4 + len;
  }
}

function certificateList(body: Buffer, tls13: boolean): Buffer[] {
  let p = 0;
  if (tls13) p += 1 + body[0]!; // certificate_request_context
  const end = p + 3 + body.readUIntBE(p, 3);
  p += 3;
  const out: Buffer[] = [];
  while (p + 3 <= end && p + 3 <= body.length) {
    const len = body.readUIntBE(p, 3);
    p += 3;
    out.push(Buffer.from(body.subarray(p, p + len)));
    p += len;
    if (tls13) p += 2 + body.readUInt16BE(p); // per-certificate extensions
  }
  return out;
}

/**
 * Reads the server's handshake flight from the captured bytes. `secrets` are the keylog lines of the
 * connection (only needed for TLS 1.3). Never throws: what can't be read is left out.
 */
export function readServerFlight(bytes: Buffer, secrets: string[]): ServerFlight {
  const flight: ServerFlight = { certs: [], certificateRequested: false, firstBytes: Buffer.from(bytes.subarray(0, 16)) };
  try {
    let hello: Hello | undefined;
    let plain: Buffer = Buffer.alloc(0);
    let encrypted: Buffer[] = [];
    for (const r of records(bytes)) {
      if (r.type === 22 && !hello?.tls13) plain = Buffer.concat([plain, r.body]);
      else if (r.type === 23 && hello?.tls13) encrypted.push(Buffer.concat([r.header, r.body]));
      if (!hello || !hello.tls13) {
        for (const [type, body] of messages(plain)) {
          if (type === 2) {
            const h = parseServerHello(body);
            if (!h.hrr) hello = h;
          }
        }
        if (hello?.tls13) {
          encrypted = [];
          plain = Buffer.alloc(0);
        }
      }
    }
    if (hello) flight.protocol = VERSIONS[hello.version] ?? `0x${hello.version.toString(16)}`;
    let stream: Buffer = plain;
    if (hello?.tls13) stream = decryptHandshake(encrypted, hello.suite, secrets);
    for (const [type, body] of messages(stream)) {
      if (type === 2 && !hello?.tls13) continue;
      if (type === 11 && !flight.certs.length) flight.certs = certificateList(body, Boolean(hello?.tls13));
      if (type === 13) flight.certificateRequested = true;
      if (type === 14 || type === 20) break; // ServerHelloDone / Finished: the server's flight is over
    }
  } catch {
    /* a malformed or truncated flight: report what was read */
  }
  return flight;
}

function decryptHandshake(recs: Buffer[], suiteId: number, secrets: string[]): Buffer {
  const suite = SUITES[suiteId];
  const line = secrets.find((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET '));
  if (!suite || !line) return Buffer.alloc(0);
  const secret = Buffer.from(line.trim().split(' ')[2]!, 'hex');
  const key = hkdfExpandLabel(suite.hash, secret, 'key', suite.keyLen);
  const iv = hkdfExpandLabel(suite.hash, secret, 'iv', 12);
  const out: Buffer[] = [];
  let seq = 0;
  for (const rec of recs) {
    const header = rec.subarray(0, 5);
    const body = rec.subarray(5);
    const nonce = Buffer.from(iv);
    for (let i = 0; i < 8; i++) nonce[11 - i]! ^= Math.floor(seq / 2 ** (8 * i)) & 0xff;
    seq++;
    // typed as GCM; ChaCha20-Poly1305 has the same AEAD interface at run time
    const d = createDecipheriv(suite.cipher as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
    d.setAAD(header);
    d.setAuthTag(body.subarray(body.length - 16));
    let pt: Buffer;
    try {
      pt = Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
    } catch {
      break; // records under the application keys: the handshake flight is over
    }
    let end = pt.length;
    while (end > 0 && pt[end - 1] === 0) end--;
    const inner = pt[end - 1];
    if (inner === 22) out.push(pt.subarray(0, end - 1));
    else break;
  }
  return Buffer.concat(out);
}
