// Which certificate an Axis camera's HTTPS presents: the web server TLS service at /vapix/services
// (aweb:GetWebServerTlsConfiguration / SetWebServerTlsConfiguration), the same on firmware with and
// without the REST certificate API (AXIS OS 12 has no REST call for it). A write sends back everything
// that was read (ciphers, connection policy, trusted certificates) and changes only the certificates:
// Axis warns that the cipher list changes between AXIS OS versions.
// https://developer.axis.com/vapix/network-video/certificate-management-api
import { NS } from './soap.js';
import type { VapixClient } from './vapix.js';
import { VapixError } from './vapix.js';
import { childOf, childrenOf, escapeXml as esc, type XmlElement } from './xml.js';

export interface WebServerTls {
  tls: boolean;
  /** ConnectionPolicies/Admin: "HttpAndHttps", "Https" or "Http". */
  policy: string;
  ciphers: string[];
  /** Ids (aliases) of the server certificate: the first is presented. */
  certificates: string[];
  /** Ids of CA certificates sent after it (the chain). */
  caCertificates: string[];
  trustedCertificates: string[];
}

function need(el: XmlElement | undefined, local: string): XmlElement {
  const c = childOf(el, NS.aweb, local);
  if (!c) throw new VapixError('malformed', `GetWebServerTlsConfiguration answered without ${local}`, { path: '/vapix/services' });
  return c;
}

function ids(set: XmlElement, local: string): string[] {
  const list = childOf(set, NS.acert, local);
  return list ? childrenOf(list, NS.acert, 'Id').map((e) => e.text.trim()) : [];
}

export async function readWebServerTls(c: VapixClient): Promise<WebServerTls> {
  const body = await c.soap('<aweb:GetWebServerTlsConfiguration/>');
  const cfg = need(body, 'Configuration');
  const set = need(cfg, 'CertificateSet');
  return {
    tls: need(cfg, 'Tls').text.trim() === 'true',
    policy: need(need(cfg, 'ConnectionPolicies'), 'Admin').text.trim(),
    ciphers: childrenOf(need(cfg, 'Ciphers'), NS.acert, 'Cipher').map((e) => e.text.trim()),
    certificates: ids(set, 'Certificates'),
    caCertificates: ids(set, 'CACertificates'),
    trustedCertificates: ids(set, 'TrustedCertificates'),
  };
}

export function setWebServerTlsBody(w: WebServerTls): string {
  const list = (tag: string, v: string[]) => `<acert:${tag}>${v.map((i) => `<acert:Id>${esc(i)}</acert:Id>`).join('')}</acert:${tag}>`;
  return (
    `<aweb:SetWebServerTlsConfiguration><aweb:Configuration><aweb:Tls>${w.tls}</aweb:Tls>` +
    `<aweb:ConnectionPolicies><aweb:Admin>${esc(w.policy)}</aweb:Admin></aweb:ConnectionPolicies>` +
    `<aweb:Ciphers>${w.ciphers.map((x) => `<acert:Cipher>${esc(x)}</acert:Cipher>`).join('')}</aweb:Ciphers>` +
    `<aweb:CertificateSet>${list('Certificates', w.certificates)}${list('CACertificates', w.caCertificates)}${list('TrustedCertificates', w.trustedCertificates)}</aweb:CertificateSet>` +
    `</aweb:Configuration></aweb:SetWebServerTlsConfiguration>`
  );
}

export async function writeWebServerTls(c: VapixClient, w: WebServerTls): Promise<void> {
  await c.soap(setWebServerTlsBody(w));
}
