// First contact: may lantrust send this camera a password and a certificate? Decided from the chain the
// camera presents, before any HTTP request:
//   - a certificate that chains (by signature) to the company root and names the camera: yes;
//   - one that claims the company CA as issuer but doesn't verify: never (no trust on first use for it);
//   - --expect-fingerprint LABEL=SHA256 that matches: yes (and it is pinned);
//   - a fingerprint pinned by an earlier run (DIR/deploy-pins.json) that matches: yes;
//   - a pinned camera that now presents another certificate: refused as a possible interception;
//   - an unpinned camera (factory or self-signed certificate): only with --trust-current-cert, which pins it.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaCertificates } from '../ca/index.js';
import { withCaLock } from '../ca/index.js';
import { normalizePin, type ParsedCert } from '../cert/describe.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import { matchHost } from '../verify/hostname.js';

export const PINS_FILE = 'deploy-pins.json';

export interface Pin {
  /** SHA-256 of the certificate, colon hex as browsers show it. */
  sha256: string;
  host: string;
  port: number;
  since: string;
  how: 'trust-current-cert' | 'expect-fingerprint';
}

interface PinsDoc {
  version: 1;
  pins: Record<string, Pin>;
}

export async function readPins(dir: string): Promise<Record<string, Pin>> {
  let text: string;
  try {
    text = await readFile(join(dir, PINS_FILE), 'utf8');
  } catch {
    return {};
  }
  try {
    const doc = JSON.parse(text) as PinsDoc;
    if (doc.version !== 1 || typeof doc.pins !== 'object' || !doc.pins) throw new Error('shape');
    return doc.pins;
  } catch {
    throw new UserError(`${join(dir, PINS_FILE)} is damaged (not the JSON lantrust deploy writes); restore it from your backup of the CA folder, or delete it to decide each camera's first contact again.`);
  }
}

let pinWrites: Promise<void> = Promise.resolve();
let pending: { dir: string; add: Record<string, Pin>; written: Promise<void> } | undefined;

/**
 * Records pins as soon as they are decided (a run cut short keeps them): re-read and merged under the
 * CA lock, one write at a time within this process (pins decided meanwhile go in the next write), so
 * parallel cameras and parallel runs keep each other's.
 */
export function savePins(dir: string, add: Record<string, Pin>): Promise<void> {
  if (!Object.keys(add).length) return pinWrites;
  if (pending && pending.dir === dir) {
    Object.assign(pending.add, add);
    return pending.written;
  }
  const batch = { dir, add: { ...add } } as NonNullable<typeof pending>;
  pending = batch;
  batch.written = pinWrites = pinWrites.then(() => {
    if (pending === batch) pending = undefined;
    return withCaLock(dir, async () => {
      const pins = { ...(await readPins(dir)), ...batch.add };
      await writeFileAtomic(join(dir, PINS_FILE), `${JSON.stringify({ version: 1, pins } satisfies PinsDoc, null, 2)}\n`);
    });
  });
  return batch.written;
}

/** "AB:CD:..." from a fingerprint written any common way; undefined when it isn't 64 hex digits. */
export function normalizeFingerprint(s: string): string | undefined {
  const hex = normalizePin(s.replace(/^sha-?256[:=]?/i, '')).toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex.replace(/(..)(?!$)/g, '$1:') : undefined;
}

/** Does the presented leaf chain, by signature, to the company root? (Dates are not looked at: an expired company certificate still identifies the camera.) */
export function chainsToCompany(leafDer: Buffer, ca: Pick<CaCertificates, 'root' | 'chain'>): boolean {
  let cur: X509Certificate;
  try {
    cur = new X509Certificate(leafDer);
  } catch {
    return false;
  }
  const issuers = [...ca.chain.map((c) => c.x509), ca.root.x509];
  for (let depth = 0; depth < 4; depth++) {
    const up = issuers.find((i) => cur.checkIssued(i) && cur.verify(i.publicKey));
    if (!up) return false;
    if (up.fingerprint256 === ca.root.x509.fingerprint256) return true;
    cur = up;
  }
  return false;
}

/** Whether the leaf claims to come from the company CA (its issuer is one of the CA's subjects). */
function claimsCompany(leaf: ParsedCert, ca: Pick<CaCertificates, 'root' | 'chain'>): boolean {
  return [ca.root, ...ca.chain].some((c) => c.info.subject === leaf.info.issuer);
}

export type TrustDecision = { ok: true; how: 'company' | 'pinned' | 'expected' | 'trust-current-cert'; pin?: Pin } | { ok: false; reason: string };

export interface TrustInput {
  label: string;
  /** What the camera presented, leaf first. */
  served: ParsedCert[];
  host: string;
  port: number;
  names: { dns: string[]; ip: string[] };
  ca: Pick<CaCertificates, 'root' | 'chain' | 'dir'>;
  pin?: Pin;
  /** From --expect-fingerprint LABEL=SHA256 (normalised). */
  expect?: string;
  trustCurrent: boolean;
  now: Date;
}

export function decideTrust(t: TrustInput): TrustDecision {
  const leaf = t.served[0];
  if (!leaf) return { ok: false, reason: `${t.label} presented no certificate; nothing was sent to it` };
  const fp = leaf.info.sha256;
  const pinned = (how: Pin['how']): Pin => ({ sha256: fp, host: t.host, port: t.port, since: t.now.toISOString(), how });
  if (t.expect) {
    if (t.expect === fp) return { ok: true, how: 'expected', pin: pinned('expect-fingerprint') };
    return { ok: false, reason: `${t.label} presents a certificate with SHA-256 ${fp}, not the ${t.expect} given with --expect-fingerprint; nothing was sent to it (check the fingerprint on the camera's own page)` };
  }
  if (chainsToCompany(leaf.der, t.ca)) {
    const names = [...t.names.ip, ...t.names.dns, t.host];
    if (names.some((n) => matchHost(n, leaf.info.subjectAltName).ok)) return { ok: true, how: 'company' };
    const san = leaf.info.subjectAltName;
    return {
      ok: false,
      reason: `${t.label} presents a company certificate for other names (${san ? [...san.dns, ...san.ip].join(', ') : 'none'}), so it may be another camera answering at ${t.host}; nothing was sent to it (if it really is ${t.label}, run again with --expect-fingerprint ${t.label}=${fp})`,
    };
  }
  if (claimsCompany(leaf, t.ca)) {
    return { ok: false, reason: `${t.label} presents a certificate that names the company CA as issuer but is not signed by it (SHA-256 ${fp}): possible interception; nothing was sent to it` };
  }
  if (t.pin) {
    if (t.pin.sha256 === fp) return { ok: true, how: 'pinned' };
    return {
      ok: false,
      reason: `${t.label} now presents SHA-256 ${fp}, not the ${t.pin.sha256} pinned on ${t.pin.since.slice(0, 10)}, which could be someone intercepting the connection, so nothing was sent; if the camera was reset or its certificate changed on purpose, compare with the fingerprint on its own page and run again with --expect-fingerprint ${t.label}=${fp}`,
    };
  }
  if (t.trustCurrent) return { ok: true, how: 'trust-current-cert', pin: pinned('trust-current-cert') };
  return {
    ok: false,
    reason: `${t.label} presents a certificate lantrust can't check yet (${leaf.info.selfIssued ? 'self-signed' : `issued by ${leaf.info.issuer}`}, SHA-256 ${fp}), so nothing was sent; if that is the fingerprint on the camera's own page (Settings > System > Security), run again with --trust-current-cert (pins it in ${join(t.ca.dir, PINS_FILE)}) or --expect-fingerprint ${t.label}=${fp}`,
  };
}

