// The one CSV reader (devices.csv, cameras.csv, deploy lists). It reads what Excel and LibreOffice
// write: a UTF-8 BOM, "," or ";" separators (or a first line "sep=;"), CRLF, quoted cells with
// doubled quotes, separators and line breaks inside them. A row that can't be read is reported by
// its line number instead of being dropped or merged into its neighbours.
import { UserError } from './errors.js';

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  /** Cells by lower-cased header name; a missing cell is "". */
  cells: Record<string, string>;
  /** How many cells the row had (more than the header's means the row was split where it shouldn't be). */
  width: number;
}

export interface CsvTable {
  /** Header names, trimmed and lower-cased, in file order. */
  header: string[];
  /** Line of the header. */
  headerLine: number;
  separator: ',' | ';';
  rows: CsvRow[];
  /** Rows that could not be read, with why, in one sentence each. */
  bad: { line: number; reason: string }[];
}

interface RawRecord {
  line: number;
  cells: string[];
  /** Set when the record can't be read. */
  problem?: string;
  /** Offset just after the record (where parsing continues). */
  end: number;
}

/**
 * A record that can't be read ends with its first physical line: a stray opening quote may have
 * run into the lines below, and those are read again on their own, so no row disappears into it.
 */
function badRecord(text: string, pos: number, line: number, cells: string[], stop: number): RawRecord {
  const eol = text.indexOf('\n', pos);
  const end = eol < 0 ? text.length : eol + 1;
  const problem = stop > end ? 'a quoted cell is never closed on this line (it runs into the lines below)' : 'text follows a closing quote in the same cell';
  return { line, cells, problem: `${problem}; quote the whole cell and double any " inside it`, end };
}

/** Reads one record starting at `pos` (RFC 4180, lenient where Excel is). */
function readRecord(text: string, pos: number, line: number, sep: string): RawRecord {
  const cells: string[] = [];
  let cur = '';
  let i = pos;
  let quoted = false;
  let wasQuoted = false;
  let extraAfterQuote = false;
  for (;;) {
    if (i >= text.length) {
      if (quoted) {
        // Unclosed quote: report this line and let parsing resume on the next one.
        const eol = text.indexOf('\n', pos);
        return { line, cells, problem: 'a quoted cell is never closed (a " without its partner); quote the whole cell and double any " inside it', end: eol < 0 ? text.length : eol + 1 };
      }
      cells.push(wasQuoted ? cur : cur.trim());
      return extraAfterQuote ? badRecord(text, pos, line, cells, i) : { line, cells, end: i };
    }
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cur += ch;
      i++;
      continue;
    }
    if (ch === '"' && !wasQuoted && cur.trim() === '') {
      quoted = true;
      wasQuoted = true;
      cur = '';
      i++;
      continue;
    }
    if (ch === sep || ch === '\n' || ch === '\r') {
      cells.push(wasQuoted ? cur : cur.trim());
      cur = '';
      wasQuoted = false;
      if (ch === sep) {
        i++;
        continue;
      }
      if (extraAfterQuote) return badRecord(text, pos, line, cells, i);
      return { line, cells, end: ch === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1 };
    }
    if (wasQuoted) {
      if (ch !== ' ' && ch !== '\t') extraAfterQuote = true;
      i++;
      continue;
    }
    // A quote inside an unquoted cell is text (as Excel reads it), never the start of quoting.
    cur += ch;
    i++;
  }
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Separator of the header line: ";" when it has a ";" outside quotes and no ",". */
function detectSeparator(headerText: string): ',' | ';' {
  let quoted = false;
  let comma = 0;
  let semi = 0;
  for (const ch of headerText) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') comma++;
    else if (!quoted && ch === ';') semi++;
  }
  return semi > 0 && comma === 0 ? ';' : ',';
}

const isSkippable = (cells: string[]) => cells.every((c) => c === '') || cells[0]!.startsWith('#');

/**
 * Parses CSV text with a header line. Blank lines and lines starting with "#" are skipped.
 * Throws a UserError (exit 2) only when the file has no usable header; bad rows go to `bad`.
 */
export function parseCsv(input: string, file: string): CsvTable {
  let text = input.replace(/^\uFEFF/, '');
  let line = 1;
  let forced: ',' | ';' | undefined;
  const sepLine = /^sep=([,;])\r?\n/i.exec(text);
  if (sepLine) {
    forced = sepLine[1] as ',' | ';';
    text = text.slice(sepLine[0].length);
    line = 2;
  }
  // Find the header: the first record that is not blank or a comment.
  let pos = 0;
  let header: RawRecord | undefined;
  let separator: ',' | ';' = forced ?? ',';
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos);
    const physical = text.slice(pos, eol < 0 ? text.length : eol);
    if (!physical.trim() || physical.trim().startsWith('#')) {
      pos = eol < 0 ? text.length : eol + 1;
      line++;
      continue;
    }
    separator = forced ?? detectSeparator(physical);
    header = readRecord(text, pos, line, separator);
    break;
  }
  if (!header || header.problem) {
    throw new UserError(header ? `${file} line ${header.line}: the header can't be read (${header.problem}).` : `${file} is empty; it needs a header line and one line per row.`);
  }
  const names = header.cells.map((h) => h.trim().toLowerCase());
  const dup = names.find((n, i) => n && names.indexOf(n) !== i);
  if (dup) throw new UserError(`${file} line ${header.line}: the header names the column "${dup}" twice; give each column one name.`);
  line += countLines(text, pos, header.end);
  pos = header.end;

  const rows: CsvRow[] = [];
  const bad: CsvTable['bad'] = [];
  while (pos < text.length) {
    const rec = readRecord(text, pos, line, separator);
    line += countLines(text, pos, rec.end);
    pos = rec.end;
    if (rec.problem) {
      bad.push({ line: rec.line, reason: rec.problem });
      continue;
    }
    if (isSkippable(rec.cells)) continue;
    const cells: Record<string, string> = {};
    names.forEach((n, i) => {
      if (n) cells[n] = rec.cells[i] ?? '';
    });
    rows.push({ line: rec.line, cells, width: rec.cells.length });
  }
  return { header: names, headerLine: header.line, separator, rows, bad };
}

/** "line 4: why" for the first few bad rows, for one-sentence messages. */
export function describeBadRows(file: string, bad: CsvTable['bad']): string {
  const first = bad.slice(0, 3).map((b) => `line ${b.line}: ${b.reason}`).join('; ');
  return `${file} has ${bad.length === 1 ? 'a row' : `${bad.length} rows`} that can't be read (${first}${bad.length > 3 ? '; ...' : ''})`;
}
