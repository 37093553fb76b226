// Demo: an intranet page that embeds the camera the old way (http://, by address and by name) and
// the new way (https://), checked the way Chrome loads it (lantrust scan-page), then rewritten
// with --fix-html. Everything stays on 127.0.0.1; the page uses the camera's own certificate.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { listenLoopback } from '../listen.js';
import { join } from 'node:path';
import { rewriteDocument, writeAtomically } from '../scan/fix.js';
import { scanPage } from '../scan/index.js';
import { formatHuman } from '../scan/report.js';
import { startDualPort } from '../sim/dual-port.js';
import type { DemoStep } from './context.js';

export const scanStep: DemoStep = {
  title: 'Check an intranet page that embeds the camera, the way Chrome loads it (lantrust scan-page)',
  async run(ctx) {
    if (!ctx.camera) throw new Error('the demo camera is not running');
    const cam = ctx.camera.port;
    // The camera's http side: one port answering http and https, like a real camera's 80 and 443.
    const dual = await startDualPort(cam);
    ctx.cleanup.push(() => dual.close());
    const host = ctx.cameraHost;
    const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>Demo Company intranet: cameras</title></head><body>
<h1>Lobby</h1>
<!-- the old way: the camera's http address -->
<img src="http://127.0.0.1:${dual.port}/axis-cgi/mjpg/video.cgi" alt="lobby, old way">
<!-- by name over http: Chrome upgrades it to https -->
<img src="http://${host}:${dual.port}/axis-cgi/jpg/image.cgi" alt="lobby snapshot">
<!-- the camera's own page in a frame, over http -->
<iframe src="http://${host}:${dual.port}/" title="camera page"></iframe>
<!-- the new way -->
<img src="https://${host}:${cam}/axis-cgi/mjpg/video.cgi" alt="lobby, new way">
</body></html>
`;
    const server = createServer({ key: await readFile(ctx.cameraKey), cert: await readFile(ctx.cameraChain) }, (req, res) => {
      res.writeHead(req.url === '/cameras.html' ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.url === '/cameras.html' ? html : 'not found');
    });
    const page = await listenLoopback(server);
    ctx.cleanup.push(() => page.close());
    const url = `https://127.0.0.1:${page.port}/cameras.html`;
    const resolve = [`${host}:${dual.port}:127.0.0.1`, `${host}:${cam}:127.0.0.1`];
    const fixed = join(ctx.dir, 'cameras-fixed.html');

    ctx.say(`$ lantrust scan-page ${url} --root ${ctx.rootPem} ${resolve.map((r) => `--resolve ${r}`).join(' ')} --fix-html ${fixed}`);
    const { report, doc } = await scanPage(url, { roots: [ctx.rootPem], resolve, timeoutMs: 5000 });
    ctx.say(formatHuman(report).trimEnd());
    const { text, changed } = rewriteDocument(doc, report.results);
    await writeAtomically(fixed, text, doc.encoding);
    ctx.say(`Wrote ${fixed}: ${changed} source${changed === 1 ? '' : 's'} switched to https.`);

    // What Chrome 142+ adds when the same page is reached from a public address.
    const { report: pub } = await scanPage(url, { roots: [ctx.rootPem], resolve, timeoutMs: 5000, pageSpace: 'public' });
    const lna = pub.results.filter((r) => r.chrome.error === 'blocked:local-network-access' || /Local Network Access/.test(r.fix)).length;
    ctx.say(`Served from a public address instead, ${lna} of ${pub.results.length} sources would first need Local Network Access (policy LocalNetworkAccessAllowedForUrls).`);

    const by = (pred: (u: string) => boolean) => report.results.find((r) => pred(r.url));
    const oldWay = by((u) => u.startsWith('http://127.0.0.1'));
    const frame = by((u) => u.endsWith(`:${dual.port}/`));
    const newWay = by((u) => u.startsWith('https://'));
    if (!oldWay?.rewrite || frame?.chrome.error !== 'blocked:mixed-content' || !newWay?.loads || changed < 2) {
      throw new Error('scan-page did not give the expected verdicts on the demo page');
    }
    ctx.results.scanPage = { url, shown: report.results.filter((r) => r.loads).length, total: report.results.length, fixed };
  },
};
