// The pack for a 200-PC fleet, run for real under pwsh: which physical copy of the root a scope sees
// (only lantrust's .Default is ever changed), root rotation, logs and event-log entries, Test -Browsers,
// policy-only packs for roots without name constraints, the 64-bit registry view, and New-LanTrustGpo's
// rights check and rotation. Only what Windows alone has is stood in for (test/pack/fakes.ts).
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describe as describeCert } from '../../src/main/cert/describe.js';
import { buildPack, writePack } from '../../src/main/pack/generate.js';
import { psQuote, renderCore, toScriptFile } from '../../src/main/pack/powershell.js';
import { makeRoot, tempDir } from '../helpers/certs.js';
import { fakeEventLog, fakeGroupPolicy, fakeRegistry, FAKE_STORES, withFakes } from './fakes.js';
import { lastJson, pwshPath, pwshScript, tempHome } from './pwsh.js';

pwshPath(); // required oracle: missing = failure
const work = tempDir('lantrust-fleet-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const q = psQuote;

/** SHA-1 thumbprint as Node's crypto (OpenSSL) computes it: upper-case hex, no colons. */
const thumb = (der: Buffer) => new X509Certificate(der).fingerprint.replace(/:/g, '');
const sha256 = (der: Buffer) => new X509Certificate(der).fingerprint256.replace(/:/g, '').toLowerCase();

interface PackOpts {
  root: Buffer;
  replaces?: Buffer[];
  permit?: boolean;
  windowsStore?: boolean;
  company?: string;
}

/** Writes the pack and fake-instrumented copies of its scripts ("<name>.fake.ps1"). */
async function pack(dir: string, o: PackOpts, fakes: string): Promise<Record<string, string>> {
  const p = buildPack({
    rootDer: o.root,
    info: describeCert(o.root).info,
    company: o.company ?? 'Fleet Co',
    ...(o.permit === false ? {} : { permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16'] }),
    scope: 'CurrentUser',
    replaces: o.replaces ?? [],
    windowsStore: o.windowsStore ?? false,
  });
  await writePack(dir, p.files);
  const out: Record<string, string> = {};
  for (const n of ['Install-LanTrustRoot', 'Test-LanTrustRoot', 'Uninstall-LanTrustRoot', 'New-LanTrustGpo']) {
    const file = join(dir, `${n}.fake.ps1`);
    writeFileSync(file, withFakes(readFileSync(join(dir, `${n}.ps1`), 'latin1'), fakes), 'latin1');
    out[n] = file;
  }
  return out;
}

/** PowerShell that puts certificates (base64 DER) into a real .NET CurrentUser store. */
const put = (store: string, ders: Buffer[]) =>
  `$s = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList ${q(store)}, 'CurrentUser'; $s.Open('ReadWrite'); ${ders
    .map((d) => `$s.Add((New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(,[Convert]::FromBase64String(${q(d.toString('base64'))}))))`)
    .join('; ')}; $s.Close()`;

/** Driver prelude: Snap lists every store's thumbprints; Step runs one script and records its output and exit code. */
const PRELUDE = `
$ErrorActionPreference = 'Stop'
function Snap {
  $o = [ordered]@{}
  foreach ($n in @('Root', 'LanTrustFake.GroupPolicy', 'LanTrustFake.LocalMachine', 'LanTrustFake.LocalMachineGroupPolicy', 'LanTrustFake.LocalMachineEnterprise')) {
    $st = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList $n, 'CurrentUser'
    $st.Open('ReadOnly'); $o[$n] = @($st.Certificates | ForEach-Object { $_.Thumbprint } | Sort-Object); $st.Close()
  }
  return $o
}
$out = @()
function Step { param([string]$Name, [string]$File, [hashtable]$P)
  $global:LASTEXITCODE = -99
  $lines = @(& $File @P 2>&1 | ForEach-Object { [string]$_ })
  $script:out += [pscustomobject]@{ step = $Name; code = $LASTEXITCODE; output = $lines; store = (Snap) }
}
`;

type Step = { step: string; code: number; output: string[]; store: Record<string, string[]> };
function steps(r: ReturnType<typeof pwshScript>): Map<string, Step> {
  return new Map(lastJson<Step[]>(r).map((x) => [x.step, x]));
}

describe('physical stores: only lantrust\'s copy (.Default) is changed; other copies are reported', () => {
  it('a Group Policy / machine-wide copy counts as trusted, gets no second copy, and Uninstall leaves it (saying so)', async () => {
    const home = tempHome();
    const root = makeRoot({ name: 'Phys Root' }).der;
    const other = makeRoot({ name: 'Someone Else', key: 'ec-p384' }).der;
    const s = await pack(join(work, 'phys'), { root }, FAKE_STORES);
    const log = join(work, 'phys.log');
    const r = pwshScript(
      `${PRELUDE}
${put('LanTrustFake.LocalMachineGroupPolicy', [root])}
${put('Root', [other])}
Step 'test-gp' ${q(s['Test-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
Step 'install-gp' ${q(s['Install-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
Step 'uninstall-gp' ${q(s['Uninstall-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
${put('LanTrustFake.LocalMachine', [root])}
${put('Root', [root])}
Step 'test-both' ${q(s['Test-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
Step 'uninstall-both' ${q(s['Uninstall-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
Step 'uninstall-again' ${q(s['Uninstall-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
ConvertTo-Json -InputObject $out -Depth 5 -Compress
`,
      home,
    );
    const st = steps(r);
    const t = thumb(root);
    const get = (n: string) => st.get(n)!;
    expect(get('test-gp').code).toBe(0);
    expect(get('test-gp').output).toEqual([`LanTrust: OK: the Fleet Co root is trusted present machine-wide, managed by Group Policy [.LocalMachineGroupPolicy] (SHA-256 ${sha256(root)}).`]);
    expect(get('install-gp').code).toBe(0);
    expect(get('install-gp').output).toEqual(['LanTrust: the Fleet Co root is already trusted (present machine-wide, managed by Group Policy [.LocalMachineGroupPolicy]), nothing added.']);
    expect(get('install-gp').store.Root).toEqual([thumb(other)]); // no second copy (and no Security Warning for nothing)
    expect(get('uninstall-gp').code).toBe(0);
    expect(get('uninstall-gp').output.at(-1)).toBe(
      'LanTrust: the Fleet Co root was not in CurrentUser\\Root, nothing removed; still trusted through copies lantrust does not touch: present machine-wide, managed by Group Policy [.LocalMachineGroupPolicy].',
    );
    expect(get('uninstall-gp').store['LanTrustFake.LocalMachineGroupPolicy']).toEqual([t]);
    expect(get('test-both').output[0]).toContain('trusted in CurrentUser\\Root (lantrust\'s copy) [.Default]; present machine-wide (LocalMachine\\Root) [.LocalMachine]; present machine-wide, managed by Group Policy [.LocalMachineGroupPolicy]');
    expect(get('uninstall-both').output.at(-1)).toMatch(/^LanTrust: removed the Fleet Co root from CurrentUser\\Root; still trusted through copies lantrust does not touch: present machine-wide \(LocalMachine\\Root\) \[\.LocalMachine\], present machine-wide, managed by Group Policy/);
    const after = get('uninstall-both').store;
    expect(after.Root).toEqual([thumb(other)]);
    expect(after['LanTrustFake.LocalMachine']).toEqual([t]);
    expect(after['LanTrustFake.LocalMachineGroupPolicy']).toEqual([t]);
    expect(get('uninstall-again').store).toEqual(after);
    for (const x of st.values()) expect(x.output, x.step).toHaveLength(1); // one line for Intune/RMM, always
    rmSync(home, { recursive: true, force: true });
  }, 180_000);
});

describe('root rotation (gen --replaces)', () => {
  it('Install removes the replaced roots from lantrust\'s copy and their Chrome/Edge entries, reports GP copies, carries Firefox; Uninstall touches only what it was told about', async () => {
    const home = tempHome();
    const oldA = makeRoot({ name: 'Old Root A' }).der;
    const oldB = makeRoot({ name: 'Old pfSense CA', key: 'rsa-2048', constraints: null }).der;
    const bystander = makeRoot({ name: 'Bystander', key: 'ec-p384' }).der;
    const root = makeRoot({ name: 'New Root' }).der;
    const reg = join(work, 'rot-reg.json');
    const C = 'HKCU:\\SOFTWARE\\Policies\\Google\\Chrome|CACertificatesWithConstraints';
    const E = 'HKCU:\\SOFTWARE\\Policies\\Microsoft\\Edge|CACertificatesWithConstraints';
    const FF = 'HKCU:\\SOFTWARE\\Policies\\Mozilla\\Firefox\\Certificates|ImportEnterpriseRoots';
    const entry = (d: Buffer) => ({ certificate: d.toString('base64'), constraints: { permitted_dns_names: ['x.example'] } });
    // Before: the old root's install left its Chrome/Edge entries (next to another admin's) and its Firefox marker.
    writeFileSync(
      reg,
      JSON.stringify({
        [C]: JSON.stringify([entry(bystander), entry(oldA)]),
        [E]: JSON.stringify([entry(oldA)]),
        [FF]: 1,
        [`HKCU:\\SOFTWARE\\LanTrust\\${thumb(oldA)}|FirefoxImportEnterpriseRoots`]: 1,
      }),
    );
    const s = await pack(join(work, 'rot'), { root, replaces: [oldA, oldB] }, FAKE_STORES + fakeRegistry(reg));
    const r = pwshScript(
      `${PRELUDE}
${put('Root', [oldA, oldB, bystander])}
${put('LanTrustFake.LocalMachineGroupPolicy', [oldB])}
Step 'install' ${q(s['Install-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(join(work, 'rot.log'))} }
$script:reg1 = Get-Content -Raw ${q(reg)}
Step 'test' ${q(s['Test-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(join(work, 'rot.log'))} }
Step 'uninstall' ${q(s['Uninstall-LanTrustRoot']!)} @{ LogPath = ${q(join(work, 'rot.log'))} }
$script:reg2 = Get-Content -Raw ${q(reg)}
ConvertTo-Json -InputObject @(@($out) + @([pscustomobject]@{ step = 'reg'; code = 0; output = @($reg1, $reg2); store = @{} })) -Depth 5 -Compress
`,
      home,
    );
    const st = steps(r);
    const install = st.get('install')!;
    expect(install.code, install.output.join('\n')).toBe(0);
    expect(install.output).toHaveLength(1);
    expect(install.output[0]).toMatch(/^LanTrust: added the Fleet Co root to CurrentUser\\Root \(SHA-256 [0-9a-f]{64}\); browser policies: \d value\(s\) written; replaced roots removed: 2 certificate\(s\), 2 policy value\(s\); not touched: replaced root [0-9a-f]{16}\.\.\. still present machine-wide, managed by Group Policy \[\.LocalMachineGroupPolicy\]\.$/);
    expect(install.store.Root).toEqual([thumb(bystander), thumb(root)].sort());
    expect(install.store['LanTrustFake.LocalMachineGroupPolicy']).toEqual([thumb(oldB)]);
    const reg1 = JSON.parse(st.get('reg')!.output[0]!) as Record<string, unknown>;
    const certsIn = (v: unknown) => (JSON.parse(String(v)) as { certificate: string }[]).map((e) => e.certificate);
    expect(certsIn(reg1[C])).toEqual([bystander.toString('base64'), root.toString('base64')]);
    expect(certsIn(reg1[E])).toEqual([root.toString('base64')]);
    expect(reg1[FF]).toBe(1);
    expect(reg1[`HKCU:\\SOFTWARE\\LanTrust\\${thumb(oldA)}|FirefoxImportEnterpriseRoots`]).toBeUndefined();
    expect(reg1[`HKCU:\\SOFTWARE\\LanTrust\\${thumb(root)}|FirefoxImportEnterpriseRoots`]).toBe(1); // inherited
    expect(st.get('test')!.code).toBe(0);
    const un = st.get('uninstall')!;
    expect(un.code).toBe(0);
    expect(un.store.Root).toEqual([thumb(bystander)]);
    expect(un.store['LanTrustFake.LocalMachineGroupPolicy']).toEqual([thumb(oldB)]); // never told to touch it
    const reg2 = JSON.parse(st.get('reg')!.output[1]!) as Record<string, unknown>;
    expect(certsIn(reg2[C])).toEqual([bystander.toString('base64')]);
    expect(reg2[E]).toBeUndefined();
    expect(reg2[FF]).toBeUndefined(); // lantrust set it (through the old root's install), so it goes
    rmSync(home, { recursive: true, force: true });
  }, 180_000);
});

describe('logs IT can read, and Test -Browsers', () => {
  it('one stdout line; the log file is capped; each run writes an event with outcome, thumbprint, scope and exit code; Test -Browsers names what is missing', async () => {
    const home = tempHome();
    const root = makeRoot({ name: 'Log Root' }).der;
    const reg = join(work, 'log-reg.json');
    writeFileSync(reg, '{}');
    const events = join(work, 'events.jsonl');
    const s = await pack(join(work, 'logs'), { root }, FAKE_STORES + fakeRegistry(reg) + fakeEventLog(events));
    const logDir = join(work, 'logdir');
    mkdirSync(logDir);
    const log = join(logDir, 'lantrust.log');
    writeFileSync(log, `${'x'.repeat(100)}\n`.repeat(11_000)); // 1.1 MB: the next line moves it aside
    const C = 'HKCU:\\SOFTWARE\\Policies\\Google\\Chrome|CACertificatesWithConstraints';
    const E = 'HKCU:\\SOFTWARE\\Policies\\Microsoft\\Edge|CACertificatesWithConstraints';
    const FF = 'HKCU:\\SOFTWARE\\Policies\\Mozilla\\Firefox\\Certificates|ImportEnterpriseRoots';
    const drop = (k: string) => `$h = Get-Content -Raw ${q(reg)} | ConvertFrom-Json; $h.PSObject.Properties.Remove(${q(k)}); ConvertTo-Json -InputObject $h -Compress | Set-Content ${q(reg)}`;
    const r = pwshScript(
      `${PRELUDE}
Step 'test-none' ${q(s['Test-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(log)} }
Step 'install-no-browsers' ${q(s['Install-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
Step 'test-no-browsers' ${q(s['Test-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(log)} }
Step 'test-plain' ${q(s['Test-LanTrustRoot']!)} @{ LogPath = ${q(log)} }
Step 'install' ${q(s['Install-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(log)} }
Step 'test-all' ${q(s['Test-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(log)} }
${drop(E)}
Step 'test-no-edge' ${q(s['Test-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(log)} }
${drop(FF)}
${drop(C)}
Step 'test-no-browsers-2' ${q(s['Test-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(log)} }
ConvertTo-Json -InputObject $out -Depth 5 -Compress
`,
      home,
    );
    const st = steps(r);
    const line = (n: string) => {
      const x = st.get(n)!;
      expect(x.output, n).toHaveLength(1);
      return [x.code, x.output[0]] as const;
    };
    expect(line('test-none')).toEqual([1, 'LanTrust: the Fleet Co root is NOT in CurrentUser\\Root; also missing: Chrome policy, Edge policy, Firefox ImportEnterpriseRoots.']);
    expect(line('install-no-browsers')[0]).toBe(0);
    expect(line('test-no-browsers')).toEqual([1, 'LanTrust: the Fleet Co root is in the store (in CurrentUser\\Root (lantrust\'s copy) [.Default]) but missing: Chrome policy, Edge policy, Firefox ImportEnterpriseRoots.']);
    expect(line('test-plain')[0]).toBe(0);
    expect(line('install')[1]).toContain('browser policies: 3 value(s) written');
    expect(line('test-all')).toEqual([0, `LanTrust: OK: the Fleet Co root is trusted in CurrentUser\\Root (lantrust's copy) [.Default]; browser policies present (SHA-256 ${sha256(root)}).`]);
    expect(line('test-no-edge')).toEqual([1, 'LanTrust: the Fleet Co root is in the store (in CurrentUser\\Root (lantrust\'s copy) [.Default]) but missing: Edge policy.']);
    expect(line('test-no-browsers-2')[1]).toMatch(/but missing: Chrome policy, Edge policy, Firefox ImportEnterpriseRoots\.$/);
    // The log: capped (the old 1.1 MB moved to .1), every run's line appended, ASCII.
    expect(statSync(`${log}.1`).size).toBeGreaterThan(1_048_576);
    const text = readFileSync(log, 'latin1');
    expect(statSync(log).size).toBeLessThan(20_000);
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d LanTrust: the Fleet Co root is NOT in CurrentUser\\Root; also missing/m);
    expect(text).toContain(`added to CurrentUser\\Root: ${thumb(root)}`);
    // The event log (stand-in for [System.Diagnostics.EventLog]::WriteEntry): one entry per run.
    const ev = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; type: string; id: number });
    expect(ev.map((e) => e.id)).toEqual([2001, 1000, 2001, 2000, 1000, 2000, 2001, 2001]);
    expect(ev.map((e) => e.type)).toEqual(['Warning', 'Information', 'Warning', 'Information', 'Information', 'Information', 'Warning', 'Warning']);
    expect(ev[1]!.text).toBe(
      `${st.get('install-no-browsers')!.output[0]}\r\n\r\nScript: Install-LanTrustRoot\r\nScope: CurrentUser\r\nRoot thumbprint: ${thumb(root)}\r\nRoot SHA-256: ${sha256(root)}\r\nExit code: 0`,
    );
    rmSync(home, { recursive: true, force: true });
  }, 180_000);

  it('without a stand-in, off Windows: no event log, no default log file, and still one line', async () => {
    const home = tempHome();
    const root = makeRoot({ name: 'Quiet Root' }).der;
    const dir = join(work, 'quiet');
    const p = buildPack({ rootDer: root, info: describeCert(root).info, company: 'Quiet Co', scope: 'CurrentUser' });
    await writePack(dir, p.files);
    const r = pwshScript(`${PRELUDE}\nStep 'fail' ${q(join(dir, 'Install-LanTrustRoot.ps1'))} @{ Scope = 'LocalMachine' }\nConvertTo-Json -InputObject $out -Depth 5 -Compress\n`, home);
    const st = steps(r).get('fail')!;
    // LocalMachine\Root is read-only for .NET on Linux: a failure, reported in one line with exit 1.
    expect(st.code).toBe(1);
    expect(st.output).toHaveLength(1);
    expect(st.output[0]).toMatch(/^LanTrust: FAILED: Cannot open the LocalMachine Root store for writing/);
    expect(existsSync(join(home, 'LanTrust'))).toBe(false);
    rmSync(home, { recursive: true, force: true });
  }, 120_000);
});

