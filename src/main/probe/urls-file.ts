// --from FILE: a URL a line (# comments), or a CSV whose header has a "url" column (read by the one CSV reader).
import { readFile } from 'node:fs/promises';
import { describeBadRows, parseCsv, type CsvTable } from '../csv.js';
import { UserError } from '../errors.js';

function csvWithUrlColumn(text: string, label: string): CsvTable | undefined {
  try {
    const table = parseCsv(text, label);
    return table.header.includes('url') ? table : undefined;
  } catch {
    return undefined; // not a CSV header: a plain list of URLs
  }
}

export function parseUrlList(text: string, label: string): string[] {
  const table = csvWithUrlColumn(text, label);
  if (table) {
    const empty = table.rows.filter((r) => !r.cells.url).map((r) => ({ line: r.line, reason: 'its "url" cell is empty' }));
    const bad = [...table.bad, ...empty].sort((a, b) => a.line - b.line);
    if (bad.length) throw new UserError(`${describeBadRows(label, bad)}; fix ${bad.length === 1 ? 'it' : 'them'} so no camera is left out (nothing was tested).`);
    const urls = table.rows.map((r) => r.cells.url!);
    if (!urls.length) throw new UserError(`${label} has a "url" column but no rows; add one camera a line.`);
    return urls;
  }
  const urls = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
  if (!urls.length) throw new UserError(`${label} has no URL in it; write one URL a line, or a CSV with a "url" column.`);
  return urls;
}

export async function readUrlFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`cannot read ${path}; give a file with one camera URL a line.`);
  }
  return parseUrlList(text, path);
}
