// The IT pack: every file an admin needs to push the company root through GPO, Intune/RMM, browsers and Apple devices.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { rawParts, type CertInfo } from '../cert/describe.js';
import { parseName } from '../cert/name.js';
import { toPem } from '../cert/read.js';
import { formatCidr, parseCidr } from '../constraints/cidr.js';
import { parseDnsConstraint } from '../constraints/dns.js';
import { lintRoot, type Finding } from '../constraints/lint.js';
import { UserError } from '../errors.js';
import { gpoCertificateBlob } from './gpo-blob.js';
import { mobileconfig } from './mobileconfig.js';
import { chromePolicy, firefoxPolicy, type PolicyConstraints } from './policy.js';
import { psCommentText, psQuote, readTemplate, renderCore, toScriptFile, type ReplacedRoot, type Scope, type StoreMode } from './powershell.js';
import { readmeText } from './readme.js';

export interface PackInput {
  rootDer: Buffer;
  info: CertInfo;
  /** Company name; default: the root's O, else its CN. */
  company?: string;
  permitDns?: string[];
  permitCidr?: string[];
  /** Default -Scope of the scripts. */
  scope?: Scope;
  /** How messages name the root (its file name). */
  label?: string;
  /** Old roots (DER) this one replaces: Install and the GPO script remove them. */
  replaces?: Buffer[];
  /**
   * A root without its own name constraints, given --permit: also put it in the Windows Root store
   * (default: Chrome/Edge policy only, where the constraints bind).
   */
  windowsStore?: boolean;
}

export interface PackFile {
  name: string;
  data: Buffer;
  /** One line: what it is for. */
  purpose: string;
}

export interface Pack {
  files: PackFile[];
  company: string;
  constraints: PolicyConstraints;
  /** Sentences to show the admin (also written into README.txt). */
  warnings: string[];
  /** Where the Windows scripts put the root: the Root store, or only the Chrome/Edge policy. */
  storeMode: StoreMode;
  replaces: ReplacedRoot[];
}

export const SCRIPT_NAMES = ['Install-LanTrustRoot.ps1', 'Test-LanTrustRoot.ps1', 'Uninstall-LanTrustRoot.ps1', 'New-LanTrustGpo.ps1'] as const;

/** The company as the root names it: O=, else CN=, else a neutral word. */
export function companyOf(der: Buffer): string {
  try {
    const attrs = parseName(rawParts(der).subjectDer);
    const pick = attrs.find((a) => a.type === 'O') ?? attrs.find((a) => a.type === 'CN');
    if (pick?.value.trim()) return pick.value.trim();
  } catch {
    /* unreadable subject: fall through */
  }
  return 'Company';
}

// Findings about how broad the root is: they don't make the pack unusable, the admin decides.
const BREADTH = new Set(['no-name-constraints', 'ip-names-open', 'dns-names-open', 'only-exclusions', 'empty-name-constraints']);

/**
 * Runs check-root on the root for the pack. Returns warnings to show; throws a one-sentence UserError
 * when the root can't work (not a CA, expired, no serverAuth, ...) or the --permit names fall outside it.
 */
export function checkRootForPack(info: CertInfo, c: PolicyConstraints, file = 'the root', windowsStore = false): string[] {
  const findings = lintRoot(info, { expectDns: c.permitDns, expectCidr: c.permitCidr });
  const fatal = findings.filter((f) => f.severity === 'error' && !BREADTH.has(f.id));
  if (fatal.length) {
    const more = fatal.length > 1 ? ` (and ${fatal.length - 1} more problem${fatal.length > 2 ? 's' : ''}; run \`lantrust check-root ${file}\`)` : '';
    throw new UserError(`${file} is not fit to distribute, so nothing was written: ${fatal[0]!.message.replace(/\.$/, '')}${more}. Fix: ${fatal[0]!.fix.replace(/\.$/, '')}.`);
  }
  const warnings: string[] = [];
  const policy = c.permitDns.length > 0 || c.permitCidr.length > 0;
  const breadth = findings.filter((f: Finding) => BREADTH.has(f.id));
  if (breadth.length && !policy) {
    warnings.push(
      `${breadth[0]!.message} Every machine that installs this pack trusts it that broadly. Fix: ${breadth[0]!.fix}.`,
    );
  } else if (breadth.length && policy && windowsStore) {
    warnings.push(
      `${breadth[0]!.message} --add-to-windows-store puts it in the Windows Root store too: the --permit constraints bind only Chrome and Edge (by policy), while every other Windows program, and Firefox with ImportEnterpriseRoots, trusts the root for every name. Fix for good: a root with its own name constraints (\`lantrust ca init ... --permit-dns ... --permit-cidr ...\`).`,
    );
  } else if (breadth.length && policy) {
    warnings.push(
      `${breadth[0]!.message} The Windows scripts therefore put it only in the Chrome and Edge policy (CACertificatesWithConstraints), where the --permit constraints bind, and not in the Windows Root store (every other Windows program, and Firefox, would trust it for every name); Firefox, Apple devices and other programs don't get it. Add --add-to-windows-store to put it in the Windows store anyway. Fix for good: a root with its own name constraints (\`lantrust ca init ... --permit-dns ... --permit-cidr ...\`).`,
    );
  }
  for (const f of findings.filter((x) => x.severity === 'warning')) warnings.push(`${f.message} Fix: ${f.fix}`);
  return warnings;
}

