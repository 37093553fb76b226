// What a packaged Windows Electron app checks before it uses a file from app.asar when the
// EnableEmbeddedAsarIntegrityValidation fuse is on, written from Electron's documentation
// (docs/tutorial/asar-integrity.md) and source: shell/common/asar/archive_win.cc reads the JSON list in
// the program's resource "Integrity"/"ElectronAsar" and ends the process unless SHA-256 of the archive's
// header JSON matches the entry for resources\app.asar; lib/node/asar-fs-wrapper.ts ends it
// (process.exit(1)) when a file read from the archive doesn't match the SHA-256 its header records.
// Electron's binary can't run here, so tests ask this what Electron would do with a built app.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

interface IntegrityEntry {
  file: string;
  alg: string;
  value: string;
}

interface FileNode {
  offset?: string;
  size?: number;
  integrity?: { algorithm: string; hash: string };
  files?: Record<string, FileNode>;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The "Integrity"/"ElectronAsar" resource electron-builder writes into the program (resource names are case-insensitive). */
export function integrityEntries(exe: Buffer): IntegrityEntry[] {
  const ResEdit = require('resedit') as typeof import('resedit');
  const res = ResEdit.NtExecutableResource.from(ResEdit.NtExecutable.from(exe, { ignoreCert: true }));
  const entry = res.entries.find((e) => String(e.type).toLowerCase() === 'integrity' && String(e.id).toLowerCase() === 'electronasar');
  if (!entry) return [];
  return JSON.parse(Buffer.from(entry.bin).toString('utf8')) as IntegrityEntry[];
}

/**
 * Why Electron would stop the app when it opens resources\app.asar and reads `files` from it, or
 * undefined when it would run. `exe` and `asar` are the bytes of LanTrust.exe and resources/app.asar.
 */
export function electronRefusal(exe: Buffer, asarPath: string, files: string[]): string | undefined {
  const entry = integrityEntries(exe).find((e) => e.file.toLowerCase() === 'resources\\app.asar' && e.alg.toLowerCase() === 'sha256');
  if (!entry) return 'no integrity entry for resources\\app.asar in the program';
  const asar = require('@electron/asar') as { getRawHeader(p: string): { header: FileNode; headerString: string; headerSize: number } };
  const { header, headerString, headerSize } = asar.getRawHeader(asarPath);
  if (sha256(headerString) !== entry.value.toLowerCase()) return 'the archive header does not match the SHA-256 in the program';
  const bytes = readFileSync(asarPath);
  for (const f of files) {
    const node = f.split('/').reduce<FileNode | undefined>((n, part) => n?.files?.[part], header);
    if (!node?.integrity || node.offset === undefined || node.size === undefined) return `${f} has no integrity record in the archive`;
    const start = 8 + headerSize + Number(node.offset);
    if (sha256(bytes.subarray(start, start + node.size)) !== node.integrity.hash) return `${f} does not match the SHA-256 in the archive header`;
  }
  return undefined;
}
