// The simulated camera's VAPIX web services at POST /vapix/services (SOAP 1.2): the web server TLS
// service (aweb), Axis certificate service (acertificates) and the ONVIF device service's certificate
// calls (tds). Namespaces are checked the way a real SOAP stack does (an unqualified element is a
// ter:TagMismatch). Sources and what is inferred: see the header of camera.ts.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { NS, envelope, faultEnvelope, readSoap } from '../deploy/soap.js';
import { childOf, childrenOf, escapeXml as esc, XmlError, type XmlElement } from '../deploy/xml.js';
import { DeviceError, type AxisDevice, type WebServerTls } from './axis-device.js';
import { routeOf, type Firmware, type Route, type SimReply } from './axis-rest.js';

const TYPE = { 'Content-Type': 'application/soap+xml; charset=utf-8' };

const reply = (body: string): SimReply => ({ status: 200, headers: TYPE, body: envelope(body) });
/** SOAP 1.2 over HTTP: a Sender fault is a 400, a Receiver fault a 500. */
export const soapFault = (code: 'Sender' | 'Receiver', subcode: string, reason: string): SimReply => ({ status: code === 'Sender' ? 400 : 500, headers: TYPE, body: faultEnvelope(code, subcode, reason) });

class Mismatch extends Error {}

function need(el: XmlElement | undefined, ns: string, local: string): XmlElement {
  const c = childOf(el, ns, local);
  if (!c) throw new Mismatch(`expected ${local}`);
  return c;
}

function ids(set: XmlElement, local: string): string[] {
  const list = childOf(set, NS.acert, local);
  return list ? childrenOf(list, NS.acert, 'Id').map((e) => e.text.trim()) : [];
}

function webServerXml(w: WebServerTls): string {
  const list = (tag: string, v: string[]) => `<acert:${tag}>${v.map((i) => `<acert:Id>${esc(i)}</acert:Id>`).join('')}</acert:${tag}>`;
  return `<aweb:Configuration name="WebServer"><aweb:Tls>${w.tls}</aweb:Tls><aweb:ConnectionPolicies><aweb:Admin>${esc(w.policy)}</aweb:Admin></aweb:ConnectionPolicies><aweb:Ciphers>${w.ciphers.map((c) => `<acert:Cipher>${esc(c)}</acert:Cipher>`).join('')}</aweb:Ciphers><aweb:CertificateSet>${list('Certificates', w.certificates)}${list('CACertificates', w.caCertificates)}${list('TrustedCertificates', w.trustedCertificates)}</aweb:CertificateSet></aweb:Configuration>`;
}

function readWebServer(el: XmlElement): WebServerTls {
  const cfg = need(el, NS.aweb, 'Configuration');
  const set = need(cfg, NS.aweb, 'CertificateSet');
  return {
    tls: need(cfg, NS.aweb, 'Tls').text.trim() === 'true',
    policy: need(need(cfg, NS.aweb, 'ConnectionPolicies'), NS.aweb, 'Admin').text.trim(),
    ciphers: childrenOf(need(cfg, NS.aweb, 'Ciphers'), NS.acert, 'Cipher').map((c) => c.text.trim()),
    certificates: ids(set, 'Certificates'),
    caCertificates: ids(set, 'CACertificates'),
    trustedCertificates: ids(set, 'TrustedCertificates'),
  };
}

function data(el: XmlElement | undefined, what: string): Buffer {
  const d = childOf(el, NS.tt, 'Data')?.text.replace(/\s+/g, '');
  if (!d) throw new DeviceError('invalid', `${what} has no Data`);
  return Buffer.from(d, 'base64');
}

/** A private key in DER as ONVIF clients send it: PKCS#8, or PKCS#1 RSA / SEC1 EC. */
function keyFromDer(der: Buffer): KeyObject {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      /* try the next form */
    }
  }
  throw new DeviceError('invalid', 'The private key cannot be read');
}

function deviceFault(e: unknown): SimReply {
  if (e instanceof Mismatch) return soapFault('Sender', 'ter:TagMismatch', e.message);
  if (e instanceof XmlError) return soapFault('Sender', 'ter:WellFormed', 'The request is not well-formed XML');
  if (!(e instanceof DeviceError)) throw e;
  if (e.kind === 'conflict') return soapFault('Sender', 'acertificates:CertificateIdInUseFault', e.message);
  if (e.kind === 'not-found') return soapFault('Sender', 'ter:InvalidArgVal', e.message);
  return soapFault('Sender', 'ter:InvalidArgVal', e.message);
}

