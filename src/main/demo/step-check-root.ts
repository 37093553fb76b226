// Demo: the first command an admin runs on a root — is it fit to hand to every employee?
import { readOneCertificate } from '../cert/read.js';
import { lintRoot } from '../constraints/lint.js';
import { describeConstraints } from '../constraints/model.js';
import type { DemoStep } from './context.js';

export const checkRootStep: DemoStep = {
  title: 'Check the root before anyone trusts it (lantrust check-root)',
  async run(ctx) {
    const cert = await readOneCertificate(ctx.rootPem);
    const findings = lintRoot(cert.info, { expectCidr: ctx.permitCidr });
    const errors = findings.filter((f) => f.severity === 'error');
    ctx.say(`$ lantrust check-root ${ctx.rootPem}`);
    ctx.say(errors.length ? `✗ not fit to distribute: ${errors.map((e) => e.id).join(', ')}` : '✓ fit to distribute');
    ctx.say(`  SHA-256      ${cert.info.sha256}`);
    ctx.say(`  Trusts       ${describeConstraints(cert.info.nameConstraints)}`);
    if (errors.length) throw new Error(`the demo root failed check-root: ${errors.map((e) => e.message).join(' ')}`);
    ctx.results.rootSha256 = cert.info.sha256;
  },
};
