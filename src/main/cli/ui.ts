// lantrust ui: the employee/helpdesk screens in your browser, served on 127.0.0.1 with a per-run token.
import { startUiDemo } from '../demo/ui-profile.js';
import { loadProfileAndRoot } from '../profile.js';
import { serveUi, untilStopped } from '../ui-serve.js';
import { intOption, parse } from './args.js';

export const help = `lantrust ui: the app's screens (trust, cameras, helpdesk) in your browser, on this computer only.

Examples:
  lantrust ui                                a demo company with a simulated camera (installs go to a throwaway db)
  lantrust ui --config lantrust.json         your company profile: root (pinned), cameras, helpdesk
  lantrust ui --config lantrust.json --port 8443 --no-open
                                             fixed port, print the address instead of opening a browser

It listens on 127.0.0.1 only. The address it prints carries a one-time token: only a page opened
from that address can use it. Stop it with Ctrl-C.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parse('ui', args, { config: { type: 'string' }, port: { type: 'string' }, 'no-open': { type: 'boolean' } }, false);
  const port = intOption(values.port, 'port', 1, 65535);
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