describe('a root without name constraints, given --permit', () => {
  it('goes to the Chrome/Edge policy only (not the Windows store, not Firefox); Test checks the policy; Uninstall removes it', async () => {
    const home = tempHome();
    const root = makeRoot({ name: 'Open pfSense CA', constraints: null }).der;
    const reg = join(work, 'open-reg.json');
    writeFileSync(reg, '{}');
    const s = await pack(join(work, 'open'), { root }, FAKE_STORES + fakeRegistry(reg));
    const r = pwshScript(
      `${PRELUDE}
Step 'test-before' ${q(s['Test-LanTrustRoot']!)} @{ LogPath = ${q(join(work, 'open.log'))} }
Step 'install' ${q(s['Install-LanTrustRoot']!)} @{ Browsers = $true; LogPath = ${q(join(work, 'open.log'))} }
$script:r1 = Get-Content -Raw ${q(reg)}
Step 'test' ${q(s['Test-LanTrustRoot']!)} @{ LogPath = ${q(join(work, 'open.log'))} }
Step 'uninstall' ${q(s['Uninstall-LanTrustRoot']!)} @{ LogPath = ${q(join(work, 'open.log'))} }
Step 'test-after' ${q(s['Test-LanTrustRoot']!)} @{ LogPath = ${q(join(work, 'open.log'))} }
ConvertTo-Json -InputObject @(@($out) + @([pscustomobject]@{ step = 'reg'; code = 0; output = @($r1); store = @{} })) -Depth 5 -Compress
`,
      home,
    );
    const st = steps(r);
    expect(st.get('test-before')!.code).toBe(1);
    expect(st.get('install')!.code).toBe(0);
    expect(st.get('install')!.output[0]).toMatch(/^LanTrust: added to the Chrome and Edge policy only, not the Windows Root store: the Fleet Co root has no name constraints of its own/);
    expect(st.get('install')!.store.Root).toEqual([]);
    const reg1 = JSON.parse(st.get('reg')!.output[0]!) as Record<string, string>;
    expect(Object.keys(reg1).sort()).toEqual(['HKCU:\\SOFTWARE\\Policies\\Google\\Chrome|CACertificatesWithConstraints', 'HKCU:\\SOFTWARE\\Policies\\Microsoft\\Edge|CACertificatesWithConstraints']);
    expect(JSON.parse(reg1['HKCU:\\SOFTWARE\\Policies\\Google\\Chrome|CACertificatesWithConstraints']!)).toEqual([
      { certificate: root.toString('base64'), constraints: { permitted_dns_names: ['cams.example.com'], permitted_cidrs: ['192.168.0.0/16'] } },
    ]);
    expect(st.get('test')!.code).toBe(0);
    expect(st.get('test')!.output[0]).toMatch(/^LanTrust: OK: the Fleet Co root is trusted by the Chrome and Edge policy/);
    expect(st.get('uninstall')!.code).toBe(0);
    expect(st.get('test-after')!.output[0]).toBe('LanTrust: the Fleet Co root is NOT trusted: missing Chrome policy, Edge policy.');
    rmSync(home, { recursive: true, force: true });
  }, 180_000);
});

