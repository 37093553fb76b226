// Demo: `lantrust test` on the simulated camera before the root is trusted anywhere — Chrome's exact
// refusal, its cause and the fix. (A later step re-tests with the root installed and shows net::OK.)
import { testUrls } from '../probe/index.js';
import { formatResultDetails, formatResultLine } from '../probe/report-text.js';
import type { TestResult, TrustAnchor } from '../probe/types.js';
import type { DemoContext, DemoStep } from './context.js';

/** Tests the demo camera by its DNS name (mapped to 127.0.0.1) with the given anchors and prints it. */
export async function testDemoCamera(ctx: DemoContext, anchors: TrustAnchor[], label: string): Promise<TestResult> {
  if (!ctx.camera) throw new Error('the demo camera is not running');
  const url = `https://${ctx.cameraHost}:${ctx.camera.port}/axis-cgi/mjpg/video.cgi`;
  ctx.say(`$ lantrust test ${url} --resolve ${ctx.cameraHost}:${ctx.camera.port}:127.0.0.1${label}`);
  const [r] = await testUrls([url], { anchors, resolve: [`${ctx.cameraHost}:${ctx.camera.port}:127.0.0.1`], timeoutMs: 5000, frame: anchors.length > 0 });
  ctx.say(formatResultLine(r!));
  const details = formatResultDetails(r!, '  ');
  if (r!.chrome.error !== 'net::OK') ctx.say(details);
  return r!;
}

export const testBeforeStep: DemoStep = {
  title: 'Ask what Chrome says about the camera before the root is trusted (lantrust test)',
  async run(ctx) {
    const r = await testDemoCamera(ctx, [], '');
    ctx.results.verdictBefore = r.chrome.error;
    if (r.chrome.error !== 'net::ERR_CERT_AUTHORITY_INVALID') throw new Error(`expected net::ERR_CERT_AUTHORITY_INVALID before trusting the root, got ${r.chrome.error}`);
  },
};
