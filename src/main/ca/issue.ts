// `ca issue`: a certificate per device, checked against the root's constraints before anything is written.
import type { KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { rawParts, sha256Fingerprint } from '../cert/describe.js';
import { toPem } from '../cert/read.js';
import { ipToBytes, bytesToIp } from '../constraints/cidr.js';
import { parseDnsName } from '../constraints/dns.js';
import { checkNames, describeConstraints } from '../constraints/model.js';
import { UserError } from '../errors.js';
import { writeFilesAtomicSync } from '../fsutil.js';
import { generateKeyPairOf, privateKeyPem, type KeyType } from './keys.js';
import { buildPkcs12 } from './pkcs12.js';
import { withCaLock } from './lock.js';
import { appendIssued, assertNotCaFile, ensureDir, openCa, readCaCertificates, type CaCertificates, type IssuedRecord, type OpenCa } from './store.js';
import * as x from './x509.js';

const DAY = 86_400_000;
export const DEFAULT_DAYS = 397;

/** The names one device answers to. */
export interface DeviceNames {
  /** File name and certificate CN, e.g. "lobby-cam"; derived from the first name when absent. */
  label?: string;
  ip?: string[];
  dns?: string[];
}

export interface LeafOptions {
  /** Validity in days (default 397; capped at the issuing CA's own expiry). */
  days?: number;
  /** Device key type (default ec-p256). */
  key?: KeyType;
  now?: Date;
}

export interface IssueOptions extends DeviceNames, LeafOptions {
  /** The CA folder made by initCa. */
  dir: string;
  /** Passphrase of the CA key (null/absent when it was made with --no-passphrase). */
  passphrase?: string | null;
  /** Where the device files go (default DIR/devices). */
  out?: string;
  /** When given, also writes LABEL.p12 protected by this password. */
  p12Passphrase?: string;
}

export interface DeviceFiles {
  crt: string;
  key: string;
  chain: string;
  server: string;
  p12?: string;
}

/** What every issued certificate reports (a device from `ca issue`, or a signed CSR). */
export interface IssuedCertificate {
  label: string;
  dns: string[];
  ip: string[];
  /** Serial as upper-case hex. */
  serial: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
  certPem: string;
  /** Leaf followed by any intermediate: what the device serves. */
  chainPem: string;
}

export interface IssuedDevice extends IssuedCertificate {
  /** Device key type ("ec-p256", ...). */
  key: string;
  /** Absolute paths of the files written. */
  files: DeviceFiles;
}

/** A device checked and normalized, ready to sign. */
export interface CheckedDevice {
  label: string;
  dns: string[];
  ip: string[];
}

/** Names in one device certificate: far more than any camera needs, and keeps every certificate small enough for lantrust's own readers. */
export const MAX_DEVICE_NAMES = 100;

const LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function validateLabel(label: string): string {
  if (!LABEL_RE.test(label)) {
    throw new UserError(`"${label}" cannot be a device label; use up to 64 letters, digits, "-" and "_" (it becomes the file name and the certificate's name), e.g. lobby-cam.`);
  }
  return label;
}

/** A label from the device's first name: "lobby.cams.acme.example" -> "lobby-cams-acme-example". */
export function labelFromNames(dns: string[], ip: string[]): string {
  const first = dns[0] ?? ip[0] ?? 'device';
  return first.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'device';
}

/** Validates the names' syntax (exit 2 on a typo); does not look at constraints. */
export function normalizeDevice(d: DeviceNames): CheckedDevice {
  const ip = (d.ip ?? []).map((s) => {
    const b = ipToBytes(s.trim());
    if (!b) throw new UserError(`"${s}" is not an IP address; write it like 192.168.1.50.`);
    return bytesToIp(b);
  });
  const dns = (d.dns ?? []).map(parseDnsName);
  if (!ip.length && !dns.length) throw new UserError('give the device\'s names: at least one --ip ADDRESS or --dns NAME (browsers match only these, never the label).');
  const count = new Set([...ip, ...dns]).size;
  if (count > MAX_DEVICE_NAMES) throw new UserError(`a device certificate may carry at most ${MAX_DEVICE_NAMES} names (${count} given); split them over several devices or labels.`);
  const label = validateLabel(d.label?.trim() || labelFromNames(dns, ip));
  return { label, dns: [...new Set(dns)], ip: [...new Set(ip)] };
}

/** Refuses names outside every CA certificate's constraints (exit 1), before anything is written. */
export function checkAgainstCa(ca: Pick<CaCertificates, 'constraints'>, dev: CheckedDevice): void {
  for (const set of ca.constraints) {
    const bad = checkNames(set, { dns: dev.dns, ip: dev.ip });
    if (bad.length) {
      const names = bad.map((b) => b.name).join(', ');
      throw new UserError(
        `refusing ${names} for ${dev.label}: this CA may vouch for ${describeConstraints(set)}, so browsers would reject the certificate; nothing was written.`,
        1,
      );
    }
  }
}

export function validateDays(days: number | undefined): number {
  const d = days ?? DEFAULT_DAYS;
  if (!Number.isInteger(d) || d < 1 || d > 3650) throw new UserError(`--days must be a whole number from 1 to 3650 (got ${days}).`);
  return d;
}

export interface SignedLeaf {
  der: Buffer;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

const hashCache = new WeakMap<KeyObject, x.Hash>();

/** Signs the device profile: CA:FALSE, KU, EKU serverAuth, SAN, AKI/SKI, CN = label. */
export function signLeaf(ca: OpenCa, dev: CheckedDevice, publicKey: KeyObject, opts: LeafOptions): SignedLeaf {
  const days = validateDays(opts.days);
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3600_000); // an hour back, for camera clocks that lag
  const caEnd = new Date(ca.issuer.info.notAfter);
  const wanted = new Date(now.getTime() + days * DAY);
  const notAfter = wanted > caEnd ? caEnd : wanted;
  const issuerParts = rawParts(ca.issuer.der);
  const skiHex = ca.issuer.info.subjectKeyId;
  const serial = x.randomSerial();
  const isRsa = publicKey.asymmetricKeyType === 'rsa';
  let hash = hashCache.get(ca.issuerKey);
  if (!hash) hashCache.set(ca.issuerKey, (hash = x.defaultHash(ca.issuerKey)));
  const der = x.buildCertificate({
    hash,
    subject: [['CN', dev.label]],
    issuerDer: issuerParts.subjectDer, // byte for byte, so every verifier chains it
    serial,
    notBefore,
    notAfter,
    publicKey,
    signingKey: ca.issuerKey,
    extensions: [
      x.basicConstraints(false, undefined, true),
      x.keyUsage(isRsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']),
      x.extKeyUsage(['serverAuth']),
      x.subjectAltName({ dns: dev.dns, ip: dev.ip }),
      x.subjectKeyIdentifier(publicKey),
      x.authorityKeyIdentifier(skiHex ? Buffer.from(skiHex.replace(/:/g, ''), 'hex') : x.publicKeyOf(ca.issuerKey)),
    ],
  });
  return { der, serial: serial.toString('hex').toUpperCase(), notBefore, notAfter };
}

export function chainPemOf(ca: OpenCa, leafDer: Buffer): string {
  return [leafDer, ...ca.chain.map((c) => c.der)].map((d) => toPem(d)).join('');
}

export function recordOf(dev: CheckedDevice, leaf: SignedLeaf, key: string, source: IssuedRecord['source'], certFile?: string): IssuedRecord {
  return {
    label: dev.label,
    serial: leaf.serial,
    sha256: sha256Fingerprint(leaf.der),
    dns: dev.dns,
    ip: dev.ip,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    issuedAt: new Date().toISOString(),
    source,
    key,
    ...(certFile ? { certFile } : {}),
  };
}

/** The file names one device gets in the output folder. */
export function deviceFileNames(label: string, p12: boolean): string[] {
  return [`${label}.key`, `${label}.crt`, `${label}.chain.pem`, `${label}.server.pem`, ...(p12 ? [`${label}.p12`] : [])];
}

/** Writes every file of one device all-or-nothing; keys get mode 0600 at creation. */
function writeDeviceFiles(out: string, label: string, items: [string, string | Buffer, number][]): void {
  try {
    writeFilesAtomicSync(out, items.map(([name, data, mode]) => ({ name, data, mode })));
  } catch (e) {
    throw new UserError(`cannot write the files for ${label} in ${out} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check that folder's permissions.`);
  }
}

export interface IssueContext {
  ca: OpenCa;
  out: string;
  p12Passphrase?: string;
  source: IssuedRecord['source'];
}

/** Makes the key, signs and writes one already-checked device. */
export async function issueChecked(ctx: IssueContext, dev: CheckedDevice, opts: LeafOptions): Promise<{ device: IssuedDevice; record: IssuedRecord }> {
  const keyType = opts.key ?? 'ec-p256';
  const { privateKey: key, publicKey } = await generateKeyPairOf(keyType);
  const leaf = signLeaf(ctx.ca, dev, publicKey, opts);
  const certPem = toPem(leaf.der);
  const chainPem = chainPemOf(ctx.ca, leaf.der);
  const keyPem = privateKeyPem(key);
  const files: DeviceFiles = {
    crt: join(ctx.out, `${dev.label}.crt`),
    key: join(ctx.out, `${dev.label}.key`),
    chain: join(ctx.out, `${dev.label}.chain.pem`),
    server: join(ctx.out, `${dev.label}.server.pem`),
  };
  const items: [string, string | Buffer, number][] = [
    [`${dev.label}.key`, keyPem, 0o600],
    [`${dev.label}.crt`, certPem, 0o644],
    [`${dev.label}.chain.pem`, chainPem, 0o644],
    [`${dev.label}.server.pem`, keyPem + chainPem, 0o600],
  ];
  if (ctx.p12Passphrase !== undefined) {
    files.p12 = join(ctx.out, `${dev.label}.p12`);
    const p12 = buildPkcs12({ key, certs: [leaf.der, ...ctx.ca.chain.map((c) => c.der)], password: ctx.p12Passphrase, friendlyName: dev.label });
    items.push([`${dev.label}.p12`, p12, 0o600]);
  }
  writeDeviceFiles(ctx.out, dev.label, items);
  const record = recordOf(dev, leaf, keyType, ctx.source, files.crt);
  return {
    device: { label: dev.label, dns: dev.dns, ip: dev.ip, serial: record.serial, sha256: record.sha256, notBefore: record.notBefore, notAfter: record.notAfter, key: record.key, files, certPem, chainPem },
    record,
  };
}

export function defaultOut(dir: string, out?: string): string {
  return resolve(out ?? join(dir, 'devices'));
}

/** Checks a device's names against a CA folder without its key (exit 1 UserError when refused). */
export async function checkDevice(dir: string, names: DeviceNames): Promise<CheckedDevice> {
  const dev = normalizeDevice(names);
  checkAgainstCa(await readCaCertificates(dir), dev);
  return dev;
}

/** Issues one device certificate. Throws UserError exit 1 when a name is outside the constraints (nothing written). */
export async function issueCertificate(opts: IssueOptions): Promise<IssuedDevice> {
  const dev = normalizeDevice(opts);
  validateDays(opts.days);
  const out = defaultOut(opts.dir, opts.out);
  return withCaLock(opts.dir, async () => {
    const certs = await readCaCertificates(opts.dir);
    checkAgainstCa(certs, dev); // before the key is opened: a refusal needs no passphrase
    await assertNotCaFile(opts.dir, certs.settings, deviceFileNames(dev.label, opts.p12Passphrase !== undefined).map((f) => join(out, f)));
    const ca = await openCa(opts.dir, opts.passphrase, certs);
    await ensureDir(out, 'output');
    const { device, record } = await issueChecked({ ca, out, ...(opts.p12Passphrase !== undefined ? { p12Passphrase: opts.p12Passphrase } : {}), source: 'issue' }, dev, opts);
    await appendIssued(ca.dir, [record]);
    return device;
  });
}
