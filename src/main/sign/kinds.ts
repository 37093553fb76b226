// Which files Authenticode can sign, and the checks a file must pass before we touch it.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '../errors.js';

export type SignableKind = 'pe' | 'msi' | 'powershell';

const KINDS: Record<string, SignableKind> = {
  '.exe': 'pe',
  '.dll': 'pe',
  '.msi': 'msi',
  '.ps1': 'powershell',
  '.psm1': 'powershell',
  '.psd1': 'powershell',
};

export const SIGNABLE_EXTENSIONS = Object.keys(KINDS);

/** The kind of `file` by its extension (osslsigncode and Windows both decide by it), or a UserError. */
export function kindOf(file: string): SignableKind {
  const kind = KINDS[extname(file).toLowerCase()];
  if (!kind) {
    throw new UserError(`${file} is not a file Authenticode can sign here; lantrust signs ${SIGNABLE_EXTENSIONS.join(', ')} files.`);
  }
  return kind;
}

/** Reads the file and checks its content matches its extension, so we fail before signing anything. */
export async function checkSignable(file: string): Promise<SignableKind> {
  const kind = kindOf(file);
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    throw new UserError(`cannot read ${file}; check the path.`);
  }
  if (kind === 'pe' && !(data[0] === 0x4d && data[1] === 0x5a)) throw new UserError(`${file} is not a Windows program (no MZ header); only real .exe/.dll files can be signed.`);
  if (kind === 'msi' && !data.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex'))) throw new UserError(`${file} is not a Windows Installer package; only real .msi files can be signed.`);
  if (kind === 'powershell') checkScriptEncoding(file, data);
  return kind;
}

// Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page while osslsigncode hashes it as UTF-8:
// with any non-ASCII byte the two disagree and Windows would report HashMismatch. A BOM removes the ambiguity.
function checkScriptEncoding(file: string, data: Buffer): void {
  const bom8 = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  const bom16 = (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff);
  if (bom8 || bom16) return;
  if (data.some((b) => b > 0x7f)) {
    throw new UserError(`${file} has non-ASCII characters but no byte-order mark, so Windows PowerShell would read it differently from how it is signed; save it as "UTF-8 with BOM" and sign again.`);
  }
}
