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
    const timer = setTimeout(() => req.destroy(new Error('timed out')), Math.max(1, r.deadline - Date.now()));
    req.once('response', (res) => resolve({ res, done: () => (clearTimeout(timer), req.destroy()) }));
    req.once('error', (e) => (clearTimeout(timer), reject(e)));
    req.end();
  });
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/** Reads the first JPEG from the response body (multipart or whole-body). */
function readFirstJpeg(res: IncomingMessage, boundary: string | undefined, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
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
    const tryParse = (final: boolean) => {
      const buf = Buffer.concat(chunks);
      if (!boundary) {
        if (final) return end(undefined, buf);
        return;
      }
      // part: --boundary CRLF headers CRLF CRLF body
      const start = buf.indexOf(`--${boundary}`);
      if (start < 0) return;
      const hdrEnd = buf.indexOf('\r\n\r\n', start);
      if (hdrEnd < 0) return;
      const headers = buf.subarray(start, hdrEnd).toString('latin1');
      const bodyStart = hdrEnd + 4;
      const cl = /content-length:\s*(\d+)/i.exec(headers);
      if (cl) {
        const n = Number(cl[1]);
        if (n > MAX_FRAME_BYTES) return end(new Error(`the first frame announces ${n} bytes, more than a camera frame`));
        if (buf.length >= bodyStart + n) return end(undefined, buf.subarray(bodyStart, bodyStart + n));
        return;
      }
      const next = buf.indexOf(`--${boundary}`, bodyStart);
      if (next >= 0) return end(undefined, buf.subarray(bodyStart, next).subarray(0, buf.subarray(bodyStart, next).lastIndexOf(EOI) + 2));
      const eoi = buf.indexOf(EOI, bodyStart);
      if (eoi >= 0 && buf.subarray(bodyStart, bodyStart + 2).equals(SOI)) return end(undefined, buf.subarray(bodyStart, eoi + 2));
    };
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > MAX_FRAME_BYTES + 65536) return end(new Error(`no frame in the first ${MAX_FRAME_BYTES >> 20} MB of the stream`));
      tryParse(false);
    });
    res.once('end', () => (tryParse(true), end(new Error('the stream ended before a complete frame'))));
    res.once('error', (e) => end(e));
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
