// Firmware without the REST certificate API (AXIS OS 7.x-11.5): the SOAP web services at /vapix/services.
// On-device key: acertificates:CreateCertificate2 (the camera makes the key) -> GetPkcs10Request2 ->
// the company CA signs it -> ONVIF tds:LoadCertificates under the same id. --key upload: ONVIF
// tds:LoadCertificateWithPrivateKey. Listing and deleting: tds:GetCertificates / DeleteCertificates.
// HTTPS binding: the web server TLS service (axis-webserver.ts), as on newer firmware.
// https://developer.axis.com/vapix/network-video/certificate-management-api (acertificates, aweb)
// ONVIF Core Specification, device management: certificates (tds)
// Inferred, not documented: LoadCertificates fits a certificate to the key CreateCertificate2 made
// under the same id; certificate and key Data are DER (key as PKCS#8).
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { buildCsr } from '../ca/pkcs10.js';
import { readWebServerTls, writeWebServerTls, type WebServerTls } from './axis-webserver.js';
import { installChain, type CameraProtocol, type InstallRequest, type Installed, type Inventory } from './protocol.js';
import { NS } from './soap.js';
import { VapixError, type VapixClient } from './vapix.js';
import { childOf, childrenOf, escapeXml as esc } from './xml.js';

/** ISO time without milliseconds or zone, as the Axis examples write ValidNotBefore/After. */
function soapTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export class AxisSoap implements CameraProtocol {
  readonly api = 'axis-soap';

  static async detect(c: VapixClient): Promise<AxisSoap | undefined> {
    try {
      await readWebServerTls(c);
      return new AxisSoap();
    } catch (e) {
      // No web services, or no web server TLS service in them: this firmware can't be bound by API.
      if (e instanceof VapixError && (e.kind === 'fault' || (e.kind === 'http' && e.detail.status === 404))) return undefined;
      throw e;
    }
  }

  async inspect(c: VapixClient): Promise<Inventory> {
    const certs = await c.soap('<tds:GetCertificates/>');
    const certificates = childrenOf(certs, NS.tds, 'NvtCertificate').map((n) => {
      const alias = childOf(n, NS.tt, 'CertificateID')?.text.trim() ?? '';
      const data = childOf(childOf(n, NS.tt, 'Certificate'), NS.tt, 'Data')?.text.replace(/\s+/g, '');
      return { alias, ...(data ? { der: Buffer.from(data, 'base64') } : {}) };
    });
    let caCertificates: string[] = [];
    try {
      const cas = await c.soap('<tds:GetCACertificates/>');
      caCertificates = childrenOf(cas, NS.tds, 'CACertificate').map((n) => childOf(n, NS.tt, 'CertificateID')?.text.trim() ?? '');
    } catch (e) {
      if (!(e instanceof VapixError && e.kind === 'fault')) throw e;
    }
    return { certificates, caCertificates, web: await readWebServerTls(c) };
  }

  async install(c: VapixClient, req: InstallRequest, inv: Inventory): Promise<Installed> {
    const { alias, device } = req;
    const caAliases = await installChain(req, inv, (ca, der) => c.soap(`<tds:LoadCACertificates><tds:CACertificate><tt:CertificateID>${esc(ca)}</tt:CertificateID><tt:Certificate><tt:Data>${der.toString('base64')}</tt:Data></tt:Certificate></tds:CACertificate></tds:LoadCACertificates>`));
    if (req.key === 'upload') {
      const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const signed = await req.sign(buildCsr({ key: kp.privateKey, subject: [['CN', device.label]], dns: device.dns, ip: device.ip }));
      const leaf = Buffer.from(new X509Certificate(signed.certPem).raw);
      const key = kp.privateKey.export({ type: 'pkcs8', format: 'der' });
      void req.note('install-with-key', { alias, serial: signed.serial });
      await c.soap(
        `<tds:LoadCertificateWithPrivateKey><tds:CertificateWithPrivateKey><tt:CertificateID>${esc(alias)}</tt:CertificateID><tt:Certificate><tt:Data>${leaf.toString('base64')}</tt:Data></tt:Certificate><tt:PrivateKey><tt:Data>${key.toString('base64')}</tt:Data></tt:PrivateKey></tds:CertificateWithPrivateKey></tds:LoadCertificateWithPrivateKey>`,
      );
      return { alias, signed, caAliases };
    }
    const now = Date.now();
    void req.note('create-key', { alias });
    await c.soap(
      `<acertificates:CreateCertificate2><acertificates:Id>${esc(alias)}</acertificates:Id><acertificates:Subject><acert:CN>${esc(device.label)}</acert:CN></acertificates:Subject><acertificates:ValidNotBefore>${soapTime(new Date(now - 300e3))}</acertificates:ValidNotBefore><acertificates:ValidNotAfter>${soapTime(new Date(now + 365 * 864e5))}</acertificates:ValidNotAfter></acertificates:CreateCertificate2>`,
    );
    const answer = await c.soap(`<acertificates:GetPkcs10Request2><acertificates:Id>${esc(alias)}</acertificates:Id></acertificates:GetPkcs10Request2>`);
    const b64 = childOf(answer, NS.acertificates, 'Pkcs10Request')?.text.replace(/\s+/g, '');
    if (!b64) throw new VapixError('malformed', 'GetPkcs10Request2 answered without a Pkcs10Request', { path: '/vapix/services' });
    const signed = await req.sign(Buffer.from(b64, 'base64'));
    const leaf = Buffer.from(new X509Certificate(signed.certPem).raw);
    void req.note('set-certificate', { alias, serial: signed.serial, sha256: signed.sha256 });
    await c.soap(`<tds:LoadCertificates><tds:NVTCertificate><tt:CertificateID>${esc(alias)}</tt:CertificateID><tt:Certificate><tt:Data>${leaf.toString('base64')}</tt:Data></tt:Certificate></tds:NVTCertificate></tds:LoadCertificates>`);
    return { alias, signed, caAliases };
  }

  bind(c: VapixClient, web: WebServerTls): Promise<void> {
    return writeWebServerTls(c, web);
  }

  async remove(c: VapixClient, alias: string): Promise<void> {
    try {
      await c.soap(`<tds:DeleteCertificates><tds:CertificateID>${esc(alias)}</tds:CertificateID></tds:DeleteCertificates>`);
    } catch (e) {
      if (e instanceof VapixError && e.kind === 'fault' && /InvalidArgVal/.test(String(e.detail.code))) return; // no such id: already gone
      throw e;
    }
  }
}
