// lantrust gen: the IT pack (PowerShell install/detect/uninstall, GPO script, browser policies, Apple profile).
import { parse, readSecretFile } from './args.js';
import { color } from './format.js';
import { UserError } from '../errors.js';

export const help = `lantrust gen: write the IT pack that gets the company root trusted on every machine.

Examples:
  lantrust gen --root ca/root.pem --out pack
  lantrust gen --root ca/root.pem --out pack --company "Acme GmbH" --permit-dns cams.acme.example --permit-cidr 192.168.0.0/16
  lantrust gen --root company-root.cer --out pack --scope CurrentUser
  lantrust gen --root ca/root.pem --out pack --sign-pfx codesign.pfx --sign-pass-file codesign.pass --timestamp http://timestamp.digicert.com
  lantrust gen --root ca/new-root.pem --out pack --replaces old-root.pem --replaces pfsense-ca.crt
  lantrust gen --root pfsense-ca.crt --out pack --permit-dns cams.acme.example --permit-cidr 192.168.10.0/24

Writes Install-/Test-/Uninstall-LanTrustRoot.ps1, New-LanTrustGpo.ps1, chrome-policy.json,
firefox-policies.json, root.cer, root.pem, <company>-root.mobileconfig and README.txt (which file
for which channel, with the exact commands).

Options:
  --root FILE          the root certificate (PEM or DER); never a private key
  --out DIR            folder for the pack (created; existing pack files are replaced)
  --company NAME       name shown in messages and the GPO name (default: the root's O= or CN=)
  --permit-dns NAME    Chrome/Edge policy constraint: only this domain and below (repeatable)
  --permit-cidr CIDR   Chrome/Edge policy constraint: only this address range (repeatable)
  --scope S            default -Scope of the scripts: LocalMachine (default) or CurrentUser
  --replaces FILE      an old root this one replaces (repeatable): Install removes it (by SHA-256)
                       from lantrust's copy and the browser policies, New-LanTrustGpo from the GPO
  --add-to-windows-store
                       a root WITHOUT name constraints given --permit: also put it in the Windows
                       Root store (default: Chrome/Edge policy only, where the constraints bind)
  --sign-pfx FILE      Authenticode-sign the .ps1 files with this code-signing .pfx
  --sign-pass-file F   file holding the .pfx password (or set LANTRUST_SIGN_PASS)
  --timestamp URL      RFC 3161 time-stamp server, so signatures stay valid after the
                       code-signing certificate expires (needs network while signing)
  --json               list the files as JSON

The root is checked first (as lantrust check-root does); a root that cannot work is refused and
nothing is written. Exit codes: 0 written, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('gen', args, {
    root: { type: 'string' },
    out: { type: 'string' },
    company: { type: 'string' },
    'permit-dns': { type: 'string', multiple: true },
    'permit-cidr': { type: 'string', multiple: true },
    scope: { type: 'string' },
    'sign-pfx': { type: 'string' },
    'sign-pass-file': { type: 'string' },
    timestamp: { type: 'string' },
    replaces: { type: 'string', multiple: true },
    'add-to-windows-store': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"; give the root with --root FILE.`);
  if (!values.root) throw new UserError('give the root certificate with --root, e.g. `lantrust gen --root ca/root.pem --out pack`.');
  if (!values.out) throw new UserError('give a folder for the pack with --out, e.g. `lantrust gen --root ca/root.pem --out pack`.');
  const scope = values.scope ?? 'LocalMachine';
  if (scope !== 'LocalMachine' && scope !== 'CurrentUser') throw new UserError(`--scope must be LocalMachine or CurrentUser, not "${scope}".`);
  if (values.company !== undefined && !values.company.trim()) throw new UserError('--company is empty; give the name employees know, e.g. --company "Acme GmbH".');
  if (values['sign-pass-file'] && !values['sign-pfx']) throw new UserError('--sign-pass-file needs --sign-pfx FILE (the code-signing certificate).');
  if (values.timestamp !== undefined && !values['sign-pfx']) throw new UserError('--timestamp needs --sign-pfx FILE (it time-stamps the signatures).');
  if (values.timestamp !== undefined && !/^https?:\/\/[^\s/]+/i.test(values.timestamp)) throw new UserError(`--timestamp must be an http(s) URL of an RFC 3161 time-stamp server, e.g. http://timestamp.digicert.com, not "${values.timestamp}".`);

  const { readOneCertificate } = await import('../cert/read.js');
  const { buildPack, writePack } = await import('../pack/generate.js');
  const cert = await readOneCertificate(values.root);
  const replaces: Buffer[] = [];
  for (const f of values.replaces ?? []) replaces.push((await readOneCertificate(f)).der);
  const pack = buildPack({
    rootDer: cert.der,
    info: cert.info,
    company: values.company,
    permitDns: values['permit-dns'] ?? [],
    permitCidr: values['permit-cidr'] ?? [],
    scope,
    label: values.root,
    replaces,
    windowsStore: values['add-to-windows-store'] === true,
  });

  let sign: ((files: string[]) => Promise<void>) | undefined;
  const pfx = values['sign-pfx'];
  if (pfx) {
    const password = values['sign-pass-file'] ? await readSecretFile(values['sign-pass-file'], 'password') : (process.env.LANTRUST_SIGN_PASS ?? '');
    sign = async (files) => {
      // Loaded only when asked for: signing needs osslsigncode (Linux/macOS) or PowerShell (Windows).
      const { signFiles } = await import('../sign/index.js');
      await signFiles(files, { pfx, password, ...(values.timestamp ? { timestamp: values.timestamp } : {}) });
    };
  }
  for (const w of pack.warnings) process.stderr.write(`${color.yellow('warning:')} ${w}\n`);
  const written = await writePack(values.out, pack.files, sign);

  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ out: values.out, company: pack.company, constraints: pack.constraints, windows: pack.storeMode === 'policy' ? 'chrome-edge-policy-only' : 'root-store', replaces: pack.replaces.map((r) => r.sha256), signed: Boolean(pfx), timestamped: Boolean(pfx && values.timestamp), warnings: pack.warnings, files: written }, null, 2)}\n`,
    );
    return 0;
  }
  process.stdout.write(`${color.green('✓')} Wrote the IT pack for ${pack.company} to ${values.out}${pfx ? ` (scripts signed${values.timestamp ? ' and time-stamped' : ''})` : ''}:\n`);
  if (pack.storeMode === 'policy') process.stdout.write(`  Windows: Chrome/Edge policy only (the root has no name constraints of its own).\n`);
  if (pack.replaces.length) process.stdout.write(`  Replaces ${pack.replaces.length} old root(s): Install and New-LanTrustGpo remove them.\n`);
  for (const f of pack.files) process.stdout.write(`  ${f.name.padEnd(36)} ${color.dim(f.purpose)}\n`);
  process.stdout.write(`\nNext: read ${values.out}/README.txt — e.g. \`.\\New-LanTrustGpo.ps1 -WhatIf\` on a domain controller, or Install-LanTrustRoot.ps1 in Intune.\n`);
  return 0;
}
