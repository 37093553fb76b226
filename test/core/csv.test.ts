// The one CSV reader against Python's csv module (an independent reader of Excel's dialect) and
// RFC 4180; and the two places that used to split CSV by hand (devices.csv, test --from).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDevicesCsv } from '../../src/main/ca/bulk.js';
import { parseCsv } from '../../src/main/csv.js';
import { parseUrlList } from '../../src/main/probe/urls-file.js';
import { UserError } from '../../src/main/errors.js';
import { findTool } from '../helpers/oracles.js';

/** Python's csv.reader (Excel dialect, utf-8-sig) on the same bytes: header + rows. */
function pythonRows(text: string, delimiter: ',' | ';'): string[][] {
  const py = findTool('python3');
  const r = spawnSync(py, ['-c', `import csv,sys,json,io\nrows=list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8-sig'), newline=''), delimiter=${JSON.stringify(delimiter)}))\nprint(json.dumps([r for r in rows if any(c for c in r)]))`], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[][];
}

function ourRows(text: string): string[][] {
  const t = parseCsv(text, 'f.csv');
  expect(t.bad).toEqual([]);
  return [t.header, ...t.rows.map((r) => t.header.map((h) => r.cells[h]!))];
}

const CASES: [string, string, ',' | ';'][] = [
  ['Excel "CSV UTF-8": BOM, CRLF, quoted cells with commas and spaces', '\uFEFFname,ip,dns\r\n"Lobby, main",192.168.1.5,"a.example b.example"\r\nyard,192.168.1.6,\r\n', ','],
  ['Excel in a ";" locale', 'name;ip;dns\r\nlobby;192.168.1.5;lobby.example\r\n"door;side";192.168.1.7;\r\n', ';'],
  ['a quoted cell with a line break and doubled quotes', 'name,url\n"Lobby\nmain ""A""",https://a/\nyard,https://b/\n', ','],
  ['a quote inside an unquoted cell is text, as Excel reads it', 'name,url\nlobby 5" lens,https://a/\nyard,https://b/\n', ','],
  ['empty cells and a short row', 'name,ip,dns\ncam1,,x.example\ncam2,192.168.1.2\n', ','],
];

describe('parseCsv agrees with Python\'s csv module on what Excel writes', () => {
  for (const [title, text, sep] of CASES) {
    it(title, () => {
      const py = pythonRows(text, sep);
      const ours = ourRows(text);
      // Python keeps short rows short; we fill missing cells with "".
      expect(ours.map((r) => r.slice(0, Math.max(...py.map((p) => p.length))))).toEqual([py[0]!.map((h) => h.toLowerCase()), ...py.slice(1).map((r) => [...r, ...Array(py[0]!.length - r.length).fill('')])]);
      expect(parseCsv(text, 'f.csv').separator).toBe(sep);
    });
  }

  it('reports the line of each row it can\'t read and keeps reading after it (RFC 4180: a quote must be closed)', () => {
    const t = parseCsv('name,url\ncam1,https://a/\n"cam2,https://b/\ncam3,https://c/\n"x"y,https://d/\ncam5,https://e/\n', 'f.csv');
    expect(t.rows.map((r) => [r.line, r.cells.name])).toEqual([
      [2, 'cam1'],
      [4, 'cam3'],
      [6, 'cam5'],
    ]);
    expect(t.bad.map((b) => b.line)).toEqual([3, 5]);
    expect(t.bad[0]!.reason).toMatch(/never closed/);
    expect(t.bad[1]!.reason).toMatch(/text follows a closing quote/);
  });

  it('line numbers count line breaks inside quoted cells; "sep=;" and comments are understood', () => {
    const t = parseCsv('sep=;\n# cameras\nname;url\n"two\nlines";https://a/\ncam;https://b/\n', 'f.csv');
    expect(t.separator).toBe(';');
    expect(t.headerLine).toBe(3);
    expect(t.rows.map((r) => r.line)).toEqual([4, 6]);
  });

  it('a missing or duplicated header is one sentence', () => {
    expect(() => parseCsv('\n# nothing\n', 'f.csv')).toThrow(UserError);
    expect(() => parseCsv('name,url,URL\n', 'f.csv')).toThrow(/names the column "url" twice/);
  });
});

describe('devices.csv and test --from use it', () => {
  it('devices.csv from Excel (";", BOM, CRLF) with the deploy columns', () => {
    const rows = parseDevicesCsv('\uFEFFname;ip;dns;address;port;user;password_file\r\nlobby;192.168.1.5;lobby.cams.example;cam-lobby.lan;8443;root;pw/lobby.txt\r\nyard;192.168.1.6;;;;;\r\n', 'devices.csv');
    expect(rows).toEqual([
      { line: 2, name: 'lobby', ip: ['192.168.1.5'], dns: ['lobby.cams.example'], address: 'cam-lobby.lan', port: 8443, user: 'root', passwordFile: 'pw/lobby.txt' },
      { line: 3, name: 'yard', ip: ['192.168.1.6'], dns: [] },
    ]);
  });

  it('devices.csv: an unreadable row and a bad port are refused by line, the others are kept', () => {
    const rows = parseDevicesCsv('name,ip,dns,port\ncam1,192.168.1.1,,443\n"cam2,192.168.1.2,,\ncam3,192.168.1.3,,https\n', 'devices.csv');
    expect(rows.map((r) => [r.line, r.name, r.problem ?? ''])).toEqual([
      [2, 'cam1', ''],
      [3, '', expect.stringMatching(/can't be read: a quoted cell is never closed/)],
      [4, 'cam3', expect.stringMatching(/"https" is not a port number/)],
    ]);
  });

  it('test --from: a stray quote no longer swallows the next camera; a row without a URL is named, not dropped', () => {
    expect(parseUrlList('name,url\nlobby 5" lens,https://a/\nyard,https://b/\n', 'cams.csv')).toEqual(['https://a/', 'https://b/']);
    expect(parseUrlList('name;url\r\nlobby;https://a/\r\n', 'cams.csv')).toEqual(['https://a/']);
    expect(() => parseUrlList('name,url\nlobby,https://a/\nyard,\n"door,https://c/\n', 'cams.csv')).toThrow(/cams\.csv has 2 rows that can't be read \(line 3: its "url" cell is empty; line 4: a quoted cell is never closed/);
  });
});
