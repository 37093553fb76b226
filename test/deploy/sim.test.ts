// The simulated Axis camera, checked with tools that share no code with lantrust: curl speaks Digest
// and Basic to it (RFC 7616/7617), OpenSSL verifies the CSRs its keystore makes, builds the PKCS#12 it
// installs, and sees the certificate its HTTPS presents change when the web server is switched.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from '../../src/main/deploy/soap.js';
import { startAxisCamera, type SimAxisCamera } from '../../src/main/sim/camera.js';
import { tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const run = promisify(execFile);
const curlBin = findTool('curl');
const openssl = findTool('openssl');
const dir = tempDir('lantrust-sim-');

let cam: SimAxisCamera;
let basic: SimAxisCamera;
let sha256: SimAxisCamera;

/** curl against the camera (async: the camera runs in this process). */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run(curlBin, ['-sk', '-w', '\n%{http_code}', ...args], { maxBuffer: 8 << 20 });
  const i = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

beforeAll(async () => {
  cam = await startAxisCamera({ auth: { scheme: 'digest', user: 'root', password: 'pa"ss word' } });
  basic = await startAxisCamera({ auth: { scheme: 'basic', user: 'admin', password: 'secret' } });
  sha256 = await startAxisCamera({ auth: { scheme: 'digest', user: 'root', password: 'pw', algorithm: 'SHA-256' } });
});
afterAll(async () => {
  await cam?.close();
  await basic?.close();
  await sha256?.close();
});

describe('the simulated camera, seen by curl and OpenSSL', () => {
  it('asks for Digest (MD5, or SHA-256 when configured); curl --digest gets in with the right password, not with a wrong one; Basic when configured', async () => {
    const none = await curl([`${cam.url}config/discover`]);
    expect(none.status).toBe(401);
    expect((await curl(['--digest', '-u', 'root:wrong', `${cam.url}config/discover`])).status).toBe(401);
    const ok = await curl(['--digest', '-u', 'root:pa"ss word', `${cam.url}config/discover`]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).apis.cert.v1).toMatchObject({ rest_api: '/config/rest/cert/v1', state: 'released' });
    expect((await curl(['--basic', '-u', 'admin:secret', `${basic.url}config/discover`])).status).toBe(200);
    expect((await curl(['--basic', '-u', 'admin:nope', `${basic.url}config/discover`])).status).toBe(401);
    expect((await curl(['--digest', '-u', 'root:pw', `${sha256.url}config/discover`])).status).toBe(200);
    expect((await curl(['--digest', '-u', 'root:px', `${sha256.url}config/discover`])).status).toBe(401);
    // Streams are open to anonymous viewers, as intranet pages embed them.
    expect((await curl(['-o', '/dev/null', `${cam.url}axis-cgi/jpg/image.cgi`])).status).toBe(200);
  });

  it('create_certificate makes a key on the camera; get_csr is a request OpenSSL verifies, with the SANs asked for', async () => {
    const u = ['--digest', '-u', 'root:pa"ss word', '-H', 'Content-Type: application/json'];
    const made = await curl([...u, '-d', JSON.stringify({ data: { alias: 'probe one', subject: 'CN=probe', subject_alt_names: ['IP:127.0.0.1', 'DNS:probe.cams.demo.test'] } }), `${cam.url}config/rest/cert/v1/create_certificate`]);
    expect(made).toEqual({ status: 200, body: '{"status":"success"}' });
    const again = await curl([...u, '-d', JSON.stringify({ data: { alias: 'probe one', subject: 'CN=probe' } }), `${cam.url}config/rest/cert/v1/create_certificate`]);
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({ status: 'error', error: { code: 4 } });
    const csr = await curl([...u, '-d', '{"data":{}}', `${cam.url}config/rest/cert/v1/certificates/probe%20one/get_csr`]);
    const pem = JSON.parse(csr.body).data as string;
    writeFileSync(join(dir, 'probe.csr'), pem);
    const { stdout, stderr } = await run(openssl, ['req', '-in', join(dir, 'probe.csr'), '-verify', '-noout', '-text']);
    expect(stderr + stdout).toMatch(/verify OK/);
    expect(stdout).toMatch(/IP Address:127\.0\.0\.1/);
    expect(stdout).toMatch(/DNS:probe\.cams\.demo\.test/);
    expect(stdout).toMatch(/Subject: CN ?= ?probe/);
    const missing = await curl([...u, '-d', '{"data":{}}', `${cam.url}config/rest/cert/v1/certificates/nope/get_csr`]);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ status: 'error', error: { code: 1 } });
  });

  it('installs an OpenSSL-made PKCS#12, and presents it once the web server is switched to it', async () => {
    const key = join(dir, 'up.key');
    const crt = join(dir, 'up.crt');
    const p12 = join(dir, 'up.p12');
    await run(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=uploaded', '-days', '30']);
    await run(openssl, ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12, '-passout', 'pass:p12 pass']);
    const u = ['--digest', '-u', 'root:pa"ss word', '-H', 'Content-Type: application/json'];
    const body = (pass: string) => JSON.stringify({ data: { alias: 'uploaded', pkcs12: readFileSync(p12).toString('base64'), passphrase: pass } });
    expect((await curl([...u, '-d', body('wrong'), `${cam.url}config/rest/cert/v1/install_from_pkcs12`])).status).toBe(400);
    expect((await curl([...u, '-d', body('p12 pass'), `${cam.url}config/rest/cert/v1/install_from_pkcs12`])).status).toBe(200);

    const set = `<aweb:SetWebServerTlsConfiguration><aweb:Configuration><aweb:Tls>true</aweb:Tls><aweb:ConnectionPolicies><aweb:Admin>HttpAndHttps</aweb:Admin></aweb:ConnectionPolicies><aweb:Ciphers/><aweb:CertificateSet><acert:Certificates><acert:Id>uploaded</acert:Id></acert:Certificates><acert:CACertificates/><acert:TrustedCertificates/></aweb:CertificateSet></aweb:Configuration></aweb:SetWebServerTlsConfiguration>`;
    const soap = ['--digest', '-u', 'root:pa"ss word', '-H', 'Content-Type: application/soap+xml'];
    const r = await curl([...soap, '-d', envelope(set), `${cam.url}vapix/services`]);
    expect(r.status).toBe(200);
    const served = await new Promise<string>((resolve) => {
      const p = spawn(openssl, ['s_client', '-connect', `127.0.0.1:${cam.port}`], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d));
      p.on('close', () => resolve(out));
    });
    expect(served).toMatch(/subject=CN ?= ?uploaded/);
    // An element in no namespace is refused the way a SOAP stack does.
    const unqualified = await curl([...soap, '-d', envelope(set.replace(/aweb:Configuration/g, 'Configuration')), `${cam.url}vapix/services`]);
    expect(unqualified.status).toBe(400);
    expect(unqualified.body).toMatch(/ter:TagMismatch/);
  });
});
