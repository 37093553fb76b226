// The first JPEG from a camera: an MJPEG stream (multipart/x-mixed-replace, boundary from the header) or
// a single image, with Basic or Digest auth when the camera asks. Bounded in time and bytes.
import { request } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { StreamInfo } from './types.js';

/** A frame larger than this is not a camera frame; stop reading. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface FrameRequest {
  scheme: 'https' | 'http';
  host: string;
  address: string;
  port: number;
  path: string;
  servername?: string;
  user?: string;
  password?: string;
  deadline: number;
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** Authorization header for a Digest challenge (RFC 7616, MD5, qop=auth). */
export function digestHeader(challenge: string, method: string, uri: string, user: string, password: string): string {
  const p: Record<string, string> = {};
  for (const m of challenge.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${user}:${p.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const qop = p.qop?.split(',').map((s) => s.trim()).includes('auth') ? 'auth' : undefined;
  const response = qop ? md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  const q = (s: string) => s.replace(/[\\"]/g, '\\$&');
  return `Digest username="${q(user)}", realm="${q(p.realm ?? '')}", nonce="${q(p.nonce ?? '')}", uri="${q(uri)}", response="${response}"${p.opaque !== undefined ? `, opaque="${q(p.opaque)}"` : ''}${qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : ''}, algorithm=MD5`;
}

function get(r: FrameRequest, auth?: string): Promise<{ res: IncomingMessage; done: () => void }> {
  return new Promise((resolve, reject) => {
    const opts = {
      host: r.address,
      port: r.port,
      path: r.path,
      method: 'GET',
      headers: { Host: r.host.includes(':') ? `[${r.host}]:${r.port}` : `${r.host}:${r.port}`, 'User-Agent': 'lantrust-test', Accept: 'image/jpeg, multipart/x-mixed-replace, */*', ...(auth ? { Authorization: auth } : {}) },
      agent: false as const,
      timeout: Math.max(1, r.deadline - Date.now()),
    };
    const req = r.scheme === 'https' ? request({ ...opts, rejectUnauthorized: false, ...(r.servername ? { servername: r.servername } : {}) }) : httpRequest(opts);
    const timer = setTimeout(() => req.destroy(new Error('no answer before the timeout')), Math.max(1, r.deadline - Date.now()));
    // once the headers are in, the body's reader keeps the deadline (and says which part it was waiting for)
    req.once('response', (res) => (clearTimeout(timer), resolve({ res, done: () => req.destroy() })));
    req.once('error', (e) => (clearTimeout(timer), reject(e)));
    req.end();
  });
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/**
 * Bytes received so far in one buffer that grows by doubling: appending is amortised O(1) per byte, and
 * a search starts where the previous one stopped, so reading N bytes costs O(N), not O(N^2).
 */
class Received {
  buf = Buffer.allocUnsafe(64 * 1024);
  length = 0;
  append(c: Buffer): void {
    if (this.length + c.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + c.length));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    c.copy(this.buf, this.length);
    this.length += c.length;
  }
  /** indexOf(needle) among the bytes received, starting at `from`. */
  find(needle: Buffer, from: number): number {
    const at = this.buf.subarray(0, this.length).indexOf(needle, Math.max(0, from));
    return at;
  }
  slice(a: number, b: number): Buffer {
    return Buffer.from(this.buf.subarray(a, b));
  }
}

/** Reads the first JPEG from the response body (multipart or whole-body), scanning each byte about once. */
export function readFirstJpeg(res: NodeJS.ReadableStream & { destroy(): void }, boundary: string | undefined, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got = new Received();
    let settled = false;
    const end = (e: Error | undefined, b?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      res.destroy();
      if (e) reject(e);
      else resolve(b!);
    };
    const timer = setTimeout(() => end(new Error('no complete frame before the timeout')), Math.max(1, deadline - Date.now()));
    const mark = boundary ? Buffer.from(`--${boundary}`, 'latin1') : undefined;
    const crlf2 = Buffer.from('\r\n\r\n');
    // parser state: where the part starts, where its body starts, how far each search has looked
    let partStart = -1;
    let bodyStart = -1;
    let bodyLength: number | undefined;
    let scanned = 0;
    const step = (final: boolean) => {
      if (!mark) {
        if (final) end(undefined, got.slice(0, got.length));
        return;
      }
      // part: --boundary CRLF headers CRLF CRLF body
      if (partStart < 0) {
        partStart = got.find(mark, scanned - mark.length + 1);
        scanned = got.length;
        if (partStart < 0) return;
        scanned = partStart;
      }
      if (bodyStart < 0) {
        const hdrEnd = got.find(crlf2, Math.max(partStart, scanned - 3));
        scanned = got.length;
        if (hdrEnd < 0) return;
        const headers = got.slice(partStart, hdrEnd).toString('latin1');
        bodyStart = hdrEnd + 4;
        scanned = bodyStart;
        const cl = /content-length:\s*(\d+)/i.exec(headers);
        if (cl) {
          bodyLength = Number(cl[1]);
          if (bodyLength > MAX_FRAME_BYTES) return end(new Error(`the first frame announces ${bodyLength} bytes, more than a camera frame`));
        }
      }
      if (bodyLength !== undefined) {
        if (got.length >= bodyStart + bodyLength) end(undefined, got.slice(bodyStart, bodyStart + bodyLength));
        return;
      }
      // no Content-Length: the frame ends at the next boundary (or at the JPEG's EOI)
      const from = Math.max(bodyStart, scanned - mark.length + 1);
      const next = got.find(mark, from);
      if (next >= 0) {
        const body = got.slice(bodyStart, next);
        return end(undefined, body.subarray(0, body.lastIndexOf(EOI) + 2));
      }
      const eoi = got.find(EOI, Math.max(bodyStart, scanned - 1));
      scanned = got.length;
      if (eoi >= 0 && got.length >= bodyStart + 2 && got.buf[bodyStart] === SOI[0] && got.buf[bodyStart + 1] === SOI[1]) return end(undefined, got.slice(bodyStart, eoi + 2));
    };
    res.on('data', (c: Buffer) => {
      if (settled) return;
      got.append(c);
      if (got.length > MAX_FRAME_BYTES + 65536) return end(new Error(`no frame in the first ${MAX_FRAME_BYTES >> 20} MB of the stream`));
      step(false);
    });
    res.once('end', () => (step(true), end(new Error('the stream ended before a complete frame'))));
    res.once('error', (e: Error) => end(e));
  });
}

export async function fetchFirstFrame(r: FrameRequest): Promise<StreamInfo & { frame?: Buffer }> {
  const t0 = Date.now();
  const info: StreamInfo & { frame?: Buffer } = { fetched: true, auth: 'none' };
  try {
    let { res, done } = await get(r);
    if (res.statusCode === 401) {
      const chal = String(res.headers['www-authenticate'] ?? '');
      done();
      const scheme = /^\s*digest/i.test(chal) ? 'digest' : /^\s*basic/i.test(chal) ? 'basic' : undefined;
      info.auth = scheme ?? 'none';
      if (!scheme) return { ...info, status: 401, error: 'the camera asks for an authentication scheme lantrust does not know' };
      if (r.user === undefined) return { ...info, status: 401, error: `the camera asks for a password (${scheme}); give --user and --password-file` };
      const header = scheme === 'basic' ? `Basic ${Buffer.from(`${r.user}:${r.password ?? ''}`).toString('base64')}` : digestHeader(chal, 'GET', r.path, r.user, r.password ?? '');
      ({ res, done } = await get(r, header));
      if (res.statusCode === 401) {
        done();
        return { ...info, status: 401, error: 'the camera refused the user name or password' };
      }
    }
    info.status = res.statusCode;
    const ct = String(res.headers['content-type'] ?? '');
    info.contentType = ct;
    if ((res.statusCode ?? 0) >= 400) {
      done();
      return { ...info, error: `the camera answered HTTP ${res.statusCode}` };
    }
    const boundary = /boundary="?([^";,\s]+)"?/i.exec(ct)?.[1]?.replace(/^--/, '');
    info.kind = /multipart\/x-mixed-replace/i.test(ct) ? 'mjpeg' : /image\/jpe?g/i.test(ct) ? 'jpeg' : 'other';
    if (info.kind === 'mjpeg' && !boundary) {
      done();
      return { ...info, error: 'the stream is multipart but its Content-Type has no boundary' };
    }
    if (info.kind === 'other') {
      done();
      return { ...info, error: `the URL serves ${ct || 'no Content-Type'}, not a JPEG or MJPEG stream` };
    }
    if (boundary) info.boundary = boundary;
    const frame = await readFirstJpeg(res, info.kind === 'mjpeg' ? boundary : undefined, r.deadline).finally(done);
    if (!frame.subarray(0, 2).equals(SOI)) return { ...info, error: 'the first frame is not a JPEG' };
    return { ...info, frameBytes: frame.length, firstFrameMs: Date.now() - t0, frame };
  } catch (e) {
    return { ...info, error: (e as Error).message };
  }
}
