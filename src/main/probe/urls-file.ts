// --from FILE: a URL a line (# comments), or a CSV whose header has a "url" column.
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';

function csvCells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',' || ch === ';') (out.push(cur), (cur = ''));
    else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

export function parseUrlList(text: string, label: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.find((l) => l.trim() && !l.trim().startsWith('#'));
  if (first && /(^|[,;])\s*"?url"?\s*([,;]|$)/i.test(first)) {
    const header = csvCells(first).map((h) => h.toLowerCase());
    const col = header.indexOf('url');
    const rows = lines.slice(lines.indexOf(first) + 1).filter((l) => l.trim() && !l.trim().startsWith('#'));
    return rows.map((l) => csvCells(l)[col] ?? '').filter(Boolean);
  }
  const urls = lines.map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
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
