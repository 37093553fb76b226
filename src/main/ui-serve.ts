// Serving the app's screens to a browser on this computer: the operation table behind the web host,
// the printed address, and the browser opened without the token on its command line. `lantrust ui`
// and the demo's last step both serve through this.
import { makeOperations } from './api.js';
import { UserError } from './errors.js';
import type { LoadedProfile } from './profile.js';
import { color } from './term.js';
import type { StoreEnv } from './truststore/common.js';
import { openBrowser, startWebHost, type OpenedBrowser, type WebHost } from './web.js';

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

