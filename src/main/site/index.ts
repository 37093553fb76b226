// `lantrust site`: the static intranet page every employee opens (index.html and the files it links).
// One core function, makeSite(), serves the CLI, the demo and the app's operation table.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { checkRootForInstaller } from '../build/stage.js';
import { toPem } from '../cert/pem.js';
import { describeConstraints } from '../constraints/model.js';
import { UserError } from '../errors.js';
import { writeFilesAtomicSync } from '../fsutil.js';
import { fileSafe } from '../pack/generate.js';
import { mobileconfig } from '../pack/mobileconfig.js';
import { loadProfileAndRoot, type LoadedProfile } from '../profile.js';
import { cameraCheck, imageSources, type CameraCheck } from './cameras.js';
import { renderPage, SUMS_FILE } from './page.js';
import { serverHints } from './server-hints.js';
import type { OfferedFile, OfferedKind } from './types.js';

export { contentSecurityPolicy } from './page.js';
export type { CameraCheck } from './cameras.js';

export interface SiteOptions {
  /** The company profile (lantrust.json), or one already loaded and pin-checked. */
  config?: string;
  loaded?: LoadedProfile;
  outDir: string;
  /** Windows installers to offer (from `lantrust build-installer`). */
  installers?: string[];
  now?: Date;
}

export interface SiteFile {
  name: string;
  bytes: number;
  /** SHA-256 of the bytes written, lower-case hex. */
  sha256: string;
  purpose: string;
}

export interface SiteResult {
  dir: string;
  company: string;
  root: { subject: string; sha256: string; notBefore: string; notAfter: string; trusts: string };
  files: SiteFile[];
  cameras: CameraCheck[];
  /** Sentences for the admin: findings the profile waived, lint warnings, CSP notes. */
  warnings: string[];
}

interface Built {
  name: string;
  data: Buffer;
  purpose: string;
  kind?: OfferedKind;
}

const PAGE = 'index.html';
const SUMS = SUMS_FILE;

// Each file's digest is shown on the page, listed in SHA256SUMS.txt and reported: hash a 100 MB installer once.
const digests = new WeakMap<Buffer, string>();
function sha256(data: Buffer): string {
  let d = digests.get(data);
  if (!d) digests.set(data, (d = createHash('sha256').update(data).digest('hex')));
  return d;
}

// A Buffer needle: Node searches a string needle in a 100 MB Buffer about six times slower.
const KEY_MARK = Buffer.from('PRIVATE KEY-----');

/** A key in anything handed out would be a disaster; PEM key blocks are easy to spot, so never let one through. */
function assertNoPrivateKey(name: string, data: Buffer): void {
  if (data.includes(KEY_MARK)) {
    throw new UserError(`${name} contains a private key; nothing on the intranet page may carry one, so nothing was written. Give out only certificates and installers.`);
  }
}

async function readInstaller(path: string): Promise<Built> {
  const name = basename(path);
  if (!/\.(exe|msi)$/i.test(name)) {
    throw new UserError(`${path} is not a Windows installer (.exe or .msi); give --installer the file \`lantrust build-installer\` made.`);
  }
  // The name becomes a link and a line of SHA256SUMS.txt: no control characters, no hidden files.
  if (name.startsWith('.') || /[\u0000-\u001f\u007f\\]/.test(name)) {
    throw new UserError(`the installer's file name "${name.replace(/[\u0000-\u001f\u007f]/g, '?')}" can't be offered on a web page; rename it to letters, digits, spaces, dots and dashes.`);
  }
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`the installer ${path} does not exist; check the --installer path (\`lantrust build-installer\` makes it), nothing was written.`);
    if (code === 'EISDIR') throw new UserError(`the installer ${path} is a folder; give the .exe or .msi file itself.`);
    throw new UserError(`cannot read the installer ${path} (${code ?? 'error'}); check its permissions.`);
  }
  assertNoPrivateKey(path, data);
  return { name, data, purpose: 'Windows installer', kind: 'installer' };
}

/** Refuses an --out that is a file or a folder with something in it: the page is written whole, never mixed with older files. */
async function checkOut(out: string, given: string): Promise<boolean> {
  const st = await stat(out).catch(() => undefined);
  if (!st) return false;
  if (!st.isDirectory()) throw new UserError(`${given} is a file; give a new or empty folder with --out.`);
  if ((await readdir(out)).length) throw new UserError(`${given} is not empty; give a new or empty folder with --out (the page is written whole, never mixed with older files).`);
  return true;
}

