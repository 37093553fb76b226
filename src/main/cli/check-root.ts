// lantrust check-root: is this root fit to hand to every employee?
import { readOneCertificate } from '../cert/read.js';
import { lintRoot } from '../constraints/lint.js';
import { parse } from './args.js';
import { color, formatCert, formatFindings } from './format.js';

export const help = `lantrust check-root: is this root certificate fit to hand to every employee?

Examples:
  lantrust check-root ca/root.pem
  lantrust check-root company-root.cer --expect-dns cams.example.com --expect-cidr 192.168.1.0/24
  lantrust check-root root.pem --json > report.json

Options:
  --expect-dns NAME    a name your devices use; error unless the root permits it (repeatable)
  --expect-cidr CIDR   an address range your devices use; error unless permitted (repeatable)
  --json               one JSON document {"certificate": {...}, "findings": [...]}

Exit codes: 0 fit to distribute, 1 at least one error finding, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('check-root', args, {
    'expect-dns': { type: 'string', multiple: true },
    'expect-cidr': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  const { UserError } = await import('../errors.js');
  if (positionals.length !== 1) throw new UserError('give exactly one certificate file, e.g. `lantrust check-root ca/root.pem`.');
  const file = positionals[0]!;
  const cert = await readOneCertificate(file);
  const findings = lintRoot(cert.info, { expectDns: values['expect-dns'] ?? [], expectCidr: values['expect-cidr'] ?? [] });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ certificate: cert.info, findings }, null, 2)}\n`);
  } else {
    const verdict = errors
      ? color.red(`✗ ${file} is not fit to distribute: ${errors} error${errors > 1 ? 's' : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}.`)
      : color.green(`✓ ${file} is fit to distribute${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}.`);
    process.stdout.write(`${verdict}\n\n${formatCert(cert.info)}\n${formatFindings(findings)}\n`);
  }
  return errors ? 1 : 0;
}
