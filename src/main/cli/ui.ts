// lantrust ui: the employee/helpdesk screens in your browser, served on 127.0.0.1 with a per-run token.
import { makeOperations } from '../api.js';
import { startUiDemo } from '../demo/ui-profile.js';
import { UserError } from '../errors.js';
import { loadProfileAndRoot, type LoadedProfile } from '../profile.js';
import { openBrowser, startWebHost, type OpenedBrowser, type WebHost } from '../web.js';
import type { StoreEnv } from '../truststore/common.js';
import { parse } from './args.js';
import { color } from './format.js';

export const help = `lantrust ui: the app's screens (trust, cameras, helpdesk) in your browser, on this computer only.

Examples:
  lantrust ui                                a demo company with a simulated camera (installs go to a throwaway db)
  lantrust ui --config lantrust.json         your company profile: root (pinned), cameras, helpdesk
  lantrust ui --config lantrust.json --port 8443 --no-open
                                             fixed port, print the address instead of opening a browser

It listens on 127.0.0.1 only. The address it prints carries a one-time token: only a page opened
from that address can use it. Stop it with Ctrl-C.
`;

export interface ServeOptions {
  loaded: LoadedProfile;
  demo: boolean;
  /** Where "Install" goes (demo: throwaway stores); default: this machine's. */
  storeEnv?: Partial<StoreEnv>;
  port?: number;
  open: boolean;
  say(line: string): void;
}

/** Starts the web host; prints where it is and opens the browser when asked. */
export async function serveUi(o: ServeOptions): Promise<WebHost> {
  const ops = makeOperations({ loaded: o.loaded, demo: o.demo, ...(o.storeEnv ? { storeEnv: o.storeEnv } : {}) }, { kind: 'web' });
  let host: WebHost;
  let opened: OpenedBrowser | undefined;
  try {
    // The redirect file holds the token: gone as soon as the page has used it, or when we stop.
    host = await startWebHost({ ops, ...(o.port !== undefined ? { port: o.port } : {}), onFirstUse: () => void opened?.remove() });
  } catch (e) {
    if ((e as { code?: string }).code === 'EADDRINUSE') throw new UserError(`port ${o.port} is already in use; choose another with --port, or leave it out to pick a free one.`);
    throw e;
  }
  o.say(`${color.bold(o.loaded.profile.company)}${o.demo ? ' (demo)' : ''} — the lantrust app is at:`);
  o.say(`  ${host.url}`);
  if (o.open) {
    opened = await openBrowser(host.url);
    o.say(opened ? 'Opened in your browser. Press Ctrl-C to stop.' : 'Open that address in your browser. Press Ctrl-C to stop.');
  } else {
    o.say('Open that address in your browser. Press Ctrl-C to stop.');
  }
  const close = host.close;
  return {
    ...host,
    close: async () => {
      await opened?.remove();
      await close();
    },
  };
}

/** Resolves on Ctrl-C / SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function parsePort(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new UserError(`--port ${s} is not a port number; use 1 to 65535, or leave it out to pick a free one.`);
  return Number(s);
}

export async function run(args: string[]): Promise<number> {
  const { values } = parse('ui', args, { config: { type: 'string' }, port: { type: 'string' }, 'no-open': { type: 'boolean' } }, false);
  const port = parsePort(values.port);
  const demo = values.config ? undefined : await startUiDemo();
  try {
    const loaded = await loadProfileAndRoot(values.config ?? demo!.profilePath);
    const say = (l: string) => process.stdout.write(`${l}\n`);
    const host = await serveUi({ loaded, demo: Boolean(demo), ...(demo ? { storeEnv: demo.storeEnv } : {}), ...(port !== undefined ? { port } : {}), open: !values['no-open'], say });
    await untilStopped();
    await host.close();
  } finally {
    await demo?.close();
  }
  return 0;
}
