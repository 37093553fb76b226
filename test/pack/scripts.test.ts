// The generated PowerShell, checked by the real PowerShell: its parser (and a walk of the AST for
// syntax Windows PowerShell 5.1 lacks), and real runs of Install / Test / Uninstall against
// CurrentUser\Root under pwsh on Linux, in a throw-away HOME.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describe as describeCert } from '../../src/main/cert/describe.js';
import { buildPack, writePack, SCRIPT_NAMES } from '../../src/main/pack/generate.js';
import { psBase64String, psQuote } from '../../src/main/pack/powershell.js';
import * as x509 from '../../src/main/ca/x509.js';
import { buildConstraints } from '../../src/main/constraints/model.js';
import { keyPair, makeRoot, tempDir } from '../helpers/certs.js';
import { lastJson, pwshFile, pwshPath, pwshScript, tempHome } from './pwsh.js';

pwshPath(); // required oracle: missing = failure
const work = tempDir('lantrust-pack-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function makePack(dir: string, opts: { company?: string; subjectO?: string; root?: Buffer } = {}) {
  const der = opts.root ?? makeRoot().der;
  const pack = buildPack({ rootDer: der, info: describeCert(der).info, company: opts.company, permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16'], scope: 'CurrentUser' });
  await writePack(dir, pack.files);
  return { der, pack, info: describeCert(der).info };
}

const q = psQuote;

describe('generated scripts: text', () => {
  it('are ASCII with CRLF line ends, embed the root only as base64, and pin its SHA-256', async () => {
    const { der, info } = await makePack(join(work, 'text'), { company: 'Zürich AG ‘x’' });
    for (const name of SCRIPT_NAMES) {
      const buf = readFileSync(join(work, 'text', name));
      expect([...buf].every((b) => b < 0x80), name).toBe(true);
      expect(buf.toString('latin1')).not.toMatch(/[^\r]\n/);
      const text = buf.toString('latin1');
      expect(text).toContain(`$LanTrustRootBase64 = '${der.toString('base64')}'`);
      expect(text).toContain(`$LanTrustSha256 = '${info.sha256.replace(/:/g, '').toLowerCase()}'`);
      expect(text).not.toContain('Zürich');
    }
  });
});

describe('generated scripts under the real PowerShell', () => {
  const home = tempHome();
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('parse without errors and use no syntax or parameters Windows PowerShell 5.1 lacks', async () => {
    const dir = join(work, 'parse');
    await makePack(dir, { company: "Acme'; $(Get-Date) `n" });
    // Negative control: a file with every PS7-only construct the walk must find (the check can fail).
    const control = join(work, 'ps7-control.ps1');
    writeFileSync(
      control,
      [
        '$a = $true ? 1 : 2',
        '$b = $null ?? 3',
        '$c ??= 4',
        'Get-Date && Get-Date',
        'Get-Date || Get-Date',
        '$d = ${e}?.Length',
        '$f = ${g}?[0]',
        'if ($IsWindows) { 1 }',
        '1..3 | ForEach-Object -Parallel { $_ }',
        "'{}' | ConvertFrom-Json -AsHashtable",
        'function h { process { 1 } clean { 2 } }',
        'Get-Error',
      ].join('\n'),
    );
    const files = [...SCRIPT_NAMES.map((n) => join(dir, n)), control];
    const r = pwshScript(
      `
$files = @(${files.map(q).join(', ')})
$ps7Commands = @('Get-Error', 'Test-Json', 'Join-String', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-ExperimentalFeature', 'Import-PowerShellDataFile')
$ps7Params = @('Parallel', 'AsHashtable', 'AsByteStream', 'AsArray', 'SkipCertificateCheck', 'SkipHeaderValidation', 'ThrottleLimit', 'Depth:100')
$ps7Vars = @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR')
$out = @()
foreach ($f in $files) {
  $tokens = $null; $errs = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$tokens, [ref]$errs)
  $bad = @()
  foreach ($n in $ast.FindAll({ $true }, $true)) {
    $t = $n.GetType().Name
    if ($t -eq 'TernaryExpressionAst') { $bad += 'ternary' }
    if ($t -eq 'PipelineChainAst') { $bad += 'pipeline-chain' }
    if ($n -is [System.Management.Automation.Language.BinaryExpressionAst] -and $n.Operator -eq 'QuestionQuestion') { $bad += 'null-coalescing' }
    if ($n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Operator -eq 'QuestionQuestionEquals') { $bad += 'null-coalescing-assignment' }
    if ($n -is [System.Management.Automation.Language.MemberExpressionAst] -and $n.NullConditional) { $bad += 'null-conditional-member' }
    if ($n -is [System.Management.Automation.Language.IndexExpressionAst] -and $n.NullConditional) { $bad += 'null-conditional-index' }
    if ($n -is [System.Management.Automation.Language.ScriptBlockAst] -and $n.CleanBlock) { $bad += 'clean-block' }
    if ($n -is [System.Management.Automation.Language.VariableExpressionAst] -and ($ps7Vars -contains $n.VariablePath.UserPath)) { $bad += ('variable:' + $n.VariablePath.UserPath) }
    if ($n -is [System.Management.Automation.Language.CommandAst]) {
      $name = $n.GetCommandName()
      if ($ps7Commands -contains $name) { $bad += ('command:' + $name) }
      foreach ($e in $n.CommandElements) {
        if ($e -is [System.Management.Automation.Language.CommandParameterAst] -and ($ps7Params -contains $e.ParameterName)) { $bad += ('parameter:' + $e.ParameterName) }
      }
    }
  }
  $req = @($tokens | Where-Object { $_.Text -match '^#requires' })
  $out += [pscustomobject]@{ file = [System.IO.Path]::GetFileName($f); errors = @($errs | ForEach-Object { $_.Message + ' (line ' + $_.Extent.StartLineNumber + ')' }); ps7 = @($bad | Sort-Object -Unique); requires = $req.Count }
}
ConvertTo-Json -InputObject $out -Depth 4 -Compress
`,
      home,
    );
    const report = lastJson<{ file: string; errors: string[]; ps7: string[]; requires: number }[]>(r);
    const byName = new Map(report.map((x) => [x.file, x]));
    for (const name of SCRIPT_NAMES) {
      expect(byName.get(name), name).toEqual({ file: name, errors: [], ps7: [], requires: 0 });
    }
    expect(byName.get('ps7-control.ps1')!.ps7).toEqual(
      [
        'clean-block',
        'command:Get-Error',
        'null-coalescing',
        'null-coalescing-assignment',
        'null-conditional-index',
        'null-conditional-member',
        'parameter:AsHashtable',
        'parameter:Parallel',
        'pipeline-chain',
        'ternary',
        'variable:IsWindows',
      ].sort(),
    );
  });

  it('install, detect and uninstall exactly the pinned root in CurrentUser\\Root, idempotently, leaving other certificates alone', async () => {
    const dir = join(work, 'life');
    const { der, info } = await makePack(dir, { company: 'Life Co' });
    const other = makeRoot({ key: 'ec-p384', name: 'Other Root' }).der; // a different certificate already in the store
    const lookalike = makeRoot({ key: 'rsa-2048', name: 'Test Root' }).der; // same subject as ours, different key
    // A copy of Install whose embedded root was swapped for another certificate: the pin must stop it.
    const install = readFileSync(join(dir, 'Install-LanTrustRoot.ps1'), 'latin1');
    const tampered = join(dir, 'Tampered-Install.ps1');
    writeFileSync(tampered, install.replace(der.toString('base64'), other.toString('base64')), 'latin1');
    const log = join(work, 'install.log');
    const s = (n: string) => q(join(dir, n));
    const r = pwshScript(
      `
$ErrorActionPreference = 'Stop'
function Snap {
  $st = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'Root', 'CurrentUser'
  $st.Open('ReadOnly'); $t = @($st.Certificates | ForEach-Object { $_.Thumbprint } | Sort-Object); $st.Close()
  return ,$t
}
$st = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'Root', 'CurrentUser'
$st.Open('ReadWrite')
foreach ($b in @(${q(other.toString('base64'))}, ${q(lookalike.toString('base64'))})) { $st.Add((New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(,[Convert]::FromBase64String($b)))) }
$st.Close()
$steps = @(
  @('test-absent', ${s('Test-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser' }),
  @('install-whatif', ${s('Install-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser'; WhatIf = $true }),
  @('install', ${s('Install-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser'; LogPath = ${q(log)} }),
  @('install-again', ${s('Install-LanTrustRoot.ps1')}, @{ Browsers = $true }),
  @('test-present', ${s('Test-LanTrustRoot.ps1')}, @{}),
  @('tampered', ${q(tampered)}, @{ Scope = 'CurrentUser' }),
  @('uninstall-whatif', ${s('Uninstall-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser'; WhatIf = $true }),
  @('uninstall', ${s('Uninstall-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser' }),
  @('uninstall-again', ${s('Uninstall-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser' }),
  @('test-gone', ${s('Test-LanTrustRoot.ps1')}, @{ Scope = 'CurrentUser' })
)
$out = @()
foreach ($step in $steps) {
  $p = $step[2]
  $global:LASTEXITCODE = -99
  $lines = @(& $step[1] @p 2>&1 | ForEach-Object { [string]$_ })
  $out += [pscustomobject]@{ step = $step[0]; code = $LASTEXITCODE; output = $lines; store = (Snap) }
}
ConvertTo-Json -InputObject $out -Depth 4 -Compress
`,
      home,
    );
    type Step = { step: string; code: number; output: string[]; store: string[] };
    const steps = new Map(lastJson<Step[]>(r).map((x) => [x.step, x]));
    const ours = info.sha1Thumbprint;
    const others = [describeCert(other).info.sha1Thumbprint, describeCert(lookalike).info.sha1Thumbprint].sort();
    const count = (st: Step) => st.store.filter((t) => t === ours).length;
    const get = (n: string) => steps.get(n)!;

    expect(get('test-absent').code).toBe(1);
    expect(get('test-absent').output).toEqual(['LanTrust: the Life Co root is NOT in CurrentUser\\Root.']);
    expect(get('install-whatif').code).toBe(0);
    expect(count(get('install-whatif'))).toBe(0);
    expect(get('install').code).toBe(0);
    expect(get('install').output.at(-1)).toMatch(/^LanTrust: added the Life Co root to CurrentUser\\Root \(SHA-256 [0-9a-f]{64}\)\.$/);
    expect(count(get('install'))).toBe(1);
    // the pack's default scope (--scope CurrentUser) applies without -Scope; -Browsers is skipped off Windows
    expect(get('install-again').code).toBe(0);
    expect(get('install-again').output.at(-1)).toContain('already in CurrentUser\\Root, nothing added; -Browsers skipped');
    expect(count(get('install-again'))).toBe(1);
    expect(get('test-present').code).toBe(0);
    expect(get('test-present').output).toEqual([`LanTrust: OK: the Life Co root is trusted in CurrentUser\\Root (lantrust's copy) [.Default] (SHA-256 ${info.sha256.replace(/:/g, '').toLowerCase()}).`]);
    expect(get('tampered').code).toBe(1);
    expect(get('tampered').output.at(-1)).toMatch(/^LanTrust: FAILED: The embedded root does not match its pinned SHA-256/);
    expect(get('tampered').store).toEqual(get('test-present').store);
    expect(count(get('uninstall-whatif'))).toBe(1);
    expect(get('uninstall').code).toBe(0);
    expect(get('uninstall').output.at(-1)).toBe('LanTrust: removed the Life Co root from CurrentUser\\Root.');
    expect(count(get('uninstall'))).toBe(0);
    expect(get('uninstall-again').code).toBe(0);
    expect(get('uninstall-again').output.at(-1)).toContain('was not in CurrentUser\\Root, nothing removed');
    expect(get('test-gone').code).toBe(1);
    // the other certificates were there all along and are still there
    for (const st of steps.values()) expect(st.store.filter((t) => t !== ours).sort()).toEqual(others);
    expect(readFileSync(log, 'utf8')).toMatch(/added to CurrentUser\\Root: [0-9A-F]{40}/);
  });

  it('exit codes reach the caller of `pwsh -File` (how GPO, Intune and RMMs run them)', async () => {
    const dir = join(work, 'exit');
    await makePack(dir, { company: 'Exit Co' });
    const h = tempHome();
    try {
      const before = pwshFile(join(dir, 'Test-LanTrustRoot.ps1'), ['-Scope', 'CurrentUser'], h);
      expect(before.code).toBe(1);
      const inst = pwshFile(join(dir, 'Install-LanTrustRoot.ps1'), ['-Scope', 'CurrentUser'], h);
      expect(inst.code, inst.stdout + inst.stderr).toBe(0);
      expect(inst.stdout.trim().split('\n')).toHaveLength(1);
      // On Linux the GroupPolicy module is absent: one line, exit 1, after the pin and blob checks passed.
      const gpo = pwshFile(join(dir, 'New-LanTrustGpo.ps1'), ['-WhatIf'], h);
      expect(gpo.code).toBe(1);
      expect(gpo.stdout.trim()).toBe('LanTrust: FAILED: The GroupPolicy module is not installed; run this on a domain controller or install RSAT Group Policy Management Tools.');
    } finally {
      rmSync(h, { recursive: true, force: true });
    }
  });

  it('hostile company names and subjects inject nothing (a canary file proves it)', async () => {
    const canaryDir = join(work, 'canary');
    mkdirSync(canaryDir, { recursive: true });
    const c = (i: number) => join(canaryDir, `pwned-${i}`);
    const names = [
      (p: string) => `Acme'; New-Item -ItemType File -Path '${p}'; '`,
      (p: string) => `$(New-Item -ItemType File -Path '${p}')`,
      (p: string) => `\`$(New-Item -ItemType File -Path '${p}')\``,
      (p: string) => `Acme\nNew-Item -ItemType File -Path '${p}'\n# `,
      (p: string) => `Acme\u2018; New-Item -ItemType File -Path \u2019${p}\u2019; \u2018`,
      (p: string) => `Acme\u2019; New-Item -ItemType File -Path '${p}'; \u201b`,
      (p: string) => `"; New-Item -ItemType File -Path "${p}"; "`,
      (p: string) => `#>\nNew-Item -ItemType File -Path '${p}'\n<#`,
      (p: string) => `@'\n'@\nNew-Item -ItemType File -Path '${p}'\n@'`,
    ];
    const cases: { dir: string; company: string; viaSubject: boolean }[] = [];
    for (const [i, mk] of names.entries()) {
      const company = mk(c(i));
      const dir = join(work, `hostile-${i}`);
      const viaSubject = i % 2 === 1; // every other one arrives in the certificate's O= instead of --company
      await makePack(dir, viaSubject ? { root: rootWithO(company) } : { company });
      cases.push({ dir, company, viaSubject });
    }
    // Positive control: the same payload spliced naively into a script DOES create its canary.
    const unsafe = join(work, 'unsafe.ps1');
    writeFileSync(unsafe, `$c = '${names[0]!(c(99))}'\n`);
    const checks = ['ab', "it's", 'a‘b’c‚d‛e', '$(x) `t "q" @{}', 'line1\nline2\r\n'].map((s) => ({ s, lit: psQuote(s), b64: psBase64String(s) }));
    const r = pwshScript(
      `
$out = @()
foreach ($d in @(${cases.map((x) => q(x.dir)).join(', ')})) {
  foreach ($s in @('Install-LanTrustRoot.ps1', 'Test-LanTrustRoot.ps1', 'Uninstall-LanTrustRoot.ps1', 'New-LanTrustGpo.ps1')) {
    $p = @{}
    if ($s -ne 'New-LanTrustGpo.ps1') { $p['Scope'] = 'CurrentUser' }
    $lines = @(& (Join-Path $d $s) @p 2>&1 | ForEach-Object { [string]$_ })
    $out += [pscustomobject]@{ dir = $d; script = $s; code = $LASTEXITCODE; output = ($lines -join [char]10) }
  }
}
& ${q(unsafe)}
$lits = @(${checks.map((x) => `[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(${x.lit})), [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes((${x.b64})))`).join(', ')})
ConvertTo-Json -InputObject @{ runs = $out; lits = $lits } -Depth 4 -Compress
`,
      home,
    );
    const res = lastJson<{ runs: { dir: string; script: string; code: number; output: string }[]; lits: string[] }>(r);
    for (let i = 0; i < names.length; i++) expect(existsSync(c(i)), `canary ${i} (${JSON.stringify(cases[i]!.company)})`).toBe(false);
    expect(existsSync(c(99)), 'positive control: a naive splice is injectable').toBe(true);
    for (const run of res.runs) {
      const k = cases.find((x) => x.dir === run.dir)!;
      const shown = k.company.trim().replace(/[\r\n\t]+/g, ' ');
      if (run.script === 'New-LanTrustGpo.ps1') expect(run.code).toBe(1);
      else {
        expect(run.code, `${run.script} ${run.output}`).toBe(0);
        // the name came through as text, exactly
        expect(run.output).toContain(`the ${shown} root`);
      }
    }
    // psQuote and psBase64String give back exactly the input, for quotes of every kind, $(), backticks, newlines
    checks.forEach((x, i) => {
      expect(Buffer.from(res.lits[2 * i]!, 'base64').toString('utf8')).toBe(x.s);
      expect(Buffer.from(res.lits[2 * i + 1]!, 'base64').toString('utf8')).toBe(x.s);
    });
  });
});

/** A root whose subject O= is `o` (how a hostile certificate would deliver the name). */
function rootWithO(o: string): Buffer {
  const kp = keyPair();
  return x509.buildCertificate({
    subject: [['O', o], ['CN', 'Hostile Root']],
    notBefore: new Date(Date.now() - 864e5),
    notAfter: new Date(Date.now() + 3650 * 864e5),
    publicKey: kp.publicKey,
    signingKey: kp.privateKey,
    extensions: [
      x509.basicConstraints(true, 0),
      x509.keyUsage(['keyCertSign', 'cRLSign']),
      x509.subjectKeyIdentifier(kp.publicKey),
      x509.nameConstraints(buildConstraints({ permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16'] })),
    ],
  });
}