/** The route for a POST /vapix/services body. */
export function soapRoute(device: AxisDevice, fw: Firmware, body: string): Route {
  let call: XmlElement;
  try {
    const r = readSoap(body);
    if ('fault' in r) throw new XmlError('a fault is not a request');
    call = r.body;
  } catch (e) {
    return { op: 'soap-bad', run: async () => deviceFault(e instanceof XmlError ? e : new XmlError('bad')) };
  }
  const wrap = (op: string, fn: () => Promise<SimReply> | SimReply): Route => routeOf(op, fn, deviceFault);
  const unsupported = wrap('soap-unsupported', () => soapFault('Receiver', 'ter:ActionNotSupported', 'Optional action not implemented'));
  if (fw === 'firmware-6') return unsupported;
  const is = (ns: string, local: string) => call.ns === ns && call.local === local;

  if (is(NS.aweb, 'GetWebServerTlsConfiguration')) return wrap('get-webserver', () => reply(`<aweb:GetWebServerTlsConfigurationResponse>${webServerXml(device.web)}</aweb:GetWebServerTlsConfigurationResponse>`));
  if (is(NS.aweb, 'SetWebServerTlsConfiguration')) {
    return wrap('set-webserver', () => {
      device.setWebServer(readWebServer(call));
      return reply('<aweb:SetWebServerTlsConfigurationResponse/>');
    });
  }
  if (is(NS.acertificates, 'CreateCertificate2')) {
    return wrap('soap-create', async () => {
      const id = need(call, NS.acertificates, 'Id').text.trim();
      const subject = need(call, NS.acertificates, 'Subject');
      const attrs: [string, string][] = subject.children.filter((c) => c.ns === NS.acert && c.text.trim()).map((c) => [c.local, c.text.trim()]);
      const date = (local: string) => {
        const t = childOf(call, NS.acertificates, local)?.text.trim();
        return t ? new Date(/Z|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`) : undefined;
      };
      const from = date('ValidNotBefore');
      const to = date('ValidNotAfter');
      // Firmware of this age makes RSA 2048 keys for self-signed certificates.
      const e = await device.createCertificate({ alias: id, keyType: 'RSA-2048', subject: attrs, ...(from ? { validFrom: from } : {}), ...(to ? { validTo: to } : {}) });
      return reply(`<acertificates:CreateCertificate2Response><acertificates:Id>${esc(id)}</acertificates:Id><acertificates:Certificate>${e.cert.toString('base64')}</acertificates:Certificate></acertificates:CreateCertificate2Response>`);
    });
  }
  if (is(NS.acertificates, 'GetPkcs10Request2')) {
    return wrap('soap-csr', () => {
      const id = need(call, NS.acertificates, 'Id').text.trim();
      const subject = childOf(call, NS.acertificates, 'Subject');
      const attrs: [string, string][] | undefined = subject ? subject.children.filter((c) => c.ns === NS.acert && c.text.trim()).map((c) => [c.local, c.text.trim()]) : undefined;
      const der = device.csr(id, attrs?.length ? attrs : undefined);
      return reply(`<acertificates:GetPkcs10Request2Response><acertificates:Pkcs10Request>${der.toString('base64')}</acertificates:Pkcs10Request></acertificates:GetPkcs10Request2Response>`);
    });
  }
  if (is(NS.tds, 'LoadCertificates')) {
    return wrap('load-cert', () => {
      for (const c of childrenOf(call, NS.tds, 'NVTCertificate')) device.setCertificate(need(c, NS.tt, 'CertificateID').text.trim(), data(childOf(c, NS.tt, 'Certificate'), 'Certificate'));
      return reply('<tds:LoadCertificatesResponse/>');
    });
  }
  if (is(NS.tds, 'LoadCertificateWithPrivateKey')) {
    return wrap('load-cert-key', () => {
      for (const c of childrenOf(call, NS.tds, 'CertificateWithPrivateKey')) {
        device.addWithKey(need(c, NS.tt, 'CertificateID').text.trim(), data(childOf(c, NS.tt, 'Certificate'), 'Certificate'), keyFromDer(data(childOf(c, NS.tt, 'PrivateKey'), 'PrivateKey')));
      }
      return reply('<tds:LoadCertificateWithPrivateKeyResponse/>');
    });
  }
  if (is(NS.tds, 'LoadCACertificates')) {
    return wrap('load-ca', () => {
      for (const c of childrenOf(call, NS.tds, 'CACertificate')) device.addCaCertificate(need(c, NS.tt, 'CertificateID').text.trim(), data(childOf(c, NS.tt, 'Certificate'), 'Certificate'));
      return reply('<tds:LoadCACertificatesResponse/>');
    });
  }
  if (is(NS.tds, 'GetCertificates')) {
    return wrap('get-certs', () => {
      const items = [...device.certificates.values()].map((e) => `<tds:NvtCertificate><tt:CertificateID>${esc(e.alias)}</tt:CertificateID><tt:Certificate><tt:Data>${e.cert.toString('base64')}</tt:Data></tt:Certificate></tds:NvtCertificate>`);
      return reply(`<tds:GetCertificatesResponse>${items.join('')}</tds:GetCertificatesResponse>`);
    });
  }
  if (is(NS.tds, 'GetCACertificates')) {
    return wrap('get-ca-certs', () => {
      const items = [...device.caCertificates.entries()].map(([id, der]) => `<tds:CACertificate><tt:CertificateID>${esc(id)}</tt:CertificateID><tt:Certificate><tt:Data>${der.toString('base64')}</tt:Data></tt:Certificate></tds:CACertificate>`);
      return reply(`<tds:GetCACertificatesResponse>${items.join('')}</tds:GetCACertificatesResponse>`);
    });
  }
  if (is(NS.tds, 'DeleteCertificates')) {
    return wrap('delete-certs', () => {
      for (const c of childrenOf(call, NS.tds, 'CertificateID')) {
        const id = c.text.trim();
        if (device.certificates.has(id)) device.remove(id);
        else device.removeCaCertificate(id);
      }
      return reply('<tds:DeleteCertificatesResponse/>');
    });
  }
  return unsupported;
}
