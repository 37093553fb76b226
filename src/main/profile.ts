// The company profile (lantrust.json): who the company is, which root to trust (pinned), its cameras
// and helpdesk. The installer bakes it in; `lantrust ui --config` and build-installer read it here.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readCertificatesFromBuffer, readOneCertificate } from './cert/read.js';
import { normalizePin, type ParsedCert } from './cert/describe.js';
import { parseCidr } from './constraints/cidr.js';
import { parseDnsConstraint } from './constraints/dns.js';
import { UserError } from './errors.js';

export type Scope = 'CurrentUser' | 'LocalMachine';

export interface Camera {
  name: string;
  url: string;
  /**
   * A single picture of this camera that loads without a password (e.g. Axis
   * https://HOST/axis-cgi/jpg/image.cgi): the intranet page (`lantrust site`) shows it to check trust.
   */
  stillUrl?: string;
}

/** The systems the intranet page has a section for (`lantrust site`). */
export const SYSTEMS = ['windows', 'macos', 'ios', 'android', 'chromeos', 'linux'] as const;
export type SystemId = (typeof SYSTEMS)[number];

export interface Helpdesk {
  name?: string;
  email?: string;
  phone?: string;
  url?: string;
}

export interface Profile {
  company: string;
  /** Absolute path of the root certificate (given relative to the profile file). */
  root: string;
  /** The root's SHA-256 as written in the profile (any case, colons optional). */
  sha256: string;
  /** Extra constraints for stores that support them (Chrome policy), on top of those in the root. */
  constraints?: { permitDns: string[]; permitCidr: string[] };
  cameras: Camera[];
  helpdesk?: Helpdesk;
  /** Default install scope: just this user (no admin) or every user (admin). */
  scope?: Scope;
  /** Let a root without name constraints be installed (the admin decided so explicitly). */
  allowUnconstrained?: boolean;
  /** Old roots this one replaces (rotation), each as base64 DER: install removes them from the stores it uses. */
  replaces?: string[];
  /** Systems where IT already puts the root on company devices (GPO/Intune, MDM, Google Admin): the intranet page says so. */
  managedSystems?: SystemId[];
}

/** The profile plus its root, already read and checked against the pin. */
export interface LoadedProfile {
  profile: Profile;
  root: ParsedCert;
}

const KEYS = new Set(['company', 'root', 'sha256', 'constraints', 'cameras', 'helpdesk', 'scope', 'allowUnconstrained', 'managedSystems', 'replaces']);
const MAX_PROFILE_BYTES = 256 * 1024;

/** Reads, validates and pin-checks a profile; every problem is one sentence (UserError). */
export async function loadProfile(path: string): Promise<Profile> {
  return (await loadProfileAndRoot(path)).profile;
}

/** Like loadProfile, but also returns the parsed root (so callers don't read it twice). */
export async function loadProfileAndRoot(path: string): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`cannot read the company profile ${path}; check the path (e.g. lantrust.json).`);
  }
  if (text.length > MAX_PROFILE_BYTES) throw new UserError(`${path} is far too large for a company profile; check that this is the right file.`);
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UserError(`${path} is not valid JSON (${(e as Error).message.replace(/\.$/, '')}); fix the file and try again.`);
  }
  const profile = parseProfile(json, dirname(resolve(path)), path);
  const root = await checkPin(profile);
  return { profile, root };
}

/** Reads the root and checks it against the pin; a mismatch means the file was swapped — refuse. */
export async function checkPin(profile: Profile): Promise<ParsedCert> {
  const root = await readOneCertificate(profile.root);
  if (normalizePin(root.info.sha256) !== normalizePin(profile.sha256)) {
    throw new UserError(
      `the root ${profile.root} does not match the SHA-256 pinned in the company profile (it is ${root.info.sha256}); do not install it — ask IT for a fresh installer.`,
    );
  }
  return root;
}

