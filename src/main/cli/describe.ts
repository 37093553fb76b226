// lantrust describe: what is inside a certificate file (any number of certificates).
import { readCertificatesFromFile } from '../cert/read.js';
import { UserError } from '../errors.js';
import { parse } from './args.js';
import { formatCert } from './format.js';

export const help = `lantrust describe: show what is inside certificate files.

Examples:
  lantrust describe ca/root.pem
  lantrust describe camera1.chain.pem --json
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('describe', args, { json: { type: 'boolean' } });
  if (!positionals.length) throw new UserError('give at least one certificate file, e.g. `lantrust describe ca/root.pem`.');
  const all = [];
  for (const file of positionals) {
    const { certs, format } = await readCertificatesFromFile(file);
    all.push({ file, format, certificates: certs.map((c) => c.info) });
  }
  if (values.json) process.stdout.write(`${JSON.stringify(all.length === 1 ? all[0] : all, null, 2)}\n`);
  else
    for (const f of all) {
      process.stdout.write(`${f.file} (${f.format}, ${f.certificates.length} certificate${f.certificates.length > 1 ? 's' : ''})\n`);
      f.certificates.forEach((c, i) => process.stdout.write(`\n [${i + 1}]\n${formatCert(c)}\n`));
    }
  return 0;
}
