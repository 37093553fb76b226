// A simulated Axis camera on 127.0.0.1: HTTPS with the certificate its web server is configured to
// present (switched live when that changes, as a real camera's web server is), MJPEG and JPEG at the
// Axis paths, and the VAPIX calls `lantrust deploy` uses. Used by `lantrust demo`, the UI's demo
// profile, the tests and the deploy benchmark.
//
// What it follows, and where each call is documented (D) or inferred (I):
//  D  GET /config/discover, the Device Configuration API discovery list; REST base taken from
//     apis.cert.v1.rest_api (".../v1beta" while the API was beta)
//     https://developer.axis.com/vapix/device-configuration/device-configuration-apis
//  D  Certificate management REST API /config/rest/cert/v1: create_certificate, certificates/{alias}/get_csr,
//     PATCH certificates/{alias} {"data":{"certificate":PEM}} (a signed certificate for the key the
//     alias holds), install_from_pkcs12, POST/DELETE certificates, ca_certificates; envelope
//     {"status":"success","data":...} / {"status":"error","error":{"code","message"}}
//     https://developer.axis.com/vapix/device-configuration/certificate-management
//     (shapes also as an AXIS OS 12.11 camera's own doc.md/openapi.json serve them, recorded in the
//     public research notes of github.com/Cacsjep/oadm docs/specs/pki-research)
//  I  error codes: 1 "Resource not found" and 5 "Validation error" as recorded on AXIS OS 12; 409/4 for
//     an alias that exists or is in use and 400 for a body that is not {"data":...} are inferred
//  D  SOAP 1.2 at POST /vapix/services: aweb:GetWebServerTlsConfiguration / SetWebServerTlsConfiguration
//     (Tls, ConnectionPolicies/Admin, Ciphers, CertificateSet{Certificates, CACertificates,
//     TrustedCertificates}), acertificates:CreateCertificate2 / GetPkcs10Request2
//     https://developer.axis.com/vapix/network-video/certificate-management-api
//  D  ONVIF device service tds:LoadCertificateWithPrivateKey, LoadCertificates, LoadCACertificates,
//     GetCertificates, DeleteCertificates (ONVIF Core Specification, device management / security)
//  I  LoadCertificates installs a signed certificate for a key made by CreateCertificate2 under the
//     same id (the REST and SOAP ids share one store on AXIS OS); key Data as DER (PKCS#8, PKCS#1 or
//     SEC1); CACertificates of the web server's CertificateSet are sent after the leaf as its chain;
//     a certificate bound to the web server cannot be deleted; SOAP faults use HTTP 400 (Sender) and
//     500 (Receiver) per the SOAP 1.2 HTTP binding; fault subcode ter:ActionNotSupported as recorded
//  D  GET /axis-cgi/param.cgi?action=list&group=... (VAPIX parameter management), streams at
//     /axis-cgi/mjpg/video.cgi and /axis-cgi/jpg/image.cgi (VAPIX video streaming)
//  D  Digest authentication (RFC 7616, MD5, qop=auth) as Axis asks by default; Basic when configured
//
// Firmware knobs: "axis-os-12" (cert v1 REST + SOAP), "axis-os-11-beta" (REST at v1beta), "axis-os-10"
// (no REST cert API: SOAP only), "firmware-6" (no web server TLS service: too old for automatic deploy);
// `vapix: false` is some other HTTPS device. Other knobs: wrong credentials (just configure another
// password), rejectCertificates, ignoreBind, hang (an operation never answers), delayMs (every call
// takes that long), reboot (after an
// operation the camera drops every connection and is away for downMs), malformed (answers garbage),
// factoryReset() (a new factory certificate: a changed fingerprint).
// Reboot choice: like a real camera, certificates and the web server setting are kept (flash), open
// connections and Digest nonces are lost.
import { createPrivateKey } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { sha256Fingerprint } from '../cert/describe.js';
import { pemCertificates, toPem } from '../cert/read.js';
import { listenLoopback } from '../listen.js';
import { ServerAuth, type AuthConfig } from './axis-auth.js';
import { AxisDevice } from './axis-device.js';
import { jsonReply, notFound, restRoute, type Firmware, type Route, type SimReply } from './axis-rest.js';
import { soapRoute } from './axis-soap.js';
import { makeFrame } from './frames.js';

type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
type TlsOptions = SecureContextOptions & { minVersion?: TlsVersion; maxVersion?: TlsVersion };

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
  tls?: TlsOptions;
  /** Require HTTP Basic auth with these credentials (for everything, streams included). */
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

