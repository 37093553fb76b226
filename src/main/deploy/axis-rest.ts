// AXIS OS 11.6+ (released in 11.11): the certificate management REST API, found through
// GET /config/discover (apis.cert.v1.rest_api: /config/rest/cert/v1, or .../v1beta while it was beta).
// On-device key (Axis's recommended way, the key never leaves the camera): create_certificate (EC P-256,
// SANs from the device row) -> get_csr -> the company CA signs it -> PATCH the certificate onto that
// alias. --key upload: install_from_pkcs12 with a key lantrust made. HTTPS is bound with the SOAP web
// server call (axis-webserver.ts): AXIS OS has no REST call for it.
// https://developer.axis.com/vapix/device-configuration/certificate-management
// https://developer.axis.com/vapix/device-configuration/device-configuration-apis
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { buildPkcs12 } from '../ca/index.js';
import { pemCertificates, toPem } from '../cert/read.js';
import { buildCsr } from '../ca/pkcs10.js';
import { readWebServerTls, writeWebServerTls, type WebServerTls } from './axis-webserver.js';
import { installChain, type CameraProtocol, type InstallRequest, type Installed, type Inventory } from './protocol.js';
import { VapixError, type VapixClient } from './vapix.js';

const enc = encodeURIComponent;

function malformed(path: string, what: string): VapixError {
  return new VapixError('malformed', `${path} answered ${what}`, { path });
}

/** The certificates in a GET .../certificates or .../ca_certificates answer. */
function entries(data: unknown, path: string): { alias: string; certificate?: string }[] {
  if (!Array.isArray(data) || !data.every((e) => e && typeof e === 'object' && typeof (e as { alias?: unknown }).alias === 'string')) throw malformed(path, 'a list that is not [{"alias": ...}]');
  return data as { alias: string; certificate?: string }[];
}

export class AxisRest implements CameraProtocol {
  private constructor(
    private readonly base: string,
    readonly api: string,
  ) {}

  static async detect(c: VapixClient): Promise<AxisRest | undefined> {
    const r = await c.request('GET', '/config/discover');
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new VapixError('http', `/config/discover answered HTTP ${r.status}`, { status: r.status, path: '/config/discover' });
    let doc: { apis?: { cert?: { v1?: { rest_api?: unknown; state?: unknown } } } };
    try {
      doc = JSON.parse(r.body) as typeof doc;
    } catch {
      throw malformed('/config/discover', 'something that is not JSON');
    }
    if (!doc || typeof doc !== 'object' || typeof doc.apis !== 'object') throw malformed('/config/discover', 'JSON without "apis"');
    const v1 = doc.apis?.cert?.v1;
    if (!v1) return undefined; // Device Configuration APIs, but not the certificate one yet
    const base = typeof v1.rest_api === 'string' && /^\/config\/rest\/cert\/v1(beta)?$/.test(v1.rest_api) ? v1.rest_api : '/config/rest/cert/v1';
    return new AxisRest(base, base.endsWith('beta') ? 'axis-rest-v1beta' : 'axis-rest-v1');
  }

  async inspect(c: VapixClient): Promise<Inventory> {
    const path = `${this.base}/certificates`;
    const certificates = entries(await c.rest('GET', path), path).map((e) => {
      const der = typeof e.certificate === 'string' ? pemCertificates(e.certificate)[0] : undefined;
      return { alias: e.alias, ...(der ? { der } : {}) };
    });
    const caPath = `${this.base}/ca_certificates`;
    const caCertificates = entries(await c.rest('GET', caPath), caPath).map((e) => e.alias);
    return { certificates, caCertificates, web: await readWebServerTls(c) };
  }

  async install(c: VapixClient, req: InstallRequest, inv: Inventory): Promise<Installed> {
    const { alias, device } = req;
    const caAliases = await installChain(req, inv, (alias, der) => c.rest('POST', `${this.base}/ca_certificates`, { alias, certificate: toPem(der) }));
    const sans = [...device.ip.map((i) => `IP:${i}`), ...device.dns.map((d) => `DNS:${d}`)];
    if (req.key === 'upload') {
      // The key exists only in this process and in the PKCS#12 sent once over the checked connection.
      const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const signed = await req.sign(buildCsr({ key: kp.privateKey, subject: [['CN', device.label]], dns: device.dns, ip: device.ip }));
      const leaf = Buffer.from(new X509Certificate(signed.certPem).raw);
      const passphrase = randomBytes(18).toString('base64url');
      const p12 = buildPkcs12({ key: kp.privateKey, certs: [leaf, ...req.chain], password: passphrase });
      void req.note('install-pkcs12', { alias, serial: signed.serial });
      await c.rest('POST', `${this.base}/install_from_pkcs12`, { alias, pkcs12: p12.toString('base64'), passphrase, keystore: null });
      return { alias, signed, caAliases };
    }
    const now = Math.floor(Date.now() / 1000);
    void req.note('create-key', { alias, keyType: 'EC-P256' });
    await c.rest('POST', `${this.base}/create_certificate`, { alias, key_type: 'EC-P256', keystore: null, subject: `CN=${device.label}`, subject_alt_names: sans, valid_from: now - 300, valid_to: now + 365 * 86400 });
    const csrPath = `${this.base}/certificates/${enc(alias)}/get_csr`;
    const csr = await c.rest('POST', csrPath, {});
    if (typeof csr !== 'string' || !csr.includes('CERTIFICATE REQUEST')) throw malformed(csrPath, 'no PEM certificate request');
    const signed = await req.sign(Buffer.from(csr));
    void req.note('set-certificate', { alias, serial: signed.serial, sha256: signed.sha256 });
    await c.rest('PATCH', `${this.base}/certificates/${enc(alias)}`, { certificate: signed.certPem });
    return { alias, signed, caAliases };
  }

  bind(c: VapixClient, web: WebServerTls): Promise<void> {
    return writeWebServerTls(c, web);
  }

  async remove(c: VapixClient, alias: string): Promise<void> {
    try {
      await c.rest('DELETE', `${this.base}/certificates/${enc(alias)}`);
    } catch (e) {
      if (e instanceof VapixError && e.detail.status === 404) return; // already gone
      throw e;
    }
  }
}