export function normalizeConstraints(dns: string[], cidr: string[]): PolicyConstraints {
  // Chrome wants bare domains ("cams.example.com" = it and below) and CIDRs with host bits zero.
  const permitDns = [...new Set(dns.map((d) => parseDnsConstraint(d).replace(/^\./, '')))];
  const permitCidr = [...new Set(cidr.map((c) => formatCidr(parseCidr(c))))];
  return { permitDns, permitCidr };
}

function fill(template: string, marks: Record<string, string>): string {
  let out = template;
  for (const [mark, value] of Object.entries(marks)) {
    if (!out.includes(mark)) throw new Error(`template is missing ${mark}`);
    // split/join, not String.replace: "$'" and "$&" in PowerShell text must stay literal.
    out = out.split(mark).join(value);
  }
  return out;
}

function header(name: string, company: string, sha256: string): string {
  return [
    `# ${name} - generated by lantrust gen for ${psCommentText(company)}`,
    `# Root SHA-256: ${sha256}`,
    '# Windows PowerShell 5.1 or later. Do not edit: the root is pinned and checked before anything is changed.',
    '',
  ].join('\n');
}

export interface ScriptInput {
  rootDer: Buffer;
  /** The root's SHA-256 as CertInfo shows it (for the header comment). */
  sha256: string;
  company: string;
  constraints: PolicyConstraints;
  /** Default -Scope of the script. */
  scope: Scope;
  storeMode?: StoreMode;
  replaces?: ReplacedRoot[];
}

/** Is this root without (sufficient) name constraints of its own? Then --permit makes a policy-only pack. */
export function rootIsUnconstrained(info: CertInfo): boolean {
  return lintRoot(info).some((f) => f.severity === 'error' && BREADTH.has(f.id));
}

/** The replaced roots as the scripts carry them: SHA-256 and SHA-1 of each DER; the new root itself is refused. */
export function replacedRoots(rootDer: Buffer, old: Buffer[]): ReplacedRoot[] {
  const own = createHash('sha256').update(rootDer).digest('hex');
  const out = new Map<string, ReplacedRoot>();
  for (const der of old) {
    const sha256 = createHash('sha256').update(der).digest('hex');
    if (sha256 === own) throw new UserError('--replaces names the new root itself; give the OLD root(s) the new one replaces.');
    out.set(sha256, { sha256, sha1: createHash('sha1').update(der).digest('hex').toUpperCase() });
  }
  return [...out.values()];
}

/**
 * One generated script of the pack, exactly as `lantrust gen` writes it (no root lint: callers decide).
 * The app's "everyone" install on Windows runs these same bytes elevated (truststore/windows-elevate.ts).
 */
export function packScript(name: (typeof SCRIPT_NAMES)[number], s: ScriptInput): Buffer {
  const marks: Record<string, string> = {
    '#__LANTRUST_CORE__': renderCore({ rootDer: s.rootDer, company: s.company, constraints: s.constraints, storeMode: s.storeMode ?? 'store', replaces: s.replaces ?? [] }),
  };
  const t = readTemplate(name);
  if (t.includes("'__LANTRUST_SCOPE__'")) marks["'__LANTRUST_SCOPE__'"] = psQuote(s.scope);
  if (t.includes('#__LANTRUST_GPO_DATA__')) {
    const blob = gpoCertificateBlob(s.rootDer, { friendlyName: `${s.company} root (lantrust)` });
    marks['#__LANTRUST_GPO_DATA__'] = `$LanTrustGpoBlobBase64 = '${blob.toString('base64')}'`;
  }
  return toScriptFile(header(name, s.company, s.sha256) + fill(t, marks));
}