export interface AxisKnobs {
  rejectCertificates?: boolean;
  ignoreBind?: boolean;
  /** Never answer this operation ("set-webserver", "create", "csr", "set-cert", ...); once: only the first time. */
  hang?: { op: string; once?: boolean };
  /** After answering this operation, reboot: drop every connection, be away for downMs. */
  reboot?: { after: string; downMs: number };
  /** Answer these operations with a broken body (cut-off JSON or XML). */
  malformed?: string[];
  /** Take this long over every VAPIX call, as a camera's embedded web server does (benchmarks). */
  delayMs?: number;
}

export interface AxisCameraOptions extends AxisKnobs {
  /** The certificate the camera ships with (PEM key and chain); default: a fresh self-signed one. */
  factory?: { key: string | Buffer; cert: string | Buffer };
  port?: number;
  host?: string;
  fps?: number;
  tls?: TlsOptions;
  firmware?: Firmware;
  /** false: some other HTTPS device, not an Axis camera. */
  vapix?: boolean;
  /** The administrator account VAPIX calls need (default Digest, root / pass). */
  auth?: AuthConfig;
  /** Streams and the start page need the account too (default: anonymous viewers allowed). */
  streamAuth?: boolean;
  /** Serial number: the factory certificate's name (axis-SERIAL). */
  serial?: string;
}

export interface SimRequest {
  method: string;
  path: string;
  op?: string;
  status: number;
  /** The request carried an Authorization header. */
  authorized: boolean;
}

export interface SimAxisCamera extends SimCamera {
  device: AxisDevice;
  knobs: AxisKnobs;
  /** Every HTTP request the camera received, in order. */
  requests: SimRequest[];
  /** SHA-256 (colon hex) of the certificate HTTPS presents now. */
  servedSha256(): string;
  reboot(downMs: number): Promise<void>;
  /** Hard factory default: a new self-signed certificate (a changed fingerprint), everything else gone. */
  factoryReset(): Promise<void>;
}

const BOUNDARY = 'myboundary';

function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function stream(req: IncomingMessage, res: ServerResponse, frames: Buffer[], fps: number): void {
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
}

function broken(r: SimReply): SimReply {
  return { ...r, body: r.body.slice(0, Math.max(1, Math.floor(r.body.length * 0.6))) };
}

const PARAMS: Record<string, string> = {
  'root.Brand.Brand': 'AXIS',
  'root.Brand.ProdFullName': 'AXIS P3265-LVE Dome Camera (simulated)',
  'root.Brand.ProdNbr': 'P3265-LVE',
  'root.Properties.Firmware.Version': '12.0.0',
  'root.HTTPS.Enabled': 'yes',
  'root.HTTPS.Port': '443',
};

