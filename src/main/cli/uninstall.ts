// lantrust uninstall: remove exactly that root (matched by SHA-256) from the stores, nothing else.
import { uninstallRoot } from '../truststore/index.js';
import { UserError } from '../errors.js';
import { parse } from './args.js';
import { color } from './format.js';
import { formatStores, parseStores, STORE_HELP, storesJson } from '../truststore/report.js';

export const help = `lantrust uninstall: remove exactly this root from the stores (matched by SHA-256; nothing else is touched).

Examples:
  lantrust uninstall --root ca/root.pem
  lantrust uninstall --root root.pem --store nss --store firefox
  sudo lantrust uninstall --root root.pem --store system --store chrome-policy

Options:
  --root FILE          the root certificate (PEM or DER)
  ${STORE_HELP}
  --json               print {"root": ..., "stores": [...]} instead of lines

Exit codes: 0 gone from every store, 1 still somewhere (the lines say why), 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parse('uninstall', args, { root: { type: 'string' }, store: { type: 'string', multiple: true }, json: { type: 'boolean' } }, false);
  if (!values.root) throw new UserError('give the root certificate, e.g. `lantrust uninstall --root ca/root.pem`.');
  const report = await uninstallRoot({ root: values.root, stores: parseStores(values.store, 'uninstall') });
  const left = report.stores.filter((s) => s.installed || s.error).length;
  if (values.json) process.stdout.write(storesJson(report));
  else {
    process.stdout.write(`Root ${report.root.subject}\n     SHA-256 ${report.root.sha256}\n${formatStores(report)}\n`);
    process.stdout.write(left ? color.red(`\n✗ the root is still in ${left} place${left > 1 ? 's' : ''} (see above).\n`) : color.green('\n✓ the root is no longer trusted by any store above.\n'));
  }
  return left ? 1 : 0;
}
