// Demo: the IT pack for the demo root — what an admin hands to GPO, Intune, browsers and Apple devices.
import { join } from 'node:path';
import { readOneCertificate } from '../cert/read.js';
import { buildPack, writePack } from '../pack/generate.js';
import type { DemoStep } from './context.js';

export const genStep: DemoStep = {
  title: 'Write the IT pack: PowerShell, GPO, browser policies (lantrust gen)',
  async run(ctx) {
    const cert = await readOneCertificate(ctx.rootPem);
    const out = join(ctx.dir, 'pack');
    const pack = buildPack({ rootDer: cert.der, info: cert.info, company: ctx.company, permitDns: ctx.permitDns, permitCidr: ctx.permitCidr, label: ctx.rootPem });
    await writePack(out, pack.files);
    const permits = [...ctx.permitDns.map((d) => `--permit-dns ${d}`), ...ctx.permitCidr.map((c) => `--permit-cidr ${c}`)].join(' ');
    ctx.say(`$ lantrust gen --root ${ctx.rootPem} --out ${out} ${permits}`);
    for (const f of pack.files) ctx.say(`  ${f.name.padEnd(36)} ${f.purpose}`);
    for (const w of pack.warnings) ctx.say(`  warning: ${w}`);
    ctx.results.packDir = out;
  },
};
