// Demo: the company root and the camera's own certificate (the real `ca init` / `ca issue`), then the camera.
import { join } from 'node:path';
import { initCa, issueCertificate } from '../ca/index.js';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { startAxisCamera } from '../sim/camera.js';
import type { DemoStep } from './context.js';

export const caStep: DemoStep = {
  title: 'Make the company root (name-constrained) and a certificate for the camera (lantrust ca)',
  async run(ctx) {
    const dnsArgs = ctx.permitDns.map((d) => `--permit-dns ${d}`).join(' ');
    const cidrArgs = ctx.permitCidr.map((c) => `--permit-cidr ${c}`).join(' ');
    ctx.say(`$ lantrust ca init --dir ${ctx.caDir} --name "${ctx.company}" ${dnsArgs} ${cidrArgs} --no-passphrase`);
    const ca = await initCa({ dir: ctx.caDir, name: ctx.company, permitDns: ctx.permitDns, permitCidr: ctx.permitCidr, passphrase: null });
    ctx.rootPem = ca.files.root;
    ctx.say(`Root:    ${ca.files.root}  (${ca.trusts})`);
    const out = join(ctx.dir, 'devices');
    ctx.say(`$ lantrust ca issue --dir ${ctx.caDir} --name ${ctx.cameraLabel} --dns ${ctx.cameraHost} --ip 127.0.0.1 --out ${out}`);
    const cam = await issueCertificate({ dir: ctx.caDir, label: ctx.cameraLabel, dns: [ctx.cameraHost], ip: ['127.0.0.1'], out });
    ctx.cameraKey = cam.files.key;
    ctx.cameraChain = cam.files.chain;
    ctx.say(`Camera:  ${cam.files.chain}  (${[...cam.dns, ...cam.ip].join(', ')}, until ${cam.notAfter.slice(0, 10)})`);
  },
};

export const cameraStep: DemoStep = {
  title: 'Start a simulated Axis camera on 127.0.0.1, still on its factory certificate',
  async run(ctx) {
    // A camera as it comes out of the box: a self-signed certificate and an administrator password.
    const password = randomBytes(12).toString('base64url');
    await writeFile(ctx.cameraPasswordFile, `${password}\n`, { mode: 0o600 });
    const cam = await startAxisCamera({ auth: { scheme: 'digest', user: ctx.cameraUser, password } });
    ctx.camera = cam;
    ctx.cleanup.push(() => cam.close());
    ctx.say(`Camera is streaming MJPEG at ${cam.streamUrl} (factory certificate, SHA-256 ${cam.servedSha256().slice(0, 23)}...)`);
  },
};
