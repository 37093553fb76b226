// SOAP 1.2 as VAPIX web services speak it at /vapix/services: the namespaces, an envelope around a
// body, and reading an answer into its body element or its fault (Code, Subcode, Reason).
import { childOf, escapeXml as esc, findXml, parseXml, XmlError, type XmlElement } from './xml.js';

export const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  aweb: 'http://www.axis.com/vapix/ws/webserver',
  acert: 'http://www.axis.com/vapix/ws/cert',
  acertificates: 'http://www.axis.com/vapix/ws/certificates',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
} as const;

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

/** A SOAP 1.2 envelope declaring every prefix lantrust and the simulated camera use. */
export function envelope(body: string): string {
  const decl = Object.entries(NS)
    .map(([p, uri]) => ` xmlns:${p === 'env' ? 'SOAP-ENV' : p}="${uri}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope${decl}><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

export interface SoapFault {
  /** "Sender" or "Receiver" (the env:Code value without its prefix). */
  code: string;
  /** e.g. "ter:ActionNotSupported", as written. */
  subcode?: string;
  reason: string;
}

/** The first element inside the Body, or the Fault. Throws XmlError when it is not a SOAP 1.2 envelope. */
export function readSoap(text: string): { body: XmlElement } | { fault: SoapFault } {
  const doc = parseXml(text);
  if (doc.ns !== NS.env || doc.local !== 'Envelope') throw new XmlError('not a SOAP 1.2 envelope');
  const body = childOf(doc, NS.env, 'Body');
  if (!body) throw new XmlError('a SOAP envelope without a Body');
  const first = body.children[0];
  if (!first) throw new XmlError('an empty SOAP Body');
  if (first.ns === NS.env && first.local === 'Fault') {
    const value = (el: XmlElement | undefined) => childOf(el, NS.env, 'Value')?.text.trim();
    const code = childOf(first, NS.env, 'Code');
    const subcode = value(childOf(code, NS.env, 'Subcode'));
    const reason = findXml(childOf(first, NS.env, 'Reason'), NS.env, 'Text')?.text.trim() ?? '';
    return { fault: { code: (value(code) ?? '').replace(/^.*:/, ''), ...(subcode ? { subcode } : {}), reason } };
  }
  return { body: first };
}

/** A fault envelope, as the camera sends it. */
export function faultEnvelope(code: 'Sender' | 'Receiver', subcode: string, reason: string): string {
  return envelope(
    `<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:${code}</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>${esc(subcode)}</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">${esc(reason)}</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>`,
  );
}