/** Checks the profile's root and builds every file in memory; nothing is written. */
export async function buildSite(o: Omit<SiteOptions, 'outDir'>): Promise<{ files: Built[]; result: Omit<SiteResult, 'dir' | 'files'> }> {
  const loaded = o.loaded ?? (o.config ? await loadProfileAndRoot(o.config) : undefined);
  if (!loaded) throw new UserError('give the company profile with --config lantrust.json.');
  const { profile, root } = loaded;
  let lint: ReturnType<typeof checkRootForInstaller>;
  try {
    // The same rule as the installer: errors refuse, missing constraints only with allowUnconstrained + policy constraints.
    lint = checkRootForInstaller(profile, root);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message, 2);
    throw e;
  }
  const der = root.der;
  const profileName = `${fileSafe(profile.company)}-root.mobileconfig`;
  const installers: Built[] = [];
  for (const p of o.installers ?? []) {
    const f = await readInstaller(p);
    // Only .exe/.msi get here, so no installer can take the name of one of the page's own files.
    if (installers.some((i) => i.name.toLowerCase() === f.name.toLowerCase())) throw new UserError(`two installers are named ${f.name}; give each --installer a different file name.`);
    installers.push(f);
  }

  const offered: Built[] = [
    ...installers,
    { name: profileName, data: Buffer.from(mobileconfig({ rootDer: der, company: profile.company })), purpose: 'Mac, iPhone and iPad profile', kind: 'mobileconfig' },
    { name: 'root.cer', data: Buffer.from(der), purpose: 'the certificate (DER): Windows, Android, ChromeOS', kind: 'cer' },
    { name: 'root.pem', data: Buffer.from(toPem(der)), purpose: 'the certificate (PEM): Linux, Firefox', kind: 'pem' },
  ];
  const cameras = profile.cameras.map(cameraCheck);
  const img = imageSources(cameras);
  const nc = root.info.nameConstraints;
  const page = renderPage({
    company: profile.company,
    root: root.info,
    trusts: describeConstraints(nc),
    constrained: Boolean(nc && (nc.permitted.length || nc.excluded.length)),
    ...(profile.constraints ? { policy: profile.constraints } : {}),
    ...(profile.helpdesk ? { helpdesk: profile.helpdesk } : {}),
    files: offered.map((f) => ({ name: f.name, kind: f.kind!, bytes: f.data.length, sha256: sha256(f.data), purpose: f.purpose })) satisfies OfferedFile[],
    cameras,
    managed: profile.managedSystems ?? [],
    imageSources: img.sources,
    generated: o.now ?? new Date(),
  });
  const files: Built[] = [{ name: PAGE, data: Buffer.from(page), purpose: 'the page employees open' }, ...offered, ...serverHints()];
  const sums = files.map((f) => `${sha256(f.data)}  ${f.name}\n`).join('');
  files.push({ name: SUMS, data: Buffer.from(sums), purpose: 'SHA-256 of every file (sha256sum -c SHA256SUMS.txt)' });
  for (const f of files.filter((x) => x.kind !== 'installer')) assertNoPrivateKey(f.name, f.data); // installers were checked when read

  const warnings = [
    ...lint.waived.map((w) => `allowed by the profile: ${w.message}`),
    ...lint.findings.filter((f) => f.severity === 'warning').map((f) => f.message),
    ...img.warnings,
  ];
  return {
    files,
    result: {
      company: profile.company,
      root: { subject: root.info.subject, sha256: root.info.sha256, notBefore: root.info.notBefore, notAfter: root.info.notAfter, trusts: describeConstraints(nc) },
      cameras,
      warnings,
    },
  };
}

/**
 * Writes the site into `outDir` (new or empty): everything goes into a hidden temp folder next to it
 * first and is renamed into place at the end, so a failure leaves nothing half-written.
 */
export async function writeSite(outDir: string, files: Built[]): Promise<{ dir: string; files: SiteFile[] }> {
  const out = resolve(outDir);
  await checkOut(out, outDir);
  const parent = dirname(out);
  try {
    await mkdir(parent, { recursive: true });
  } catch {
    throw new UserError(`cannot create ${parent}; check the --out path and its permissions.`);
  }
  const tmp = join(parent, `.${basename(out)}.lantrust-site-${randomBytes(4).toString('hex')}`);
  try {
    // Modes are exact whatever the umask: the web server must be able to read what IT copies over.
    await mkdir(tmp);
    await chmod(tmp, 0o755);
    writeFilesAtomicSync(tmp, files.map((f) => ({ name: f.name, data: f.data, mode: 0o644 })));
    // Someone may have created or filled --out meanwhile: check again right before the swap.
    if (await checkOut(out, outDir)) await rmdir(out);
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write the page to ${outDir} (${code ?? (e as Error).message}); check the path and its permissions, nothing was written.`);
  }
  return { dir: out, files: files.map((f) => ({ name: f.name, bytes: f.data.length, sha256: sha256(f.data), purpose: f.purpose })) };
}

/** Loads and checks the profile, builds the page and its files, and writes them atomically into `outDir`. */
export async function makeSite(o: SiteOptions): Promise<SiteResult> {
  await checkOut(resolve(o.outDir), o.outDir); // fail before reading large installers
  const { files, result } = await buildSite(o);
  const written = await writeSite(o.outDir, files);
  return { ...result, dir: written.dir, files: written.files };
}
