// A minimal valid 32-bit Windows program (PE32, one .text section that returns 0), written byte by byte:
import { createRequire } from 'node:module';
// enough for Authenticode, with nothing downloaded and nothing copied from another package.
export function minimalPe(): Buffer {
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
  buf.writeUInt32LE(1, sec + 8); // VirtualSize
  buf.writeUInt32LE(0x1000, sec + 12); // VirtualAddress
  buf.writeUInt32LE(FILE_ALIGN, sec + 16); // SizeOfRawData
  buf.writeUInt32LE(FILE_ALIGN, sec + 20); // PointerToRawData
  buf.writeUInt32LE(0x60000020, sec + 36); // code | execute | read
  // Code: xor eax,eax; ret
  Buffer.from([0x31, 0xc0, 0xc3]).copy(buf, FILE_ALIGN);
  return buf;
}

/**
 * A stand-in for Electron's electron.exe: the minimal PE plus a VERSIONINFO resource (electron-builder
 * reads and edits it), made with resedit — the library electron-builder itself uses for that.
 */
export function fakeElectronExe(): Buffer {
  const require = createRequire(import.meta.url);
  const ResEdit = require('resedit') as typeof import('resedit');
  const exe = ResEdit.NtExecutable.from(minimalPe());
  const res = ResEdit.NtExecutableResource.from(exe);
  const vi = ResEdit.Resource.VersionInfo.createEmpty();
  vi.setStringValues({ lang: 0x0409, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron', CompanyName: 'GitHub, Inc.' });
  vi.lang = 0x0409;
  vi.setFileVersion(45, 5, 0, 0, 0x0409);
  vi.outputToResourceEntries(res.entries);
  res.outputResource(exe);
  return Buffer.from(exe.generate());
}