export async function startAxisCamera(opts: AxisCameraOptions = {}): Promise<SimAxisCamera> {
  const host = opts.host ?? '127.0.0.1';
  const fps = opts.fps ?? 5;
  const firmware: Firmware = opts.firmware ?? 'axis-os-12';
  const frames = Array.from({ length: 8 }, (_, i) => makeFrame(i));
  const auth = new ServerAuth(opts.auth ?? { scheme: 'digest', user: 'root', password: 'pass' });
  const knobs: AxisKnobs = { ...(opts.rejectCertificates ? { rejectCertificates: true } : {}), ...(opts.ignoreBind ? { ignoreBind: true } : {}), ...(opts.hang ? { hang: opts.hang } : {}), ...(opts.reboot ? { reboot: opts.reboot } : {}), ...(opts.malformed ? { malformed: opts.malformed } : {}), ...(opts.delayMs ? { delayMs: opts.delayMs } : {}) };
  const factory = opts.factory ? { key: createPrivateKey(opts.factory.key), cert: pemCertificates(opts.factory.cert.toString()) } : undefined;
  const device = await AxisDevice.factoryNew({ ...(opts.serial ? { serial: opts.serial } : {}), ...(factory ? { factory } : {}) });
  const requests: SimRequest[] = [];
  const sockets = new Set<Socket>();
  let rebooting = false;
  let closed = false;

  const context = () => {
    const s = device.served();
    return { key: s.key.export({ type: 'pkcs8', format: 'pem' }), cert: s.chain.map((d) => toPem(d)).join(''), ...(opts.tls ?? {}) };
  };

  const vapixPath = (p: string) => p.startsWith('/config/') || p === '/vapix/services' || p.startsWith('/axis-cgi/param.cgi');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://camera');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const log: SimRequest = { method, path, status: 0, authorized: Boolean(req.headers.authorization) };
    requests.push(log);
    const send = (r: SimReply) => {
      log.status = r.status;
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    };
    if (opts.vapix === false) {
      if (path === '/') return send({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<!doctype html><title>Printer</title><h1>Office printer</h1>' });
      return send({ status: 404, headers: { 'Content-Type': 'text/html' }, body: '<h1>404 Not Found</h1>' });
    }
    const needsAuth = vapixPath(path) || (opts.streamAuth ?? false);
    if (needsAuth) {
      const a = auth.check(req);
      if (a !== 'ok') {
        return send({ status: 401, headers: { 'WWW-Authenticate': auth.challenge(a === 'stale'), 'Content-Type': 'text/html' }, body: '<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD><BODY><H1>401 Unauthorized</H1></BODY></HTML>' });
      }
    }
    if (method === 'GET' && path === '/axis-cgi/jpg/image.cgi') {
      log.status = 200;
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': frames[0]!.length, 'Cache-Control': 'no-cache' });
      res.end(frames[0]);
      return;
    }
    if (method === 'GET' && (path === '/axis-cgi/mjpg/video.cgi' || path === '/mjpg/video.mjpg')) {
      log.status = 200;
      return stream(req, res, frames, fps);
    }
    if (path === '/') {
      return send({ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>Simulated AXIS camera</title><h1>Simulated AXIS camera</h1><img src="/axis-cgi/mjpg/video.cgi" alt="live stream">' });
    }
    const body = await readBody(req);
    if (body === undefined) return send(jsonReply(413, { status: 'error', error: { code: 6, message: 'Payload too large' } }));
    let route: Route | undefined;
    if (path.startsWith('/config/')) route = restRoute(device, firmware, method, path, body) ?? { op: 'rest-404', run: async () => notFound(path) };
    else if (path === '/vapix/services' && method === 'POST') route = soapRoute(device, firmware, body);
    else if (path === '/axis-cgi/param.cgi' && method === 'GET') {
      route = {
        op: 'param',
        run: async () => {
          const group = url.searchParams.get('group') ?? 'root';
          const prefix = group.startsWith('root.') || group === 'root' ? group : `root.${group}`;
          const lines = Object.entries(PARAMS).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`));
          return lines.length ? { status: 200, headers: { 'Content-Type': 'text/plain' }, body: lines.map(([k, v]) => `${k}=${v}\n`).join('') } : { status: 200, headers: { 'Content-Type': 'text/plain' }, body: `# Error: Error -1 getting param in group '${group}'\n` };
        },
      };
    }
    if (!route) return send({ status: 404, headers: { 'Content-Type': 'text/html' }, body: '<h1>404 Not Found</h1>' });
    log.op = route.op;
    if (knobs.hang && knobs.hang.op === route.op) {
      if (knobs.hang.once) delete knobs.hang;
      return; // never answered: the client's timeout is all that ends it
    }
    if (knobs.delayMs) await new Promise((r) => setTimeout(r, knobs.delayMs));
    device.rejectCertificates = Boolean(knobs.rejectCertificates);
    device.ignoreBind = Boolean(knobs.ignoreBind);
    let reply = await route.run();
    if (knobs.malformed?.includes(route.op)) reply = broken(reply);
    send(reply);
    if (knobs.reboot && knobs.reboot.after === route.op) {
      const { downMs } = knobs.reboot;
      delete knobs.reboot;
      res.once('finish', () => setTimeout(() => void cam.reboot(downMs), 5));
    }
  }

  const server = createServer(context(), (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`internal error: ${(e as Error).message}`);
    });
  });
  device.onServedChange = () => server.setSecureContext(context());
  server.on('tlsClientError', () => {
    /* clients that refuse our certificate are expected */
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listening = await listenLoopback(server, opts.port ?? 0, host);
  const port = listening.port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const cam: SimAxisCamera = {
    server,
    port,
    url: `https://${hostPart}:${port}/`,
    streamUrl: `https://${hostPart}:${port}/axis-cgi/mjpg/video.cgi`,
    device,
    knobs,
    requests,
    servedSha256: () => sha256Fingerprint(device.served().chain[0]!),
    async reboot(downMs: number) {
      if (rebooting || closed) return;
      rebooting = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      auth.reset();
      await new Promise((r) => setTimeout(r, downMs));
      if (!closed) await new Promise<void>((resolve, reject) => server.listen(port, host, () => resolve()).once('error', reject));
      rebooting = false;
    },
    async factoryReset() {
      await device.factoryReset(opts.serial ? { serial: opts.serial } : {});
    },
    async close() {
      closed = true;
      for (const s of sockets) s.destroy();
      if (server.listening) await listening.close();
    },
  };
  return cam;
}

/** A camera serving the given certificate (the simple form the demo's page server and most tests use). */
export async function startCamera(opts: SimCameraOptions): Promise<SimCamera> {
  return startAxisCamera({
    factory: { key: opts.key, cert: opts.cert },
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.fps ? { fps: opts.fps } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.basicAuth ? { auth: { scheme: 'basic' as const, ...opts.basicAuth }, streamAuth: true } : {}),
  });
}