/** Builds every file of the pack in memory (nothing is written). */
export function buildPack(input: PackInput): Pack {
  const constraints = normalizeConstraints(input.permitDns ?? [], input.permitCidr ?? []);
  const policy = constraints.permitDns.length > 0 || constraints.permitCidr.length > 0;
  const unconstrained = rootIsUnconstrained(input.info);
  if (input.windowsStore && !(policy && unconstrained)) {
    throw new UserError('--add-to-windows-store is only for a root without name constraints of its own given --permit-dns/--permit-cidr; without it such a pack goes to the Chrome/Edge policy only, and every other root goes to the Windows store anyway.');
  }
  const warnings = checkRootForPack(input.info, constraints, input.label, input.windowsStore);
  const storeMode: StoreMode = policy && unconstrained && !input.windowsStore ? 'policy' : 'store';
  const replaces = replacedRoots(input.rootDer, input.replaces ?? []);
  const company = (input.company ?? companyOf(input.rootDer)).trim() || 'Company';
  const scope: Scope = input.scope ?? 'LocalMachine';
  if (scope !== 'LocalMachine' && scope !== 'CurrentUser') throw new UserError(`--scope must be LocalMachine or CurrentUser, not "${String(scope)}".`);
  const der = input.rootDer;
  const script = (name: (typeof SCRIPT_NAMES)[number]): Buffer => packScript(name, { rootDer: der, sha256: input.info.sha256, company, constraints, scope, storeMode, replaces });
  const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);
  const files: PackFile[] = [
    { name: 'Install-LanTrustRoot.ps1', data: script('Install-LanTrustRoot.ps1'), purpose: 'install (GPO startup script, Intune/RMM, by hand)' },
    { name: 'Test-LanTrustRoot.ps1', data: script('Test-LanTrustRoot.ps1'), purpose: 'detection for Intune/RMM (exit 0 = installed)' },
    { name: 'Uninstall-LanTrustRoot.ps1', data: script('Uninstall-LanTrustRoot.ps1'), purpose: 'remove exactly this root and its browser policies' },
    { name: 'New-LanTrustGpo.ps1', data: script('New-LanTrustGpo.ps1'), purpose: 'create/update the GPO (domain admin, GroupPolicy module)' },
    { name: 'chrome-policy.json', data: json(chromePolicy(der, constraints)), purpose: 'Chrome/Chromium managed policy (Linux, macOS)' },
    { name: 'firefox-policies.json', data: json(firefoxPolicy(der, { installPaths: ['root.cer'] })), purpose: 'Firefox enterprise policy (policies.json)' },
    { name: 'root.cer', data: Buffer.from(der), purpose: 'the root, DER (Intune trusted certificate profile, certutil, double-click)' },
    { name: 'root.pem', data: Buffer.from(toPem(der)), purpose: 'the root, PEM (Linux, pfSense, NSS)' },
    { name: `${fileSafe(company)}-root.mobileconfig`, data: Buffer.from(mobileconfig({ rootDer: der, company })), purpose: 'Apple profile for Macs, iPhones, iPads' },
  ];
  const readme = readmeText({ company, info: input.info, constraints, scope, warnings, storeMode, replaces, files: files.map((f) => ({ name: f.name, purpose: f.purpose })) });
  files.push({ name: 'README.txt', data: Buffer.from(readme.replace(/\n/g, '\r\n')), purpose: 'which file for which channel' });
  return { files, company, constraints, warnings, storeMode, replaces };
}

/** A file-name piece from any company name: ASCII letters, digits and dashes. */
export function fileSafe(s: string): string {
  const t = s
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return t || 'company';
}

/**
 * Writes the pack into `outDir`: everything goes to a temp folder next to it first, then each file is renamed
 * into place — a failure leaves nothing half-written. `beforeMove` (e.g. signing) runs on the temp files.
 */
export async function writePack(outDir: string, files: PackFile[], beforeMove?: (tempPaths: string[]) => Promise<void>): Promise<string[]> {
  const out = resolve(outDir);
  const st = await stat(out).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UserError(`${outDir} is a file; give a folder for the pack with --out.`);
  const parent = dirname(out);
  try {
    await mkdir(parent, { recursive: true });
  } catch {
    throw new UserError(`cannot create ${parent}; check the --out path and its permissions.`);
  }
  const tmp = join(parent, `.${basename(out)}.lantrust-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp);
    for (const f of files) await writeFile(join(tmp, f.name), f.data);
    if (beforeMove) await beforeMove(files.filter((f) => f.name.endsWith('.ps1')).map((f) => join(tmp, f.name)));
    if (!st) {
      await rename(tmp, out);
    } else {
      for (const f of files) await rename(join(tmp, f.name), join(out, f.name));
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write the pack to ${outDir} (${code ?? (e as Error).message}); check the path and its permissions.`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return files.map((f) => join(out, f.name));
}
