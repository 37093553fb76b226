// Shared by the install / status / uninstall verbs (and the app's diagnostics): --store parsing and the per-store lines they print.
import { STORE_IDS, type StoreId, type StoreReport } from './index.js';
import { UserError } from '../errors.js';
import { color } from '../term.js';

export const STORE_HELP = `--store STORE        auto (default: every store found here), ${STORE_IDS.join(', ')} (repeatable)`;

export function parseStores(values: string[] | undefined, verb: string): StoreId[] | 'auto' {
  const list = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!list.length || list.includes('auto')) {
    if (list.length > 1) throw new UserError(`--store auto can't be combined with other stores; see \`lantrust ${verb} --help\`.`);
    return 'auto';
  }
  for (const s of list) if (!STORE_IDS.includes(s as StoreId)) throw new UserError(`"${s}" is not a store; use one of: auto, ${STORE_IDS.join(', ')}.`);
  return list as StoreId[];
}

/** One line per store location: a mark, the store, its path, what happened. */
export function formatStores(r: StoreReport): string {
  const foreign = r.stores.filter((s) => s.otherPlatform).map((s) => s.store);
  const lines = r.stores.filter((s) => !s.otherPlatform).map((s) => {
    const mark = s.error ? color.red('✗') : s.needsRoot ? color.yellow('!') : !s.available ? color.dim('-') : s.installed ? color.green('✓') : color.dim('·');
    return `  ${mark} ${s.store.padEnd(16)} ${s.message}`;
  });
  if (foreign.length) lines.push(color.dim(`  - not on this system: ${foreign.join(', ')}`));
  for (const n of r.notes) lines.push(`  ${color.yellow('note')} ${n}`);
  return lines.join('\n');
}

/** JSON for scripts: {"root": {...}, "stores": [{store, path, installed, ...}], "notes": [...]}. */
export function storesJson(r: StoreReport): string {
  return `${JSON.stringify({ root: r.root, stores: r.stores.map(({ title: _t, ...s }) => s), notes: r.notes }, null, 2)}\n`;
}
