// Demo: the company root and the camera's own certificate, then the simulated camera itself.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x from '../ca/x509.js';
import { buildConstraints } from '../constraints/model.js';
import { startCamera } from '../sim/camera.js';
import type { DemoStep } from './context.js';

export const caStep: DemoStep = {
  title: 'Make the company root (name-constrained) and a certificate for the camera',
  async run(ctx) {
    await mkdir(ctx.caDir, { recursive: true });
    const root = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = Date.now();
    const subject: [string, string][] = [['O', ctx.company], ['CN', `${ctx.company} Device Root`]];
    const rootDer = x.buildCertificate({
      subject,
      notBefore: new Date(now - 3600e3),
      notAfter: new Date(now + 10 * 365 * 864e5),
      publicKey: root.publicKey,
      signingKey: root.privateKey,
      extensions: [
        x.basicConstraints(true, 0),
        x.keyUsage(['keyCertSign', 'cRLSign']),
        x.subjectKeyIdentifier(root.publicKey),
        x.nameConstraints(buildConstraints({ permitDns: ctx.permitDns, permitCidr: ctx.permitCidr })),
      ],
    });
    const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const leafDer = x.buildCertificate({
      subject: [['CN', ctx.cameraLabel]],
      issuer: subject,
      notBefore: new Date(now - 3600e3),
      notAfter: new Date(now + 397 * 864e5),
      publicKey: leaf.publicKey,
      signingKey: root.privateKey,
      extensions: [
        x.basicConstraints(false, undefined, true),
        x.keyUsage(['digitalSignature']),
        x.extKeyUsage(['serverAuth']),
        x.subjectAltName({ dns: [ctx.cameraHost], ip: ['127.0.0.1'] }),
        x.subjectKeyIdentifier(leaf.publicKey),
        x.authorityKeyIdentifier(root.publicKey),
      ],
    });
    await writeFile(ctx.rootPem, new X509Certificate(rootDer).toString());
    await writeFile(ctx.cameraKey, leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await writeFile(ctx.cameraChain, new X509Certificate(leafDer).toString());
    ctx.say(`Root:    ${ctx.rootPem}  (only ${ctx.permitDns.join(', ')} and ${ctx.permitCidr.join(', ')})`);
    ctx.say(`Camera:  ${join(ctx.dir, 'devices', `${ctx.cameraLabel}.chain.pem`)}  (${ctx.cameraHost}, 127.0.0.1)`);
  },
};

export const cameraStep: DemoStep = {
  title: 'Start a simulated Axis camera on 127.0.0.1 with that certificate',
  async run(ctx) {
    const { readFile } = await import('node:fs/promises');
    const cam = await startCamera({ key: await readFile(ctx.cameraKey), cert: await readFile(ctx.cameraChain) });
    ctx.camera = cam;
    ctx.cleanup.push(() => cam.close());
    ctx.say(`Camera is streaming MJPEG at ${cam.streamUrl}`);
  },
};
