// A simulated Axis camera on 127.0.0.1: TLS with a given chain, MJPEG at the Axis paths.
// Used by `lantrust demo`, the UI's demo profile and the tests.
import { createServer, type Server } from 'node:https';
import { listenLoopback } from '../listen.js';
import type { SecureContextOptions } from 'node:tls';
import { makeFrame } from './frames.js';

export interface SimCameraOptions {
  /** PEM private key of the camera. */
  key: string | Buffer;
  /** PEM: the leaf, optionally followed by intermediates (what the camera sends). */
  cert: string | Buffer;
  port?: number;
  host?: string;
  /** Frames per second of the MJPEG stream. */
  fps?: number;
  /** Extra TLS settings (e.g. minVersion/maxVersion to mimic old firmware). */
  tls?: SecureContextOptions & { minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'; maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' };
  /** Require HTTP Basic auth with these credentials. */
  basicAuth?: { user: string; password: string };
}

export interface SimCamera {
  server: Server;
  port: number;
  url: string;
  /** https://127.0.0.1:PORT/axis-cgi/mjpg/video.cgi */
  streamUrl: string;
  close(): Promise<void>;
}

const BOUNDARY = 'myboundary';

export async function startCamera(opts: SimCameraOptions): Promise<SimCamera> {
  const host = opts.host ?? '127.0.0.1';
  const fps = opts.fps ?? 5;
  const frames = Array.from({ length: 8 }, (_, i) => makeFrame(i));
  const server = createServer({ key: opts.key, cert: opts.cert, ...(opts.tls ?? {}) }, (req, res) => {
    if (opts.basicAuth) {
      const want = `Basic ${Buffer.from(`${opts.basicAuth.user}:${opts.basicAuth.password}`).toString('base64')}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="AXIS_SIMULATED"' });
        res.end('Unauthorized');
        return;
      }
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/axis-cgi/jpg/image.cgi') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': frames[0]!.length, 'Cache-Control': 'no-cache' });
      res.end(frames[0]);
      return;
    }
    if (path === '/axis-cgi/mjpg/video.cgi' || path === '/mjpg/video.mjpg') {
      res.writeHead(200, { 'Content-Type': `multipart/x-mixed-replace;boundary=${BOUNDARY}`, 'Cache-Control': 'no-cache', Connection: 'close' });
      let n = 0;
      const send = () => {
        const f = frames[n++ % frames.length]!;
        res.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.length}\r\n\r\n`);
        res.write(f);
        res.write('\r\n');
      };
      send();
      const timer = setInterval(send, 1000 / fps);
      const stop = () => clearInterval(timer);
      req.on('close', stop);
      res.on('close', stop);
      res.on('error', stop);
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Simulated AXIS camera</title><h1>Simulated AXIS camera</h1><img src="/axis-cgi/mjpg/video.cgi" alt="live stream">');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  server.on('tlsClientError', () => {
    /* clients that refuse our certificate are expected */
  });
  const { port, close } = await listenLoopback(server, opts.port ?? 0, host);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    url: `https://${hostPart}:${port}/`,
    streamUrl: `https://${hostPart}:${port}/axis-cgi/mjpg/video.cgi`,
    close,
  };
}