/** Validates a parsed profile object; relative paths are resolved against `baseDir`. */
export function parseProfile(json: unknown, baseDir: string, label = 'the company profile'): Profile {
  const bad = (what: string): never => {
    throw new UserError(`${label}: ${what}; fix the file and try again.`);
  };
  if (!isObject(json)) return bad('it must be a JSON object like {"company": "...", "root": "root.pem", "sha256": "...", "cameras": []}');
  for (const k of Object.keys(json)) {
    if (!KEYS.has(k) && !k.startsWith('$') && !k.startsWith('_')) bad(`"${k}" is not a known setting (known: ${[...KEYS].join(', ')})`);
  }
  const company = str(json.company);
  if (!company) bad('"company" must be the company name');
  const rootRel = str(json.root);
  if (!rootRel) bad('"root" must be the path of the root certificate, relative to the profile');
  const pin = str(json.sha256);
  if (!pin || !/^[0-9a-f]{64}$/.test(normalizePin(pin))) bad('"sha256" must be the root\'s SHA-256 fingerprint (64 hex digits, colons allowed)');

  const profile: Profile = { company: company!.trim(), root: resolve(baseDir, rootRel!), sha256: pin!, cameras: [] };

  if (json.constraints !== undefined) {
    const c = json.constraints;
    if (!isObject(c)) return bad('"constraints" must be {"permitDns": [...], "permitCidr": [...]}');
    const permitDns = strList(c.permitDns, '"constraints.permitDns"', bad).map(parseDnsConstraint);
    const permitCidr = strList(c.permitCidr, '"constraints.permitCidr"', bad).map((s) => (parseCidr(s), s.trim()));
    if (!permitDns.length && !permitCidr.length) bad('"constraints" must permit at least one name or range');
    profile.constraints = { permitDns, permitCidr };
  }

  if (json.cameras !== undefined) {
    if (!Array.isArray(json.cameras)) return bad('"cameras" must be a list like [{"name": "Lobby", "url": "https://192.168.1.50/"}]');
    profile.cameras = json.cameras.map((cam, i) => {
      if (!isObject(cam) || !str(cam.name) || !str(cam.url)) return bad(`camera ${i + 1} needs a "name" and a "url"`);
      const url = String(cam.url).trim();
      if (!isWebUrl(url)) bad(`camera "${String(cam.name)}" has the URL "${url}", which is not an http(s) address`);
      const camera: Camera = { name: String(cam.name).trim(), url };
      if (cam.stillUrl !== undefined) {
        const still = typeof cam.stillUrl === 'string' ? cam.stillUrl.trim() : '';
        if (!isWebUrl(still)) bad(`camera "${camera.name}" has the stillUrl "${still}", which is not an http(s) address`);
        // Every employee's browser loads it, and browsers refuse pictures whose address carries a password.
        const u = new URL(still);
        if (u.username || u.password) bad(`camera "${camera.name}" has a user name or password in its stillUrl; give a picture address that needs none (every employee opens it)`);
        camera.stillUrl = still;
      }
      return camera;
    });
  }

  if (json.helpdesk !== undefined) {
    const h = json.helpdesk;
    if (!isObject(h)) return bad('"helpdesk" must be {"name", "email", "phone", "url"}');
    const helpdesk: Helpdesk = {};
    for (const k of ['name', 'email', 'phone', 'url'] as const) {
      if (h[k] === undefined) continue;
      const v = str(h[k]);
      if (!v) bad(`"helpdesk.${k}" must be text`);
      helpdesk[k] = v!.trim();
    }
    if (helpdesk.email && !/^[^\s@<>"]+@[^\s@<>"]+$/.test(helpdesk.email)) bad(`"helpdesk.email" ("${helpdesk.email}") is not an e-mail address`);
    if (helpdesk.url && !isWebUrl(helpdesk.url)) bad(`"helpdesk.url" ("${helpdesk.url}") is not an http(s) address`);
    if (helpdesk.phone && !/^[+0-9 ()./-]{3,40}$/.test(helpdesk.phone)) bad(`"helpdesk.phone" ("${helpdesk.phone}") is not a phone number`);
    profile.helpdesk = helpdesk;
  }

  if (json.scope !== undefined) {
    if (json.scope !== 'CurrentUser' && json.scope !== 'LocalMachine') bad('"scope" must be "CurrentUser" (just me, no admin) or "LocalMachine" (all users, needs admin)');
    profile.scope = json.scope as Scope;
  }
  if (json.allowUnconstrained !== undefined) {
    if (typeof json.allowUnconstrained !== 'boolean') bad('"allowUnconstrained" must be true or false');
    profile.allowUnconstrained = json.allowUnconstrained as boolean;
  }
  if (json.replaces !== undefined) {
    // Inline (base64 DER or PEM text), so the profile stays one file wherever the installer copies it.
    profile.replaces = strList(json.replaces, '"replaces"', bad).map((text, i) => {
      const data = /-----BEGIN/.test(text) ? Buffer.from(text) : Buffer.from(text.replace(/\s/g, ''), 'base64');
      let certs: { der: Buffer }[] = [];
      try {
        certs = readCertificatesFromBuffer(data, `"replaces" entry ${i + 1}`).certs;
      } catch {
        certs = [];
      }
      if (certs.length !== 1) return bad(`"replaces" entry ${i + 1} must be one old root certificate (base64 DER or PEM)`);
      return certs[0]!.der.toString('base64');
    });
  }
  if (json.managedSystems !== undefined) {
    const known = SYSTEMS as readonly string[];
    const list = strList(json.managedSystems, '"managedSystems"', bad);
    const unknown = list.find((x) => !known.includes(x));
    if (unknown !== undefined) bad(`"managedSystems" lists "${unknown}"; use any of ${SYSTEMS.join(', ')}`);
    profile.managedSystems = [...new Set(list)] as SystemId[];
  }
  return profile;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

function strList(v: unknown, what: string, bad: (w: string) => never): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim())) return bad(`${what} must be a list of strings`);
  return v as string[];
}

/** http(s) only: nothing else may reach the test engine or a browser link. */
export function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && Boolean(u.hostname);
  } catch {
    return false;
  }
}
