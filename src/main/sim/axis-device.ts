// The simulated Axis camera's insides, apart from HTTP: its certificate store (keys really generated
// "on the device" and never handed out), its CA certificates, and the web server's TLS configuration
// (which certificate HTTPS presents). The REST and SOAP front ends (axis-rest.ts, axis-soap.ts) call
// these operations; the camera (camera.ts) re-keys its TLS server whenever the presented chain changes.
//
// Behaviour follows the VAPIX documentation cited in camera.ts. State lives in memory and survives a
// simulated reboot (a real camera keeps certificates and settings in flash); factoryReset() wipes it.
import { createPrivateKey, createPublicKey, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import * as x from '../ca/x509.js';
import { pemCertificates, toPem } from '../cert/read.js';
import { buildCsr } from '../ca/pkcs10.js';
import type { WebServerTls } from '../deploy/axis-webserver.js';

/** An operation failed the way the camera reports it; the front ends map `kind` to their error shapes. */
export class DeviceError extends Error {
  constructor(
    readonly kind: 'not-found' | 'invalid' | 'conflict' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

export interface KeyEntry {
  alias: string;
  key: KeyObject;
  /** DER, the certificate for `key` (self-signed until a signed one replaces it). */
  cert: Buffer;
  keystore: string;
}

export type { WebServerTls };

/** The cipher list AXIS OS 12.11 reports (a recorded GetWebServerTlsConfiguration answer). */
export const AXIS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

export const KEY_TYPES = ['EC-P256', 'EC-P384', 'EC-P521', 'RSA-2048', 'RSA-3072', 'RSA-4096'] as const;
/** The keystore a camera without a secure element has (cert v1 "keystores"). */
export const KEYSTORE = { id: 'SW0', security_level: 'SOFTWARE', key_types: [...KEY_TYPES], certifications: [] as string[] };

export const FACTORY_ALIAS = 'Axis self-signed';

function generate(type: string): Promise<KeyObject> {
  const curve = { 'EC-P256': 'prime256v1', 'EC-P384': 'secp384r1', 'EC-P521': 'secp521r1' }[type];
  const bits = { 'RSA-2048': 2048, 'RSA-3072': 3072, 'RSA-4096': 4096 }[type];
  return new Promise((resolve, reject) => {
    const done = (e: Error | null, _pub: KeyObject, priv: KeyObject) => (e ? reject(e) : resolve(priv));
    if (curve) generateKeyPair('ec', { namedCurve: curve }, done);
    else if (bits) generateKeyPair('rsa', { modulusLength: bits }, done);
    else reject(new DeviceError('invalid', `Validation error: Unsupported key type: ${type}`));
  });
}

/** RFC 4514 subject "CN=a,O=b" (with \, escapes) to attribute pairs, in the order given. */
export function parseSubject(s: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of s.split(/(?<!\\),/)) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new DeviceError('invalid', `Validation error: Invalid subject: ${s}`);
    out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim().replace(/\\(.)/g, '$1')]);
  }
  return out;
}

/** ["IP:1.2.3.4", "DNS:cam.example"] to names. */
export function parseSans(list: string[]): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const s of list) {
    if (s.startsWith('DNS:')) dns.push(s.slice(4));
    else if (s.startsWith('IP:')) ip.push(s.slice(3));
    else throw new DeviceError('invalid', `Validation error: Invalid subject alternative name: ${s}`);
  }
  return { dns, ip };
}

function selfSigned(key: KeyObject, subject: [string, string][], names: { dns: string[]; ip: string[] }, from: Date, to: Date): Buffer {
  const pub = createPublicKey(key);
  return x.buildCertificate({
    subject,
    notBefore: from,
    notAfter: to,
    publicKey: pub,
    signingKey: key,
    extensions: [x.basicConstraints(false), x.keyUsage(['digitalSignature', ...(key.asymmetricKeyType === 'rsa' ? ['keyEncipherment'] : [])]), x.extKeyUsage(['serverAuth']), ...(names.dns.length || names.ip.length ? [x.subjectAltName(names)] : []), x.subjectKeyIdentifier(pub)],
  });
}

function spki(k: KeyObject): Buffer {
  return createPublicKey(k).export({ type: 'spki', format: 'der' });
}

function oneCertificate(pem: string): Buffer {
  const ders = pemCertificates(pem);
  if (ders.length !== 1) throw new DeviceError('invalid', `Validation error: Expected exactly one PEM certificate, got ${ders.length}`);
  try {
    new X509Certificate(ders[0]!);
  } catch {
    throw new DeviceError('invalid', 'Validation error: Invalid certificate');
  }
  return ders[0]!;
}

export class AxisDevice {
  readonly certificates = new Map<string, KeyEntry>();
  readonly caCertificates = new Map<string, Buffer>();
  web: WebServerTls;
  /** Called after anything that changes what HTTPS presents. */
  onServedChange: () => void = () => {};
  /** Knob: the camera refuses every certificate it is given (PATCH, add, PKCS#12, SOAP loads). */
  rejectCertificates = false;
  /** Knob: SetWebServerTlsConfiguration answers success but changes nothing. */
  ignoreBind = false;

