// The Electron main process: one hardened window on the renderer, the operation table over IPC,
// and Chromium's own certificate verdict. Thin on purpose — everything else is plain Node code.
// Hardening follows Electron's security checklist: sandbox + contextIsolation, no Node in the
// renderer, a custom app:// scheme (not file://), strict CSP, no navigation, no new windows,
// validated IPC senders, no permissions, and shell.openExternal only for the profile's own links.
import { app, BrowserWindow, ipcMain, protocol, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { callOperation, makeOperations, type ApiContext, type Operations } from './api.js';
import { chromiumVerifier } from './chromium-verify.js';
import { appProfilePath } from './build/layout.js';
import { errorMessage } from './errors.js';
import { loadProfileAndRoot, type Profile } from './profile.js';
import { packagedStoreEnv } from './truststore/powershell-path.js';
import { CSP } from './web.js';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://lantrust`;
const RENDERER = fileURLToPath(new URL('../renderer/', import.meta.url));
const FILES: Record<string, string> = { '/index.html': 'text/html', '/app.js': 'text/javascript', '/styles.css': 'text/css' };

// standard + secure: a real origin (app://lantrust) for the page and its ES module; no other powers.
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
app.enableSandbox();

/** Packaged: the profile inside app.asar only. Development: --config FILE, else the demo company. */
async function loadContext(): Promise<{ ctx: ApiContext; cleanup?: () => Promise<void> }> {
  const i = process.argv.indexOf('--config');
  const path = appProfilePath({ packaged: app.isPackaged, appPath: app.getAppPath(), ...(i > 0 && process.argv[i + 1] ? { configArg: process.argv[i + 1] } : {}), exists: existsSync });
  try {
    if (app.isPackaged && !existsSync(path!)) return { ctx: { loaded: { error: 'this installer carries no company profile; ask IT for a new installer.' } } };
    // Packaged: system tools by absolute path only (Windows PowerShell under System32), never from PATH.
    if (path) return { ctx: { loaded: await loadProfileAndRoot(path), ...(app.isPackaged ? { storeEnv: packagedStoreEnv() } : {}) } };
    const { startUiDemo } = await import('./demo/ui-profile.js');
    const demo = await startUiDemo();
    return { ctx: { loaded: await loadProfileAndRoot(demo.profilePath), demo: true, storeEnv: demo.storeEnv }, cleanup: demo.close };
  } catch (e) {
    return { ctx: { loaded: { error: errorMessage(e) } } };
  }
}

/** Chromium's own answer, from in-memory sessions reused while this computer's trust is unchanged. */
const chromiumVerify = chromiumVerifier((partition) => session.fromPartition(partition));

/** Links the renderer may open outside the app: only those built from the (pinned, signed) profile. */
function externalLinks(p: Profile | undefined): Set<string> {
  const out = new Set<string>();
  const h = p?.helpdesk;
  if (h?.url) out.add(new URL(h.url).href);
  if (h?.email) out.add(`mailto:${h.email}`);
  if (h?.phone) out.add(`tel:${h.phone.replace(/[^+0-9]/g, '')}`);
  return out;
}

function harden(contents: WebContents, links: Set<string>): void {
  const external = (url: string) => {
    if (links.has(url)) void shell.openExternal(url);
  };
  contents.on('will-navigate', (e, url) => {
    e.preventDefault();
    external(url);
  });
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    external(url);
    return { action: 'deny' };
  });
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const { ctx, cleanup } = await loadContext();
  const ops: Operations = makeOperations(ctx, { kind: 'electron', chromiumVerify });
  const links = externalLinks('profile' in ctx.loaded ? ctx.loaded.profile : undefined);

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, cb) => cb(permission === 'clipboard-sanitized-write'));
  ses.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
  protocol.handle(SCHEME, async (req) => {
    const u = new URL(req.url);
    const type = FILES[u.pathname === '/' ? '/index.html' : u.pathname];
    if (u.host !== 'lantrust' || !type) return new Response('not found', { status: 404 });
    const body = await readFile(`${RENDERER}${u.pathname === '/' ? 'index.html' : u.pathname.slice(1)}`);
    return new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' } });
  });
  app.on('web-contents-created', (_e, contents) => harden(contents, links));

  const win = new BrowserWindow({
    width: 1024,
    height: 700,
    minWidth: 720,
    minHeight: 560,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#f3f5f8',
    title: 'profile' in ctx.loaded ? `${ctx.loaded.profile.company} — camera certificate` : 'Camera certificate',
    webPreferences: {
      preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });

  // Only our own page in our own window may call operations.
  const trusted = (e: IpcMainInvokeEvent) => e.sender === win.webContents && (e.senderFrame?.url ?? '').startsWith(`${ORIGIN}/`);
  ipcMain.handle('lantrust', (e, op: unknown, arg: unknown) => (trusted(e) ? callOperation(ops, op, arg) : { ok: false, error: 'refused: not the app window.' }));

  win.once('ready-to-show', () => win.show());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void cleanup?.());
  await win.loadURL(`${ORIGIN}/index.html`);
}

void main();
