// Demo: the intranet page employees open — the file for their device, what it trusts, and the live
// check against the demo camera. Written like `lantrust site`, from the demo company's profile.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeSite } from '../site/index.js';
import type { DemoStep } from './context.js';
import { writeDemoProfile } from './ui-profile.js';

export const siteStep: DemoStep = {
  title: 'Write the intranet page every employee opens (lantrust site)',
  async run(ctx) {
    const { profilePath } = await writeDemoProfile(ctx);
    const out = join(ctx.dir, 'site');
    ctx.say(`$ lantrust site --config ${profilePath} --out ${out}`);
    const site = await makeSite({ config: profilePath, outDir: out });
    for (const f of site.files) ctx.say(`  ${f.name.padEnd(34)} ${f.sha256.slice(0, 16)}…  ${f.purpose}`);
    const checked = site.cameras.filter((c) => c.still).length;
    ctx.say(`Live check on the page: ${checked} camera${checked === 1 ? '' : 's'} (${site.cameras.map((c) => c.still ?? c.skipped).join(', ')})`);
    ctx.say(`Open it: ${pathToFileURL(join(site.dir, 'index.html')).href}`);
    ctx.say('IT copies that folder to the intranet web server; every employee opens the one link.');
    ctx.results.siteDir = site.dir;
  },
};