  private constructor(factory: KeyEntry) {
    this.certificates.set(factory.alias, factory);
    this.web = { tls: true, policy: 'HttpAndHttps', ciphers: [...AXIS_CIPHERS], certificates: [factory.alias], caCertificates: [], trustedCertificates: [] };
  }

  /** A camera as it leaves the factory: one self-signed certificate, bound to HTTPS. */
  static async factoryNew(opts: { serial?: string; ip?: string[]; factory?: { key: KeyObject; cert: Buffer[] } } = {}): Promise<AxisDevice> {
    const d = new AxisDevice(await AxisDevice.factoryEntry(opts));
    if (opts.factory && opts.factory.cert.length > 1) {
      // A given chain: its extra certificates become CA certificates sent along.
      opts.factory.cert.slice(1).forEach((c, i) => d.caCertificates.set(`factory-chain-${i}`, c));
      d.web.caCertificates = opts.factory.cert.slice(1).map((_, i) => `factory-chain-${i}`);
    }
    return d;
  }

  private static async factoryEntry(opts: { serial?: string; ip?: string[]; factory?: { key: KeyObject; cert: Buffer[] } }): Promise<KeyEntry> {
    if (opts.factory) return { alias: FACTORY_ALIAS, key: opts.factory.key, cert: opts.factory.cert[0]!, keystore: KEYSTORE.id };
    const key = await generate('EC-P256');
    const serial = opts.serial ?? 'accc8e000001';
    const now = Date.now();
    const cert = selfSigned(key, [['C', 'SE'], ['O', 'Axis Communications AB'], ['CN', `axis-${serial}`]], { dns: [`axis-${serial}`], ip: opts.ip ?? ['127.0.0.1'] }, new Date(now - 3600e3), new Date(now + 5 * 365 * 864e5));
    return { alias: FACTORY_ALIAS, key, cert, keystore: KEYSTORE.id };
  }

  /** Hard factory default: every certificate gone, a new self-signed one (a new fingerprint). */
  async factoryReset(opts: { serial?: string; ip?: string[] } = {}): Promise<void> {
    const entry = await AxisDevice.factoryEntry(opts);
    this.certificates.clear();
    this.caCertificates.clear();
    this.certificates.set(entry.alias, entry);
    this.web = { tls: true, policy: 'HttpAndHttps', ciphers: [...AXIS_CIPHERS], certificates: [entry.alias], caCertificates: [], trustedCertificates: [] };
    this.onServedChange();
  }

  /** What HTTPS presents: key and chain (leaf first, then the bound CA certificates). */
  served(): { key: KeyObject; chain: Buffer[] } {
    const entry = this.certificates.get(this.web.certificates[0] ?? '');
    if (!entry) throw new Error('no certificate is bound to HTTPS');
    return { key: entry.key, chain: [entry.cert, ...this.web.caCertificates.map((a) => this.caCertificates.get(a)).filter((c): c is Buffer => Boolean(c))] };
  }

  private entry(alias: string): KeyEntry {
    const e = this.certificates.get(alias);
    if (!e) throw new DeviceError('not-found', `Resource not found: certificates/${alias}`);
    return e;
  }

  private checkNewAlias(alias: unknown): string {
    if (typeof alias !== 'string' || alias.length < 1 || alias.length > 128) throw new DeviceError('invalid', 'Validation error: alias must be a string of 1 to 128 characters');
    if (this.certificates.has(alias) || this.caCertificates.has(alias)) throw new DeviceError('conflict', `Conflict: certificate ${alias} already exists`);
    return alias;
  }

  /** create_certificate / CreateCertificate2: a new key on the device with a self-signed certificate. */
  async createCertificate(req: { alias: string; keyType?: string; subject: [string, string][]; names?: { dns: string[]; ip: string[] }; validFrom?: Date; validTo?: Date }): Promise<KeyEntry> {
    const alias = this.checkNewAlias(req.alias);
    const key = await generate(req.keyType ?? 'EC-P256');
    this.checkNewAlias(alias); // another request may have taken it while the key was made
    const from = req.validFrom ?? new Date();
    const to = req.validTo ?? new Date(from.getTime() + 365 * 864e5);
    const entry = { alias, key, cert: selfSigned(key, req.subject, req.names ?? { dns: [], ip: [] }, from, to), keystore: KEYSTORE.id };
    this.certificates.set(alias, entry);
    return entry;
  }

