// A minimal valid 32-bit Windows program (PE32, one .text section that returns 0), written byte by byte:
import { createRequire } from 'node:module';
// enough for Authenticode, with nothing downloaded and nothing copied from another package.
// `data` (e.g. Electron's fuse wire) is placed in the section after the code.
export function minimalPe(data: Buffer = Buffer.alloc(0)): Buffer {
  const FILE_ALIGN = 0x200;
  const buf = Buffer.alloc(FILE_ALIGN * 2);
  // DOS header: "MZ" and e_lfanew -> PE header at 0x40.
  buf.write('MZ', 0, 'latin1');
  buf.writeUInt32LE(0x40, 0x3c);
  const pe = 0x40;
  buf.write('PE\0\0', pe, 'latin1');
  // COFF header: i386, 1 section, optional header 0xE0 bytes, executable | 32-bit.
  const coff = pe + 4;
  buf.writeUInt16LE(0x14c, coff);
  buf.writeUInt16LE(1, coff + 2);
  buf.writeUInt16LE(0xe0, coff + 16);
  buf.writeUInt16LE(0x0102, coff + 18);
  // Optional header (PE32).
  const opt = coff + 20;
  buf.writeUInt16LE(0x10b, opt); // magic
  buf.writeUInt32LE(FILE_ALIGN, opt + 4); // SizeOfCode
  buf.writeUInt32LE(0x1000, opt + 16); // AddressOfEntryPoint
  buf.writeUInt32LE(0x1000, opt + 20); // BaseOfCode
  buf.writeUInt32LE(0x400000, opt + 28); // ImageBase
  buf.writeUInt32LE(0x1000, opt + 32); // SectionAlignment
  buf.writeUInt32LE(FILE_ALIGN, opt + 36); // FileAlignment
  buf.writeUInt16LE(6, opt + 40); // OS version
  buf.writeUInt16LE(6, opt + 48); // subsystem version
  buf.writeUInt32LE(0x2000, opt + 56); // SizeOfImage
  buf.writeUInt32LE(FILE_ALIGN, opt + 60); // SizeOfHeaders
  buf.writeUInt16LE(3, opt + 68); // console subsystem
  buf.writeUInt16LE(0x8100, opt + 70); // DllCharacteristics: NX, terminal-server aware (no relocations, so no ASLR)
  buf.writeUInt32LE(0x100000, opt + 72); // stack reserve
  buf.writeUInt32LE(0x1000, opt + 76); // stack commit
  buf.writeUInt32LE(0x100000, opt + 80); // heap reserve
  buf.writeUInt32LE(0x1000, opt + 84); // heap commit
  buf.writeUInt32LE(16, opt + 92); // NumberOfRvaAndSizes (data directories follow, all empty)
  // Section header ".text".
  const sec = opt + 0xe0;
  buf.write('.text', sec, 'latin1');
  if (data.length > FILE_ALIGN - DATA_AT) throw new Error('minimalPe: data too large for the section');
  buf.writeUInt32LE(DATA_AT + data.length, sec + 8); // VirtualSize
  buf.writeUInt32LE(0x1000, sec + 12); // VirtualAddress
  buf.writeUInt32LE(FILE_ALIGN, sec + 16); // SizeOfRawData
  buf.writeUInt32LE(FILE_ALIGN, sec + 20); // PointerToRawData
  buf.writeUInt32LE(0x60000020, sec + 36); // code | execute | read
  // Code: xor eax,eax; ret
  Buffer.from([0x31, 0xc0, 0xc3]).copy(buf, FILE_ALIGN);
  data.copy(buf, FILE_ALIGN + DATA_AT);
  return buf;
}

const DATA_AT = 0x10;

/** The sentinel Electron's fuse wire starts with (electron/electron build/fuses/build.py). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 45's fuse wire as its build writes it (build/fuses/build.py): the sentinel, the wire version
 * (1), the number of fuses, then '1'/'0' per fuse in fuses.json5 order with Electron's defaults:
 * run_as_node 1, cookie_encryption 0, node_options 1, node_cli_inspect 1,
 * embedded_asar_integrity_validation 0, only_load_app_from_asar 0,
 * load_browser_process_specific_v8_snapshot 0, grant_file_protocol_extra_privileges 1, wasm_trap_handlers 1.
 */
export const ELECTRON_45_FUSE_WIRE = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, 9]), Buffer.from('101100011', 'latin1')]);

/** The fuse states in a binary, read straight from the bytes after the sentinel: one '0'/'1'/'r' per fuse. */
export function readFuseWire(exe: Buffer): string {
  const at = exe.indexOf(FUSE_SENTINEL, 0, 'latin1');
  if (at < 0) throw new Error('no fuse wire in this binary');
  const wire = at + FUSE_SENTINEL.length;
  if (exe[wire] !== 1) throw new Error(`fuse wire version ${exe[wire]}, expected 1`);
  return exe.subarray(wire + 2, wire + 2 + exe[wire + 1]!).toString('latin1');
}

/**
 * A stand-in for Electron's electron.exe: the minimal PE with Electron 45's fuse wire (electron-builder
 * flips it) and a VERSIONINFO resource (electron-builder reads and edits it), made with resedit — the
 * library electron-builder itself uses for that.
 */
export function fakeElectronExe(): Buffer {
  const require = createRequire(import.meta.url);
  const ResEdit = require('resedit') as typeof import('resedit');
  const exe = ResEdit.NtExecutable.from(minimalPe(ELECTRON_45_FUSE_WIRE));
  const res = ResEdit.NtExecutableResource.from(exe);
  const vi = ResEdit.Resource.VersionInfo.createEmpty();
  vi.setStringValues({ lang: 0x0409, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron', CompanyName: 'GitHub, Inc.' });
  vi.lang = 0x0409;
  vi.setFileVersion(45, 5, 0, 0, 0x0409);
  vi.outputToResourceEntries(res.entries);
  res.outputResource(exe);
  return Buffer.from(exe.generate());
}
