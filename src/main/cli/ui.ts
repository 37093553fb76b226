// lantrust ui: the employee/helpdesk screens in your browser, served on 127.0.0.1 with a per-run token.
import { startUiDemo } from '../demo/ui-profile.js';
import { UserError } from '../errors.js';
import { loadProfileAndRoot } from '../profile.js';
import { serveUi, untilStopped } from '../ui-serve.js';
import { parse } from './args.js';

export const help = `lantrust ui: the app's screens (trust, cameras, helpdesk) in your browser, on this computer only.

Examples:
  lantrust ui                                a demo company with a simulated camera (installs go to a throwaway db)
  lantrust ui --config lantrust.json         your company profile: root (pinned), cameras, helpdesk
  lantrust ui --config lantrust.json --port 8443 --no-open
                                             fixed port, print the address instead of opening a browser

It listens on 127.0.0.1 only. The address it prints carries a one-time token: only a page opened
from that address can use it. Stop it with Ctrl-C.
`;

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
