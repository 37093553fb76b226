// Demo: install the root into a throwaway NSS db (a fake HOME in the demo folder — never this
// machine's stores), show status, then re-test the camera trusting exactly the roots in that db:
// net::ERR_CERT_AUTHORITY_INVALID becomes net::OK.
import { join } from 'node:path';
import type { TrustAnchor } from '../probe/types.js';
import { defaultEnv, installRoot, rootStatus, uninstallRoot } from '../truststore/index.js';
import { certutilPath, CERTUTIL_MISSING, nssTrustedRoots } from '../truststore/nss.js';
import { formatStores } from '../truststore/report.js';
import type { DemoStep } from './context.js';
import { testDemoCamera } from './step-test.js';

export const installStep: DemoStep = {
  title: 'Trust the root in a (throwaway) Chrome NSS database, then test the camera again (lantrust install)',
  async run(ctx) {
    const home = join(ctx.dir, 'home');
    // Root-only stores point into the demo folder too, so nothing outside it can change.
    const env = { home, chromePolicyDirs: [join(ctx.dir, 'chrome-policies')], systemAnchorDir: join(ctx.dir, 'anchors'), systemUpdateCommand: [] };
    if (!(await certutilPath(defaultEnv(env)))) {
      ctx.say(`Skipped: ${CERTUTIL_MISSING}`);
      return;
    }
    const pin = String(ctx.results.rootSha256 ?? '');
    ctx.say(`$ HOME=${home} lantrust install --root ${ctx.rootPem} --store nss${pin ? ` --sha256 ${pin.slice(0, 11)}...` : ''}`);
    const installed = await installRoot({ root: ctx.rootPem, stores: ['nss'], ...(pin ? { sha256: pin } : {}), env });
    ctx.say(formatStores(installed));
    ctx.say(`$ HOME=${home} lantrust status --root ${ctx.rootPem} --store nss`);
    const status = await rootStatus({ root: ctx.rootPem, stores: ['nss'], env });
    ctx.say(formatStores(status));
    if (!status.stores.every((s) => s.installed)) throw new Error('the demo root is not in the throwaway NSS db after install');

    // The anchors for the re-test are read back from the NSS db, exactly what Chromium would trust.
    const certutil = (await certutilPath(defaultEnv(env)))!;
    const db = join(home, '.pki', 'nssdb');
    const anchors: TrustAnchor[] = (await nssTrustedRoots(certutil, db)).map((r) => ({ der: r.der, source: `NSS db ~/.pki/nssdb ("${r.nickname}")` }));
    const after = await testDemoCamera(ctx, anchors, `   # trusting the ${anchors.length} root(s) in ${db}`);
    ctx.results.verdictAfter = after.chrome.error;
    ctx.say(`Chrome's verdict: ${String(ctx.results.verdictBefore ?? 'net::ERR_CERT_AUTHORITY_INVALID')} before, ${after.chrome.error} after.`);
    if (after.chrome.error !== 'net::OK') throw new Error(`expected net::OK after installing the root, got ${after.chrome.error}`);

    // And it is reversible: uninstall removes exactly that root.
    const removed = await uninstallRoot({ root: ctx.rootPem, stores: ['nss'], env });
    ctx.say(`$ HOME=${home} lantrust uninstall --root ${ctx.rootPem} --store nss`);
    ctx.say(formatStores(removed));
  },
};
