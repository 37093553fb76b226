// lantrust install: trust the root in this machine's stores, pinned, idempotent.
import { installRoot } from '../truststore/index.js';
import { UserError } from '../errors.js';
import { parse } from './args.js';
import { color } from './format.js';
import { formatStores, parseStores, STORE_HELP, storesJson } from '../truststore/report.js';

export const help = `lantrust install: trust the company root in this machine's stores (safe to run twice).

Examples:
  lantrust install --root ca/root.pem
  lantrust install --root root.pem --sha256 3F:A1:...:9C        refuse anything but that exact root
  lantrust install --root root.pem --store nss --store firefox   only Chrome/Chromium and Firefox for this user
  sudo lantrust install --root root.pem --store system           curl, wget, Python, ... (Linux)
  sudo lantrust install --root vendor-root.pem --store chrome-policy --permit-dns cams.example.com --permit-cidr 192.168.0.0/16

Options:
  --root FILE          the root certificate (PEM or DER)
  --sha256 PIN         its expected SHA-256 fingerprint; anything else is refused
  ${STORE_HELP}
  --permit-dns NAME    Chrome policy constraint (only the chrome-policy store; repeatable)
  --permit-cidr CIDR   Chrome policy constraint (only the chrome-policy store; repeatable)
  --allow-unconstrained  install a root without name constraints anyway (it could vouch for any website)
  --json               print {"root": ..., "stores": [...]} instead of lines

The root is refused (exit 1, nothing changed) when its pin differs or \`lantrust check-root\` finds errors.
The system store and chrome-policy need root: run those with sudo.
Exit codes: 0 installed (or already there), 1 refused or a store failed, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parse(
    'install',
    args,
    {
      root: { type: 'string' },
      sha256: { type: 'string' },
      store: { type: 'string', multiple: true },
      'permit-dns': { type: 'string', multiple: true },
      'permit-cidr': { type: 'string', multiple: true },
      'allow-unconstrained': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (!values.root) throw new UserError('give the root certificate, e.g. `lantrust install --root ca/root.pem`.');
  const report = await installRoot({
    root: values.root,
    stores: parseStores(values.store, 'install'),
    ...(values.sha256 !== undefined ? { sha256: values.sha256 } : {}),
    ...(values['permit-dns'] ? { permitDns: values['permit-dns'] } : {}),
    ...(values['permit-cidr'] ? { permitCidr: values['permit-cidr'] } : {}),
    allowUnconstrained: Boolean(values['allow-unconstrained']),
  });
  const failed = report.stores.filter((s) => s.error || s.needsRoot).length;
  const done = report.stores.filter((s) => s.installed).length;
  if (values.json) {
    process.stdout.write(storesJson(report));
  } else {
    process.stdout.write(`Root ${report.root.subject}\n     SHA-256 ${report.root.sha256}\n${formatStores(report)}\n`);
    const changed = report.stores.filter((s) => s.changed).length;
    process.stdout.write(
      failed
        ? color.red(`\n✗ not installed everywhere (${failed} store${failed > 1 ? 's' : ''} above say why).\n`)
        : done
          ? color.green(`\n✓ the root is trusted in ${done} place${done > 1 ? 's' : ''}${changed ? '' : ' (nothing needed changing)'}; restart the browsers to pick it up.\n`)
          : color.yellow('\nNothing was installed: no usable store was found (see above); choose one with --store.\n'),
    );
  }
  return failed || !done ? 1 : 0;
}
