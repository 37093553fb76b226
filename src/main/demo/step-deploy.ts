// Demo: put the company certificate on the camera (lantrust deploy). With the company root trusted,
// Chrome's verdict on the camera goes from net::ERR_CERT_AUTHORITY_INVALID (its factory certificate) to
// net::OK: the camera made its own key, lantrust signed its request, bound it to HTTPS and checked it.
import { readFile } from 'node:fs/promises';
import { readOneCertificate } from '../cert/read.js';
import { deploy } from '../deploy/index.js';
import { formatDeployLine, formatDeploySummary } from '../deploy/report.js';
import { testUrls } from '../probe/index.js';
import { formatResultLine } from '../probe/report-text.js';
import type { DemoContext, DemoStep } from './context.js';
import { testDemoCamera } from './step-test.js';

/** Deploys the demo camera (by its name, mapped to 127.0.0.1); throws unless it ends deployed and verified. */
export async function deployDemoCamera(ctx: DemoContext): Promise<void> {
  if (!ctx.camera) throw new Error('the demo camera is not running');
  const { port } = ctx.camera;
  const password = (await readFile(ctx.cameraPasswordFile, 'utf8')).split('\n')[0]!;
  ctx.say(`$ lantrust deploy --dir ${ctx.caDir} https://${ctx.cameraHost}:${port}/ --name ${ctx.cameraLabel} --ip 127.0.0.1 --user ${ctx.cameraUser} --password-file ${ctx.cameraPasswordFile} --trust-current-cert`);
  const report = await deploy({
    dir: ctx.caDir,
    rows: [{ name: ctx.cameraLabel, url: `https://${ctx.cameraHost}:${port}/`, ip: ['127.0.0.1'], dns: [ctx.cameraHost], address: '127.0.0.1', port, user: ctx.cameraUser, password }],
    passphrase: null,
    // First contact: the demo camera's factory certificate is, by construction, the one we just started.
    trustCurrentCert: true,
    timeoutMs: 10_000,
  });
  for (const r of report.results) ctx.say(formatDeployLine(r));
  ctx.say(formatDeploySummary(report.summary, false, report.journal));
  const r = report.results[0];
  if (r?.action !== 'deployed') throw new Error(`deploy did not put the certificate on the demo camera: ${r?.error ?? r?.action}`);
}

export const deployStep: DemoStep = {
  title: 'Put the company certificate on the camera: its own key, signed, switched, checked (lantrust deploy)',
  async run(ctx) {
    const root = await readOneCertificate(ctx.rootPem);
    const anchors = [{ der: root.der, source: ctx.rootPem }];
    const url = `https://${ctx.cameraHost}:${ctx.camera!.port}/`;
    ctx.say(`$ lantrust test ${url} --resolve ${ctx.cameraHost}:${ctx.camera!.port}:127.0.0.1 --root ${ctx.rootPem}`);
    const [before] = await testUrls([url], { anchors, resolve: [`${ctx.cameraHost}:${ctx.camera!.port}:127.0.0.1`], timeoutMs: 5000 });
    ctx.say(formatResultLine(before!));
    await deployDemoCamera(ctx);
    const after = await testDemoCamera(ctx, anchors, ` --root ${ctx.rootPem}`);
    ctx.say(`With the company root trusted, Chrome's verdict: ${before!.chrome.error} before deploy, ${after.chrome.error} after.`);
    if (before!.chrome.error !== 'net::ERR_CERT_AUTHORITY_INVALID' || after.chrome.error !== 'net::OK') {
      throw new Error(`expected net::ERR_CERT_AUTHORITY_INVALID then net::OK around deploy, got ${before!.chrome.error} then ${after.chrome.error}`);
    }
    ctx.results.deployed = { before: before!.chrome.error, after: after.chrome.error };
  },
};
