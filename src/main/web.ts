// `lantrust ui`'s host: the renderer and the operation table on 127.0.0.1, guarded by a per-run token.
// Other local pages must not drive it: every API call needs the token (a header no cross-site page
// can send without a CORS preflight we never grant), and Host/Origin must be ours (DNS rebinding).
import { spawn } from 'node:child_process';
import { esc } from './html.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callOperation, type Operations } from './api.js';
import { listenLoopback } from './listen.js';

export interface WebHostOptions {
  ops: Operations;
  /** 0 or absent = any free port. */
  port?: number;
  /** Folder with index.html, app.js, styles.css (default: dist/renderer next to this file). */
  rendererDir?: string;
  /** Fixed token (tests); default 32 random bytes. */
  token?: string;
  /** Called once, on the first request that carries the right token (the page is up and has it). */
  onFirstUse?: () => void;
}

export interface WebHost {
  /** http://127.0.0.1:PORT/#token=... — what to open. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-lantrust-token';
const MAX_BODY = 64 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The same policy index.html carries in its meta tag; sent as a header too. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

/** Reads the renderer files once: only these names are ever served (no path handling at all). */
function loadStatic(dir: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf('.'));
    if (!/^[\w.-]+$/.test(name) || !TYPES[ext]) continue;
    files.set(`/${name}`, { type: TYPES[ext]!, body: readFileSync(`${dir}/${name}`) });
  }
  if (!files.has('/index.html')) throw new Error(`the UI files are missing from ${dir}; run \`npm run build\``);
  files.set('/', files.get('/index.html')!);
  return files;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const files = loadStatic(opts.rendererDir ?? defaultRendererDir());
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  let used = false;
  let allowedHosts: Set<string> = new Set();
  let allowedOrigins: Set<string> = new Set();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const refuse = (res: ServerResponse, status: number, error: string) => send(res, status, 'application/json', JSON.stringify({ ok: false, error }));

  const tokenOk = (req: IncomingMessage): boolean => {
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string') return false;
    const b = Buffer.from(given);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };

  const server = createServer((req, res) => {
    // DNS rebinding: a foreign name pointed at 127.0.0.1 still carries its own Host header.
    if (!allowedHosts.has(String(req.headers.host ?? '').toLowerCase())) return refuse(res, 421, 'wrong host');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return refuse(res, 403, 'foreign origin');
    const path = (req.url ?? '/').split(/[?#]/)[0]!;
    // Nothing cross-site, except opening the page itself in a tab (the redirect file openBrowser writes is
    // a file:// page, so its navigation here is cross-site); the page is public, the token is what counts.
    const pageLoad = req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document' && files.get(path)?.type.startsWith('text/html');
    if (req.headers['sec-fetch-site'] === 'cross-site' && !pageLoad) return refuse(res, 403, 'cross-site request');

    if (path.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'use POST');
      if (!tokenOk(req)) return refuse(res, 401, 'missing or wrong token; open the address `lantrust ui` printed.');
      if (!used) {
        used = true;
        opts.onFirstUse?.();
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(res, 415, 'send JSON');
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        let arg: unknown;
        try {
          arg = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          return refuse(res, 400, 'the request body is not JSON');
        }
        void callOperation(opts.ops, path.slice('/api/'.length), arg).then((env) => send(res, env.ok ? 200 : 400, 'application/json', JSON.stringify(env)));
      });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const f = files.get(path);
    if (!f) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    send(res, 200, f.type, req.method === 'HEAD' ? '' : f.body);
  });
  server.on('clientError', (_e, socket) => socket.destroy());

  let listening;
  try {
    listening = await listenLoopback(server, opts.port ?? 0);
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? Object.assign(new Error(`port ${opts.port} is in use`), { code: 'EADDRINUSE' }) : e;
  }
  const port = listening.port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const originUrl = `http://127.0.0.1:${port}`;
  return {
    // The token rides in the fragment: never sent in a request line, Referer or server log.
    url: `${originUrl}/#token=${token}`,
    origin: originUrl,
    token,
    port,
    close: listening.close,
  };
}

/** The browser tab `openBrowser` opened: the redirect file it wrote, to be removed once the page is up. */
export interface OpenedBrowser {
  /** The redirect page (in a fresh 0700 folder, mode 0600); the opener got this path, never the token. */
  file: string;
  /** Deletes the file and its folder (safe to call twice). */
  remove(): Promise<void>;
}

/** A page that sends the browser on to `url` (meta refresh, plus a link), like Jupyter's browser-open file. */
export function redirectPage(url: string): string {
  const u = esc(url);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${u}">
<title>Opening lantrust</title></head>
<body><p>Opening lantrust… If nothing happens, <a href="${u}">open the app</a>.</p></body></html>
`;
}

/**
 * Opens OUR url (never user input) in the default browser without putting it on a command line (other
 * local users can read those in /proc): the url goes into a redirect file in a private temp folder and
 * the opener gets that file's path. undefined when no opener could be started (the file is then gone).
 */
export async function openBrowser(url: string): Promise<OpenedBrowser | undefined> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+$/.test(url)) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'lantrust-ui-')); // 0700 on POSIX; on Windows the user's own %TEMP%
  const file = join(dir, 'open.html');
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(file, redirectPage(url), { mode: 0o600, flag: 'wx' });
  } catch {
    await remove();
    return undefined;
  }
  const [cmd, args] =
    process.platform === 'win32'
      ? ['rundll32', ['url.dll,FileProtocolHandler', file]]
      : process.platform === 'darwin'
        ? ['open', [file]]
        : ['xdg-open', [file]];
  const started = await new Promise<boolean>((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
      child.on('error', () => resolve(false));
      child.on('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
  if (!started) {
    await remove();
    return undefined;
  }
  return { file, remove };
}
