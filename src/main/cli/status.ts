// lantrust status: is the root trusted here? Reads every store fresh.
import { rootStatus } from '../truststore/index.js';
import { UserError } from '../errors.js';
import { parse } from './args.js';
import { formatStores, parseStores, STORE_HELP, storesJson } from '../truststore/report.js';

export const help = `lantrust status: is the company root trusted on this machine? (reads every store fresh)

Examples:
  lantrust status --root ca/root.pem
  lantrust status --root root.pem --store nss
  lantrust status --root root.pem --json     {"stores":[{"store":"nss","path":"...","installed":true}, ...]}

Options:
  --root FILE          the root certificate (PEM or DER)
  ${STORE_HELP}
  --json               one JSON document; unavailable stores carry "available": false and the reason

Exit codes: 0 trusted in every available store, 1 missing from at least one, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parse('status', args, { root: { type: 'string' }, store: { type: 'string', multiple: true }, json: { type: 'boolean' } }, false);
  if (!values.root) throw new UserError('give the root certificate, e.g. `lantrust status --root ca/root.pem`.');
  const report = await rootStatus({ root: values.root, stores: parseStores(values.store, 'status') });
  if (values.json) process.stdout.write(storesJson(report));
  else process.stdout.write(`Root ${report.root.subject}\n     SHA-256 ${report.root.sha256}\n${formatStores(report)}\n`);
  const avail = report.stores.filter((s) => s.available);
  return avail.length && avail.every((s) => s.installed) ? 0 : 1;
}
