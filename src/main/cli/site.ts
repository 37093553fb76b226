// lantrust site: the intranet page every employee opens, as a folder to copy to the web server.
import { parse } from './args.js';
import { color } from './format.js';
import { UserError } from '../errors.js';

export const help = `lantrust site: write the intranet page every employee opens — the right file for their device,
what it trusts, and a live "does it work here?" check per camera — as a folder for your web server.

Examples:
  lantrust site --config lantrust.json --out intranet/trust
  lantrust site --config lantrust.json --out intranet/trust --installer "installer/Acme LanTrust Setup 0.1.0.exe"
  lantrust site --config lantrust.json --out site --json          (what was written, with SHA-256)

Options:
  --config FILE      the company profile (lantrust.json): company, root, pinned sha256, cameras, helpdesk
  --out DIR          a new or empty folder; copy it anywhere on the intranet server (sub-paths work)
  --installer FILE   a Windows installer to offer (.exe/.msi from \`lantrust build-installer\`); repeatable
  --json             what was written, as JSON

The folder holds index.html, root.cer, root.pem, COMPANY-root.mobileconfig, the installers given,
SHA256SUMS.txt and web.config (file types for IIS). The page loads nothing from other sites except
each camera's still picture (the profile's "stillUrl", or image.cgi beside an Axis stream URL).
The root must pass \`lantrust check-root\` (or the profile sets "allowUnconstrained": true with
"constraints") and match the profile's pin. Exit codes: 0 written, 2 refused (nothing written).
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('site', args, {
    config: { type: 'string' },
    out: { type: 'string' },
    installer: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  if (positionals.length) throw new UserError(`unexpected "${positionals[0]}"; use --config FILE --out DIR.`);
  if (!values.config) throw new UserError('give the company profile with --config lantrust.json.');
  if (!values.out) throw new UserError('give a new or empty output folder with --out DIR.');
  const { makeSite } = await import('../site/index.js');
  const r = await makeSite({ config: values.config, outDir: values.out, installers: values.installer ?? [] });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (values.json) {
    out(JSON.stringify(r, null, 2));
    return 0;
  }
  out(color.green(`✓ wrote the intranet page for ${r.company} to ${r.dir}`));
  for (const f of r.files) out(`  ${f.name.padEnd(34)} ${f.purpose}`);
  out(`  root: ${r.root.subject}  SHA-256 ${r.root.sha256}`);
  const checked = r.cameras.filter((c) => c.still);
  const derived = checked.filter((c) => c.stillFrom === 'axis-stream').length;
  out(`  live check: ${checked.length} of ${r.cameras.length} camera${r.cameras.length === 1 ? '' : 's'}${derived ? ` (${derived} using image.cgi beside the Axis stream URL)` : ''}`);
  for (const c of r.cameras.filter((x) => x.skipped)) out(color.yellow(`  ! ${c.name}: ${c.skipped}`));
  for (const w of r.warnings) out(color.yellow(`  ! ${w}`));
  out(`\nNext: copy ${r.dir} to your intranet web server (any sub-path) and send employees the link to its index.html.`);
  return 0;
}