describe('32-bit hosts: the registry is always opened in its 64-bit view', () => {
  it('every registry access in the core goes through OpenBaseKey(..., Registry64); no provider paths (which a 32-bit host would redirect)', () => {
    const root = makeRoot().der;
    const file = join(work, 'core.ps1');
    writeFileSync(file, toScriptFile(renderCore({ rootDer: root, company: 'X' })));
    const r = pwshScript(
      `
$t = $null; $e = $null
$ast = [System.Management.Automation.Language.Parser]::ParseFile(${q(file)}, [ref]$t, [ref]$e)
$base = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and $n.Member.Extent.Text -eq 'OpenBaseKey' }, $true) | ForEach-Object { $_.Arguments[1].Extent.Text })
$provider = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and @('Get-ItemProperty', 'New-ItemProperty', 'Set-ItemProperty', 'Remove-ItemProperty') -contains $n.GetCommandName() }, $true)).Count
$hkPaths = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and @('Test-Path', 'New-Item', 'Remove-Item', 'Get-Item') -contains $n.GetCommandName() -and $n.Extent.Text -match 'HK(LM|CU)' }, $true)).Count
ConvertTo-Json -Compress -InputObject @{ errors = $e.Count; openBaseKey = $base; provider = $provider; hkPaths = $hkPaths }
`,
      work,
    );
    const a = lastJson<{ errors: number; openBaseKey: string[]; provider: number; hkPaths: number }>(r);
    expect(a.errors).toBe(0);
    expect(a.openBaseKey.length).toBeGreaterThanOrEqual(2);
    for (const v of a.openBaseKey) expect(v).toBe('[Microsoft.Win32.RegistryView]::Registry64');
    expect(a.provider).toBe(0);
    expect(a.hkPaths).toBe(0);
  });

  it('the crypt32 declarations for one physical store are emitted by the real .NET (called only on Windows)', () => {
    const file = join(work, 'native.ps1');
    writeFileSync(file, toScriptFile(`${renderCore({ rootDer: makeRoot().der, company: 'X' })}\n$t = Get-LanTrustNative\n$o = @()\nforeach ($m in $t.GetMethods() | Where-Object { $_.DeclaringType -eq $t }) { $a = $m.GetCustomAttributes([System.Runtime.InteropServices.DllImportAttribute], $false); $o += [pscustomobject]@{ name = $m.Name; params = @($m.GetParameters() | ForEach-Object { $_.ParameterType.Name }); ret = $m.ReturnType.Name; dll = $a[0].Value; lastError = $a[0].SetLastError; charset = [string]$a[0].CharSet; preserveSig = $a[0].PreserveSig } }\nConvertTo-Json -InputObject $o -Compress\n`));
    const r = pwshScript(`& ${q(file)}`, work);
    const m = lastJson<{ name: string; params: string[]; ret: string; dll: string; lastError: boolean; charset: string; preserveSig: boolean }[]>(r).sort((a, b) => a.name.localeCompare(b.name));
    expect(m).toEqual([
      { name: 'CertCloseStore', params: ['IntPtr', 'UInt32'], ret: 'Boolean', dll: 'crypt32.dll', lastError: true, charset: 'Unicode', preserveSig: true },
      { name: 'CertOpenStore', params: ['IntPtr', 'UInt32', 'IntPtr', 'UInt32', 'String'], ret: 'IntPtr', dll: 'crypt32.dll', lastError: true, charset: 'Unicode', preserveSig: true },
    ]);
  });
});