  /** get_csr / GetPkcs10Request2: a request signed by the alias's key; subject/SANs default to its certificate's. */
  csr(alias: string, subject?: [string, string][], names?: { dns: string[]; ip: string[] }): Buffer {
    const e = this.entry(alias);
    const cert = new X509Certificate(e.cert);
    const fromCert = (): [string, string][] =>
      cert.subject.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]);
    const sanFromCert = () => {
      const dns: string[] = [];
      const ip: string[] = [];
      for (const s of (cert.subjectAltName ?? '').split(', ').filter(Boolean)) {
        if (s.startsWith('DNS:')) dns.push(s.slice(4));
        else if (s.startsWith('IP Address:')) ip.push(s.slice(11));
      }
      return { dns, ip };
    };
    return buildCsr({ key: e.key, subject: subject ?? fromCert(), ...(names ?? sanFromCert()) });
  }

  /** PATCH certificate / LoadCertificates: a certificate for the key the alias already holds. */
  setCertificate(alias: string, pemOrDer: string | Buffer): void {
    const e = this.entry(alias);
    const der = typeof pemOrDer === 'string' ? oneCertificate(pemOrDer) : pemOrDer;
    if (this.rejectCertificates) throw new DeviceError('invalid', 'Validation error: The certificate could not be installed');
    let certKey: Buffer;
    try {
      certKey = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
    } catch {
      throw new DeviceError('invalid', 'Validation error: Invalid certificate');
    }
    if (!certKey.equals(spki(e.key))) throw new DeviceError('invalid', 'Validation error: The certificate does not match the private key');
    e.cert = der;
    if (this.web.certificates.includes(alias)) this.onServedChange();
  }

  /** POST certificates / LoadCertificateWithPrivateKey: a certificate with a key made elsewhere. */
  addWithKey(alias: string, cert: Buffer, key: KeyObject): KeyEntry {
    this.checkNewAlias(alias);
    if (this.rejectCertificates) throw new DeviceError('invalid', 'Validation error: The certificate could not be installed');
    if (!new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }).equals(spki(key))) throw new DeviceError('invalid', 'Validation error: The certificate does not match the private key');
    const entry = { alias, key, cert, keystore: KEYSTORE.id };
    this.certificates.set(alias, entry);
    return entry;
  }

  /** install_from_pkcs12: base64 PKCS#12 (MAC checked), its key and first certificate. */
  installPkcs12(alias: string, base64: string, passphrase: string): KeyEntry {
    this.checkNewAlias(alias);
    let key: KeyObject | undefined;
    let cert: Buffer | undefined;
    try {
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(base64, 'base64').toString('binary'))), true, passphrase);
      for (const sc of p12.safeContents) {
        for (const bag of sc.safeBags) {
          // forge leaves keys and certificates it cannot model (EC) as ASN.1: re-encode them for Node.
          const der = bag.asn1 ? Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary') : undefined;
          if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
            key = bag.key ? createPrivateKey(forge.pki.privateKeyToPem(bag.key)) : createPrivateKey({ key: der!, format: 'der', type: 'pkcs8' });
          } else if (bag.type === forge.pki.oids.certBag && !cert) {
            cert = bag.cert ? Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary') : der!;
          }
        }
      }
    } catch {
      throw new DeviceError('invalid', 'Validation error: Failed to read the PKCS#12 archive (wrong passphrase or damaged data)');
    }
    if (!key || !cert) throw new DeviceError('invalid', 'Validation error: The PKCS#12 archive holds no certificate with a private key');
    return this.addWithKey(alias, cert, key);
  }

  remove(alias: string): void {
    this.entry(alias);
    if (this.web.certificates.includes(alias)) throw new DeviceError('conflict', `Conflict: certificate ${alias} is in use by the web server`);
    this.certificates.delete(alias);
  }

  addCaCertificate(alias: string, pemOrDer: string | Buffer): void {
    this.checkNewAlias(alias);
    this.caCertificates.set(alias, typeof pemOrDer === 'string' ? oneCertificate(pemOrDer) : pemOrDer);
  }

  removeCaCertificate(alias: string): void {
    if (!this.caCertificates.has(alias)) throw new DeviceError('not-found', `Resource not found: ca_certificates/${alias}`);
    if (this.web.caCertificates.includes(alias)) throw new DeviceError('conflict', `Conflict: CA certificate ${alias} is in use by the web server`);
    this.caCertificates.delete(alias);
  }

  /** SetWebServerTlsConfiguration: every id must exist; the new chain is presented from now on. */
  setWebServer(cfg: WebServerTls): void {
    if (cfg.tls && !cfg.certificates.length) throw new DeviceError('invalid', 'No certificate given for TLS');
    for (const id of cfg.certificates) if (!this.certificates.has(id)) throw new DeviceError('invalid', `Unknown certificate ${id}`);
    for (const id of cfg.caCertificates) if (!this.caCertificates.has(id)) throw new DeviceError('invalid', `Unknown CA certificate ${id}`);
    if (!['HttpAndHttps', 'Https', 'Http'].includes(cfg.policy)) throw new DeviceError('invalid', `Unknown connection policy ${cfg.policy}`);
    if (this.ignoreBind) return;
    this.web = { ...cfg, certificates: [...cfg.certificates], caCertificates: [...cfg.caCertificates], trustedCertificates: [...cfg.trustedCertificates], ciphers: [...cfg.ciphers] };
    this.onServedChange();
  }

  pem(alias: string): string {
    return toPem(this.entry(alias).cert);
  }
}
