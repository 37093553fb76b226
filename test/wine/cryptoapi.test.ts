// Wine's CryptoAPI as the Windows oracle (an independent implementation that reads the same registry
// format): the GPO Blob lantrust ships is read back as a Group Policy root with the thumbprint, friendly
// name and certificate Wine computes; the physical-store table in LanTrustCore.ps1 names the registry
// keys CryptoAPI really uses for those CERT_SYSTEM_STORE_* flags; and the Windows behaviour the
// physical-store work relies on, where Wine behaves like Windows.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describeCert } from '../../src/main/cert/describe.js';
import { buildPack, writePack } from '../../src/main/pack/generate.js';
import { psQuote, renderCore, toScriptFile } from '../../src/main/pack/powershell.js';
import { makeRoot, tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';
import { lastJson, pwshScript } from '../pack/pwsh.js';
import { parseList, startWine, type Wine } from './wine.js';

const openssl = findTool('openssl');
const work = tempDir('lantrust-winetest-');
let wine: Wine;
beforeAll(async () => {
  wine = await startWine();
}, 300_000);
afterAll(async () => {
  await wine?.close();
  rmSync(work, { recursive: true, force: true });
});

/** SHA-1 fingerprint and DER as OpenSSL sees the certificate (not lantrust). */
function opensslFacts(der: Buffer): { sha1: string; der: Buffer; file: string } {
  const file = join(work, `c-${Math.random().toString(36).slice(2)}.cer`);
  writeFileSync(file, der);
  const fp = execFileSync(openssl, ['x509', '-inform', 'DER', '-in', file, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
  const out = execFileSync(openssl, ['x509', '-inform', 'DER', '-in', file, '-outform', 'DER']);
  return { sha1: fp.trim().split('=')[1]!.replace(/:/g, '').toUpperCase(), der: out, file };
}

const LM = 0x20000;
const LM_GP = 0x80000;
const CU = 0x10000;
const hex = (n: number) => `0x${n.toString(16)}`;
const regKey = (psPath: string) => psPath.replace(/^HKLM:/, 'HKLM').replace(/^HKCU:/, 'HKCU');
const GP_CERTS = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates\\';

describe('Wine CryptoAPI (the Windows oracle)', () => {
  it("reads the GPO Blob New-LanTrustGpo.ps1 ships as a Group Policy root: Wine's thumbprint = the key name = OpenSSL's SHA-1; a blob under a wrong key is ignored", async () => {
    const root = makeRoot({ name: 'Wine GPO Root' }).der;
    const decoy = makeRoot({ name: 'Decoy Root', key: 'ec-p384' }).der;
    const blobOf = async (der: Buffer, dir: string) => {
      const p = buildPack({ rootDer: der, info: describeCert(der).info, company: 'Wine Co' });
      await writePack(dir, p.files);
      const file = join(dir, 'blob.bin');
      writeFileSync(file, Buffer.from(/\$LanTrustGpoBlobBase64 = '([A-Za-z0-9+/=]+)'/.exec(readFileSync(join(dir, 'New-LanTrustGpo.ps1'), 'latin1'))![1]!, 'base64'));
      return file;
    };
    const ssl = opensslFacts(root);
    // The GPO script writes the Blob it embeds under Certificates\<thumbprint>; the decoy's Blob goes under a name that is not its SHA-1.
    const steps = await wine.batch([
      `regblob ${GP_CERTS}${ssl.sha1} ${await blobOf(root, join(work, 'gpo'))}`,
      `regblob ${GP_CERTS}${'0'.repeat(40)} ${await blobOf(decoy, join(work, 'decoy'))}`,
      `list registry ${hex(LM_GP)} Root`,
      `list system ${hex(LM_GP)} Root`,
    ]);
    expect(steps.map((x) => x.rc)).toEqual([0, 0, 0, 0]);
    for (const st of steps.slice(2)) {
      const listed = parseList(st.out);
      expect(listed.map((x) => x.sha1), st.cmd).toEqual([ssl.sha1]);
      expect(listed[0]!.name).toBe('Wine_Co_root_(lantrust)');
      expect(listed[0]!.der.equals(ssl.der)).toBe(true);
    }
  }, 240_000);

  it("the core's physical stores name the registry keys CryptoAPI writes for those CERT_SYSTEM_STORE_* flags", async () => {
    const root = makeRoot({ name: 'Wine Location Root' }).der;
    const core = join(work, 'locations.ps1');
    writeFileSync(core, toScriptFile(`${renderCore({ rootDer: root, company: 'X' })}\n$o = @(); foreach ($s in 'CurrentUser', 'LocalMachine') { foreach ($l in Get-LanTrustRootLocations -Scope $s) { $o += [pscustomobject]@{ scope = $s; name = $l.Name; flags = $l.Flags; registry = $l.Registry; ours = $l.Ours } } }\nConvertTo-Json -InputObject $o -Compress\n`));
    const locs = lastJson<{ scope: string; name: string; flags: number; registry: string; ours: boolean }[]>(pwshScript(`& ${psQuote(core)}`, work));
    expect(locs.filter((l) => l.ours).map((l) => [l.scope, l.flags])).toEqual([
      ['CurrentUser', CU],
      ['LocalMachine', LM],
    ]);
    const ssl = opensslFacts(root);
    // Wine 8 has no Enterprise system store (CERT_SYSTEM_STORE_LOCAL_MACHINE_ENTERPRISE fails to open): checked on Windows only.
    const tested = locs.filter((l) => l.flags !== 0x90000);
    const steps = await wine.batch(tested.flatMap((l) => [`add registry ${hex(l.flags)} Root ${ssl.file}`, `regkey ${regKey(l.registry)}\\${ssl.sha1}`, `delete registry ${hex(l.flags)} Root ${ssl.sha1}`]));
    tested.forEach((l, i) => expect(steps.slice(3 * i, 3 * i + 3).map((x) => x.rc), `${l.scope} ${l.name} -> ${l.registry}`).toEqual([0, 0, 0]));
    expect(tested.map((l) => `${l.scope} ${l.name}`)).toEqual(['CurrentUser .Default', 'CurrentUser .GroupPolicy', 'CurrentUser .LocalMachine', 'CurrentUser .LocalMachineGroupPolicy', 'LocalMachine .Default', 'LocalMachine .GroupPolicy']);
  }, 240_000);

  it("CurrentUser\\Root shows LocalMachine's copy, and deleting from one physical store (.Default) leaves the Group Policy copy", async () => {
    const root = makeRoot({ name: 'Wine Physical Root' }).der;
    const ssl = opensslFacts(root);
    const steps = await wine.batch([
      `add registry ${hex(LM)} Root ${ssl.file}`,
      `add registry ${hex(CU)} Root ${ssl.file}`,
      `list system ${hex(CU)} Root`,
      `delete registry ${hex(CU)} Root ${ssl.sha1}`,
      `list system ${hex(CU)} Root`,
      `add registry ${hex(LM_GP)} Root ${ssl.file}`,
      `delete registry ${hex(LM)} Root ${ssl.sha1}`,
      `list registry ${hex(LM)} Root`,
      `list registry ${hex(LM_GP)} Root`,
      `delete registry ${hex(LM_GP)} Root ${ssl.sha1}`,
    ]);
    expect(steps.map((x) => x.rc)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const count = (i: number) => parseList(steps[i]!.out).filter((x) => x.sha1 === ssl.sha1).length;
    // The logical CurrentUser Root (what X509Store('Root','CurrentUser') opens) lists both copies:
    // removing "the" certificate through it could hit the machine's copy, hence .Default only.
    expect(count(2)).toBe(2);
    expect(count(4)).toBe(1); // the machine-wide copy, untouched
    expect(count(7)).toBe(0);
    expect(count(8)).toBe(1); // the Group Policy copy survives a delete from .Default
  }, 240_000);
});