describe('New-LanTrustGpo: rights first, then the GPO (stand-ins for the GroupPolicy cmdlets and AD ACLs)', () => {
  const GPC = 'f30e3bc2-9ff0-11d1-b603-0000f80367c1';
  const LINK = 'f30e3bbe-9ff0-11d1-b603-0000f80367c1';
  const ANY = '00000000-0000-0000-0000-000000000000';
  const ME = 'S-1-5-21-1-2-3-1105';
  const GPCO = 'S-1-5-21-1-2-3-520';
  const OU = 'OU=Workstations,DC=corp,DC=example';
  const POLICIES = 'CN=Policies,CN=System,DC=corp,DC=example';

  it('refuses, writing nothing, when a right is missing; otherwise writes the Blob, merges the browser policy and removes replaced roots', async () => {
    const oldRoot = makeRoot({ name: 'Old GPO Root' }).der;
    const other = makeRoot({ name: 'Other Admin Root', key: 'ec-p384' }).der;
    const root = makeRoot({ name: 'GPO Root' }).der;
    const certs = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates\\';
    const chrome = 'HKLM\\SOFTWARE\\Policies\\Google\\Chrome|CACertificatesWithConstraints';
    const entry = (d: Buffer) => ({ certificate: d.toString('base64'), constraints: { permitted_dns_names: ['x.example'] } });
    const base = {
      domainError: '',
      module: true,
      gpo: false,
      calls: [] as string[],
      values: {} as Record<string, unknown>,
      sids: [ME, 'S-1-5-11'],
      permissions: [] as unknown[],
      acl: { [POLICIES]: [{ sid: GPCO, rights: 'CreateChild', objectType: GPC, allow: true }], [OU]: [{ sid: ME, rights: 'ReadProperty, WriteProperty', objectType: LINK, allow: true }] },
    };
    const cases: Record<string, Partial<typeof base> & { params: string }> = {
      'no-module': { module: false, params: '@{}' },
      'no-domain': { domainError: 'The specified domain either does not exist or could not be contacted.', params: '@{}' },
      'cannot-create': { params: '@{}' },
      'cannot-link': { sids: [ME, GPCO], acl: { ...base.acl, [OU]: [{ sid: 'S-1-5-21-1-2-3-999', rights: 'WriteProperty', objectType: LINK, allow: true }] }, params: `@{ LinkTo = ${q(OU)} }` },
      'cannot-edit': { gpo: true, permissions: [{ sid: 'S-1-5-21-1-2-3-512', permission: 'GpoEditDeleteModifySecurity' }, { sid: ME, permission: 'GpoRead' }], params: '@{}' },
      'denied-create': { sids: [ME, GPCO], acl: { ...base.acl, [POLICIES]: [{ sid: GPCO, rights: 'CreateChild', objectType: GPC, allow: true }, { sid: ME, rights: 'CreateChild', objectType: ANY, allow: false }] }, params: '@{}' },
      create: {
        sids: [ME, GPCO],
        values: { [chrome]: JSON.stringify([entry(other), entry(oldRoot)]), [`${certs}${thumb(oldRoot)}|Blob`]: 'AAAA' },
        params: `@{ LinkTo = ${q(OU)} }`,
      },
      'edit-through-group': { gpo: true, sids: [ME, GPCO], permissions: [{ sid: GPCO, permission: 'GpoEdit' }], params: '@{}' },
    };
    const dir = join(work, 'gpo');
    mkdirSync(dir);
    const runs: string[] = [];
    for (const [name, c] of Object.entries(cases)) {
      const state = join(dir, `${name}.json`);
      const { params, ...rest } = c;
      writeFileSync(state, JSON.stringify({ ...base, ...rest }));
      const s = await pack(join(dir, name), { root, replaces: [oldRoot] }, fakeGroupPolicy(state) + fakeEventLog(join(dir, `${name}.events`)));
      runs.push(`Step ${q(name)} ${q(s['New-LanTrustGpo']!)} (${params} + @{ LogPath = ${q(join(dir, 'gpo.log'))} })`);
    }
    const r = pwshScript(`${PRELUDE}\n${runs.join('\n')}\nConvertTo-Json -InputObject $out -Depth 5 -Compress\n`, work);
    const st = steps(r);
    const state = (n: string) => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as typeof base;
    const line = (n: string) => {
      const x = st.get(n)!;
      expect(x.output, n).toHaveLength(1);
      return [x.code, x.output[0]!] as const;
    };
    expect(line('no-module')).toEqual([1, 'LanTrust: FAILED: The GroupPolicy module is not installed; run this on a domain controller or install RSAT Group Policy Management Tools.']);
    expect(line('cannot-create')).toEqual([1, 'LanTrust: FAILED: Nothing was written: this account lacks permission to create GPOs in the domain (Group Policy Creator Owners or Domain Admins); run it as a domain admin or ask one to delegate it.']);
    expect(line('cannot-link')).toEqual([1, `LanTrust: FAILED: Nothing was written: this account lacks permission to link GPOs to ${OU} (Link GPOs, in its Delegation tab); run it as a domain admin or ask one to delegate it.`]);
    expect(line('cannot-edit')[1]).toBe('LanTrust: FAILED: Nothing was written: this account lacks permission to edit the GPO "Fleet Co - LanTrust root" (Edit settings, in its Delegation tab); run it as a domain admin or ask one to delegate it.');
    expect(line('denied-create')[0]).toBe(1);
    expect(line('no-domain')).toEqual([1, 'LanTrust: FAILED: Nothing was written: the GPO rights could not be checked because Active Directory could not be read (The specified domain either does not exist or could not be contacted.); run this on a domain controller or a domain-joined computer with RSAT, as a domain account.']);
    for (const n of ['no-module', 'no-domain', 'cannot-create', 'cannot-link', 'cannot-edit', 'denied-create']) expect(state(n).calls, n).toEqual([]);

    expect(line('create')).toEqual([0, `LanTrust: created GPO "Fleet Co - LanTrust root" (4 value(s), root ${thumb(root)}); 2 replaced root setting(s) removed; linked to ${OU}.`]);
    const done = state('create');
    expect(done.calls).toEqual([
      'New-GPO Fleet Co - LanTrust root',
      `Set ${certs}${thumb(root)}|Blob`,
      `Remove ${certs}${thumb(oldRoot)}|`,
      `Set ${chrome}`,
      'Set HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge|CACertificatesWithConstraints',
      'Set HKLM\\SOFTWARE\\Policies\\Mozilla\\Firefox\\Certificates|ImportEnterpriseRoots',
      `Link ${OU}`,
    ]);
    // The Blob ends with the root's DER; the other admin's entry stays, the replaced root's goes.
    expect(Buffer.from(String(done.values[`${certs}${thumb(root)}|Blob`]), 'base64').subarray(-root.length).equals(root)).toBe(true);
    expect((JSON.parse(String(done.values[chrome])) as { certificate: string }[]).map((e) => e.certificate)).toEqual([other.toString('base64'), root.toString('base64')]);
    expect(done.values[`${certs}${thumb(oldRoot)}|Blob`]).toBeUndefined();
    expect(line('edit-through-group')[1]).toMatch(/^LanTrust: updated GPO "Fleet Co - LanTrust root" \(4 value\(s\)/);
    // Its event: id 4000 / 4001.
    expect(JSON.parse(readFileSync(join(dir, 'create.events'), 'utf8').trim()).id).toBe(4000);
    expect(JSON.parse(readFileSync(join(dir, 'cannot-create.events'), 'utf8').trim()).id).toBe(4001);
  }, 240_000);
});
