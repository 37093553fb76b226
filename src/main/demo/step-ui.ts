// Demo, last step: the employee/helpdesk app on the demo company and its camera. With --no-open it
// only says how to get there; otherwise it serves the UI, opens the browser and waits for Ctrl-C.
import { serveUi, untilStopped } from '../ui-serve.js';
import { loadProfileAndRoot } from '../profile.js';
import type { DemoStep } from './context.js';
import { writeDemoProfile } from './ui-profile.js';

export const uiStep: DemoStep = {
  title: 'The employee app: what gets trusted, install, and the camera check (lantrust ui)',
  async run(ctx) {
    if (ctx.noOpen) {
      ctx.say('See it in your browser:  lantrust ui                      (demo company, simulated cameras)');
      ctx.say('With your own company:   lantrust ui --config lantrust.json');
      ctx.say('As the desktop app:      npm run app                      (where Electron can be downloaded)');
      return;
    }
    // Installs from the demo UI go to throwaway stores inside the demo folder, never this machine's.
    const { profilePath, storeEnv } = await writeDemoProfile(ctx);
    const host = await serveUi({ loaded: await loadProfileAndRoot(profilePath), demo: true, storeEnv, open: true, say: ctx.say });
    ctx.cleanup.push(() => host.close());
    await untilStopped();
  },
};
