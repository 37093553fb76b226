// Demo: sign the pack's scripts (GPO machines with AllSigned need it), verify them, and show that a
// changed script is caught. A throwaway code-signing certificate stands in for the company's.
import { generateKeyPairSync } from 'node:crypto';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x from '../ca/x509.js';
import { buildPkcs12 } from '../ca/pkcs12.js';
import { toPem } from '../cert/read.js';
import { errorMessage } from '../errors.js';
import { signFiles, verifySignature } from '../sign/index.js';
import type { DemoStep } from './context.js';

export const signStep: DemoStep = {
  title: 'Sign the scripts IT hands out (lantrust sign)',
  async run(ctx) {
    const packDir = ctx.results.packDir as string | undefined;
    if (!packDir) return ctx.say('  (no pack to sign)');
    const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = Date.now();
    const der = x.buildCertificate({
      subject: [['O', ctx.company], ['CN', `${ctx.company} Code Signing (demo)`]],
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 30 * 86_400_000),
      publicKey: kp.publicKey,
      signingKey: kp.privateKey,
      extensions: [x.basicConstraints(false), x.keyUsage(['digitalSignature']), x.extKeyUsage(['codeSigning'])],
    });
    const pfx = join(ctx.dir, 'codesign-demo.pfx');
    const caFile = join(ctx.dir, 'codesign-demo.pem');
    const password = 'demo only';
    await writeFile(pfx, buildPkcs12({ key: kp.privateKey, certs: [der], password }), { mode: 0o600 });
    await writeFile(caFile, toPem(der));
    const scripts = (await readdir(packDir)).filter((n) => n.endsWith('.ps1')).map((n) => join(packDir, n));
    ctx.say(`$ lantrust sign ${packDir}/*.ps1 --pfx codesign.pfx --pass-file codesign.pass`);
    try {
      const res = await signFiles(scripts, { pfx, password });
      for (const r of res) ctx.say(`  ✓ signed and verified ${r.file.slice(packDir.length + 1)}`);
    } catch (e) {
      // The demo must run everywhere; signing needs osslsigncode off Windows.
      return ctx.say(`  skipped: ${errorMessage(e)}`);
    }
    const changed = join(ctx.dir, 'Changed-Install.ps1');
    await copyFile(scripts[0]!, changed);
    await writeFile(changed, (await readFile(changed, 'latin1')).replace('\r\n', '\r\n# added after signing\r\n'), 'latin1');
    const v = await verifySignature(changed, { caFile });
    ctx.say(`$ lantrust sign --verify Changed-Install.ps1   (one line added after signing)`);
    ctx.say(`  ${v.ok ? '✓' : '✗'} ${v.message.replace(changed, 'Changed-Install.ps1')}`);
    if (v.intact) throw new Error('a script changed after signing still verified');
    ctx.say('  The installer is signed the same way: lantrust build-installer --config lantrust.json --out installer --pfx codesign.pfx');
  },
};
