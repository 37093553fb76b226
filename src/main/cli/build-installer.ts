// lantrust build-installer: the signed employee installer, with the company profile baked in.
import { parse, readSecretFile } from './args.js';
import { color } from './format.js';
import { UserError } from '../errors.js';

export const help = `lantrust build-installer: build the employee installer (Windows) with your company profile baked in.

Examples:
  lantrust build-installer --config lantrust.json --out installer --pfx codesign.pfx --pass-file codesign.pass
  lantrust build-installer --config lantrust.json --out installer --stage-only      (just the app folder, works offline)
  lantrust build-installer --config lantrust.json --out installer --per-machine     (all users, asks for admin)
  lantrust build-installer --config lantrust.json --out installer --download        (let electron-builder fetch Electron/NSIS)

Options:
  --config FILE     the company profile (lantrust.json): company, root, pinned sha256, cameras, helpdesk
  --out DIR         where the staged app (DIR/stage) and the installers go
  --pfx FILE        code-signing certificate (.pfx/.p12) to sign the app, uninstaller and installers
  --pass-file FILE  file holding the PFX password (or set LANTRUST_SIGN_PASS)
  --timestamp URL   RFC 3161 timestamp server for the signatures
  --per-machine     install for all users under Program Files (default: per user, no admin needed)
  --target T        nsis, portable or dir (repeatable; default: nsis and portable)
  --stage-only      validate and stage only; no Electron download, no installer
  --download        allow electron-builder to download Electron's Windows zip and NSIS from github.com
  --electron-dist P Electron's Windows zip (electron-vVERSION-win32-x64.zip) or an unpacked copy
  --json            result as JSON

Before building, the root must pass \`lantrust check-root\` (or the profile sets "allowUnconstrained": true
with "constraints"), and its SHA-256 must match the profile's pin. Without network access, put Electron's
zip and electron-builder's NSIS bundles in the caches first; the error message names each file and folder.
Exit codes: 0 built, 1 root refused or build failed, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('build-installer', args, {
    config: { type: 'string' },
    out: { type: 'string' },
    pfx: { type: 'string' },
    'pass-file': { type: 'string' },
    timestamp: { type: 'string' },
    'per-machine': { type: 'boolean' },
    target: { type: 'string', multiple: true },
    'stage-only': { type: 'boolean' },
    download: { type: 'boolean' },
    'electron-dist': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length) throw new UserError(`unexpected "${positionals[0]}"; use --config FILE --out DIR.`);
  if (!values.config) throw new UserError('give the company profile with --config lantrust.json.');
  if (!values.out) throw new UserError('give the output folder with --out DIR.');
  const targets = values.target ?? undefined;
  for (const t of targets ?? []) {
    if (t !== 'nsis' && t !== 'portable' && t !== 'dir') throw new UserError(`--target must be nsis, portable or dir, not "${t}".`);
  }
  if (values['pass-file'] && !values.pfx) throw new UserError('--pass-file needs --pfx FILE (the code-signing certificate).');
  const password = values['pass-file'] ? await readSecretFile(values['pass-file'], 'password') : process.env.LANTRUST_SIGN_PASS;
  const { buildInstaller } = await import('../build/index.js');
  const r = await buildInstaller({
    config: values.config,
    outDir: values.out,
    pfx: values.pfx,
    password,
    timestamp: values.timestamp,
    perMachine: values['per-machine'],
    targets: targets as ('nsis' | 'portable' | 'dir')[] | undefined,
    stageOnly: values['stage-only'],
    download: values.download,
    electronDist: values['electron-dist'],
  });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (values.json) {
    const { profile, root, findings, waived, ...staged } = r.staged;
    out(JSON.stringify({ staged: { ...staged, company: profile.company, rootSha256: root.info.sha256, waived: waived.map((w) => w.id), warnings: findings.filter((f) => f.severity === 'warning').map((f) => f.id) }, artifacts: r.artifacts }, null, 2));
    return 0;
  }
  const s = r.staged;
  out(color.green(`✓ staged ${s.productName} (${s.appId}, ${(s.bytes / 1e6).toFixed(1)} MB) in ${s.stageDir}`));
  out(`  root: ${s.root.info.subject}  SHA-256 ${s.root.info.sha256}`);
  for (const w of s.waived) out(color.yellow(`  ! allowed by the profile: ${w.message}`));
  for (const f of s.findings.filter((x) => x.severity === 'warning')) out(color.yellow(`  ! ${f.message}`));
  if (!s.hasMain) out(color.yellow('  ! dist/main/electron.js is not built yet: the staged app has no Electron entry.'));
  for (const a of r.artifacts) out(color.green(`✓ ${a.file} (${(a.bytes / 1e6).toFixed(1)} MB${a.signed ? ', signed and verified' : ', NOT signed — pass --pfx to sign'})`));
  if (values['stage-only']) out('\nNext: build on Windows (or with Electron and NSIS in the caches): lantrust build-installer --config ' + values.config + ' --out ' + values.out);
  return 0;
}
