// "Everyone" on Windows without admin: the command lines that reach UAC, parsed by the real PowerShell
// parser; the log/exit parsing; and the whole launcher -> hash-checked inner command -> generated
// Install-/Uninstall-LanTrustRoot.ps1 chain run for real under pwsh (CurrentUser\Root in a temp HOME,
// from a temp folder whose name is full of quotes and PowerShell syntax). The UAC prompt itself runs
// only on Windows (test/windows/electron-app.test.ts, elevated runner).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOneCertificate } from '../../src/main/cert/read.js';
import { packScript } from '../../src/main/pack/generate.js';
import { defaultEnv } from '../../src/main/truststore/index.js';
import {
  DECLINED,
  TAMPERED_EXIT,
  encodedArgs,
  innerCommand,
  launcherCommand,
  outcomeOf,
  parseLauncher,
  resultFromLog,
  runPackScriptElevated,
} from '../../src/main/truststore/windows-elevate.js';
import { tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';
import { makePki, type Pki } from './fixtures.js';

const pwsh = findTool('pwsh');
// A temp path as hostile as a Windows user name can make it: spaces, ASCII and typographic quotes, $(), backticks, ;.
// (No backslash: Windows forbids it in names, and PowerShell on Linux would read it as a separator.)
const NASTY = "O'Brien ‘x’ $(Write-Output pwned) `n; & echo pwned";

function decode(args: string[]): string {
  const i = args.indexOf('-EncodedCommand');
  return Buffer.from(args[i + 1]!, 'base64').toString('utf16le');
}

describe('command lines and answers (pure)', () => {
  const plan = { kind: 'install' as const, scriptPath: `C:\\Users\\${NASTY}\\Install-LanTrustRoot.ps1`, scriptSha256: 'ab'.repeat(32), logPath: `C:\\Users\\${NASTY}\\lantrust.log`, scope: 'LocalMachine' as const };

  it('only base64 reaches a command line, and it decodes back to the exact script', () => {
    const inner = innerCommand(plan);
    const launcher = launcherCommand({ exe: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', inner, elevate: true });
    const args = encodedArgs(launcher);
    expect(args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(args[3]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decode(args)).toBe(launcher);
    // The elevated process's own arguments: the same shape, nothing but base64 after -EncodedCommand.
    const elevatedArgs = /\$psi\.Arguments = '([^']*)'/.exec(launcher)![1]!.split(' ');
    expect(elevatedArgs.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(decode(elevatedArgs)).toBe(inner);
    expect(inner).toContain(' -Browsers -LogPath ');
    expect(innerCommand({ ...plan, kind: 'uninstall' })).not.toContain('-Browsers');
    expect(() => innerCommand({ ...plan, scriptSha256: "x'; calc; '" })).toThrow(/hex/);
  });

  it('reads the launcher line and the log line', () => {
    expect(parseLauncher('LanTrust: LANTRUST-DECLINED\r\nLANTRUST-EXIT 0\r\n')).toEqual({ kind: 'exit', code: 0 });
    expect(parseLauncher('LANTRUST-DECLINED\n')).toEqual({ kind: 'declined' });
    expect(parseLauncher('LANTRUST-ERROR The system cannot find the file specified.\n')).toEqual({ kind: 'error', message: 'The system cannot find the file specified.' });
    expect(parseLauncher('', 'Program not found\n')).toEqual({ kind: 'error', message: 'PowerShell gave no answer (Program not found)' });
    const log = '2025-01-02T03:04:05 already present in LocalMachine\\Root: AB\r\n2025-01-02T03:04:05 LanTrust: FAILED: Access is denied.\r\n2025-01-02T03:04:06 LanTrust: added the Acme root to LocalMachine\\Root (SHA-256 ab); browser policies: 1 value(s) written.\r\n';
    expect(resultFromLog(log)).toEqual({ line: 'added the Acme root to LocalMachine\\Root (SHA-256 ab); browser policies: 1 value(s) written.', failed: false });
    expect(resultFromLog('2025-01-02T03:04:05 LanTrust: FAILED: Access is denied.')).toEqual({ line: 'Access is denied.', failed: true });
    expect(resultFromLog('')).toBeUndefined();
  });

  it('turns every ending into one sentence', () => {
    expect(outcomeOf({ kind: 'declined' }, undefined)).toEqual({ ok: false, declined: true, changed: false, message: DECLINED });
    expect(DECLINED).toBe('Windows did not get administrator approval; nothing was changed.');
    expect(outcomeOf({ kind: 'exit', code: 0 }, '2025-01-02T03:04:05 LanTrust: added the Acme root to LocalMachine\\Root.')).toMatchObject({ ok: true, changed: true });
    expect(outcomeOf({ kind: 'exit', code: 0 }, '2025-01-02T03:04:05 LanTrust: the Acme root is already in LocalMachine\\Root, nothing added.')).toMatchObject({ ok: true, changed: false });
    expect(outcomeOf({ kind: 'exit', code: 0 }, '2025-01-02T03:04:05 LanTrust: removed the Acme root from LocalMachine\\Root.')).toMatchObject({ ok: true, changed: true });
    expect(outcomeOf({ kind: 'exit', code: 1 }, 'x LanTrust: FAILED: Access is denied')).toEqual({ ok: false, declined: false, changed: false, message: 'Access is denied.' });
    expect(outcomeOf({ kind: 'exit', code: TAMPERED_EXIT }, undefined).message).toMatch(/changed on disk.*nothing was changed/);
    expect(outcomeOf({ kind: 'exit', code: 5 }, undefined).message).toMatch(/^PowerShell ended with exit code 5 and wrote no result/);
    expect(outcomeOf({ kind: 'error', message: 'boom.' }, undefined).message).toBe('Windows could not start PowerShell as administrator (boom); nothing was changed.');
  });
});

describe('under the real PowerShell (pwsh)', () => {
  let pki: Pki;
  let home: string;
  let nasty: string;
  beforeAll(() => {
    pki = makePki({ name: 'Elevate Test Root' });
    home = tempDir('lantrust-elevhome-');
    nasty = join(home, NASTY);
    mkdirSync(nasty, { recursive: true });
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("the parser reads both commands with no error, every path stays one single-quoted constant, and 'runas' is the verb", () => {
    const inner = innerCommand({ kind: 'install', scriptPath: `C:\\Users\\${NASTY}\\a.ps1`, scriptSha256: 'cd'.repeat(32), logPath: `C:\\Users\\${NASTY}\\l.log`, scope: 'LocalMachine' });
    const scripts = [inner, launcherCommand({ exe: `C:\\${NASTY}\\powershell.exe`, inner, elevate: true }), launcherCommand({ exe: 'pwsh', inner, elevate: false })];
    // One pwsh start: parse each script, report errors, single-quoted constants, expandable strings and $psi.Verb's value.
    const ps = scripts
      .map(
        (s) => `$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${Buffer.from(s).toString('base64')}')); $e = $null; $t = $null
$ast = [System.Management.Automation.Language.Parser]::ParseInput($s, [ref]$t, [ref]$e)
$consts = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $n.StringConstantType -eq 'SingleQuoted' }, $true) | ForEach-Object { $_.Value })
$exp = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.ExpandableStringExpressionAst] }, $true)).Count
$verb = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Left.Extent.Text -eq '$psi.Verb' }, $true) | ForEach-Object { $_.Right.Extent.Text })
ConvertTo-Json -Compress -InputObject @{ errors = $e.Count; consts = $consts; expandable = $exp; verb = $verb }`,
      )
      .join('\n');
    const out = execFileSync(pwsh!, ['-NoProfile', '-NonInteractive', '-Command', ps], { encoding: 'utf8' }).trim().split('\n');
    const [a, b, c] = out.map((l) => JSON.parse(l) as { errors: number; consts: string[]; expandable: number; verb: string[] | string | null });
    for (const r of [a!, b!, c!]) {
      expect(r.errors).toBe(0);
      expect(r.expandable).toBe(0);
    }
    expect(a!.consts).toEqual(expect.arrayContaining([`C:\\Users\\${NASTY}\\a.ps1`, `C:\\Users\\${NASTY}\\l.log`, 'LocalMachine']));
    expect(b!.consts).toContain(`C:\\${NASTY}\\powershell.exe`);
    expect([b!.verb].flat()).toEqual(["'runas'"]);
    expect([c!.verb].flat().filter(Boolean)).toEqual([]);
  });

  it('runs the generated Install/Uninstall script through the launcher from a hostile temp path: added, present, removed — checked in .NET\'s store', async () => {
    const env = defaultEnv({ home, platform: 'win32', tools: { powershell: pwsh! } });
    const root = await readOneCertificate(pki.rootFile);
    const storeDir = join(home, '.dotnet', 'corefx', 'cryptography', 'x509stores', 'root');
    const inStore = () => (existsSync(storeDir) ? readdirSync(storeDir) : []).filter((f) => f.toUpperCase().startsWith(root.info.sha1Thumbprint));
    const input = { rootDer: root.der, sha256: root.info.sha256, company: "Acme O'Brien $(evil)", constraints: { permitDns: ['cams.test'], permitCidr: ['127.0.0.0/8'] }, scope: 'LocalMachine' as const };
    const run = (kind: 'install' | 'uninstall') =>
      runPackScriptElevated({ kind, script: packScript(kind === 'install' ? 'Install-LanTrustRoot.ps1' : 'Uninstall-LanTrustRoot.ps1', input), env, elevate: false, scope: 'CurrentUser', tempRoot: nasty });

    const first = await run('install');
    expect(first).toMatchObject({ ok: true, declined: false, changed: true });
    // The log line came back, with -Browsers passed through (on Linux the script says it skipped them).
    expect(first.message).toMatch(/^added the Acme O'Brien \$\(evil\) root to CurrentUser\\Root \(SHA-256 [0-9a-f]{64}\); -Browsers skipped/);
    expect(inStore()).toHaveLength(1);
    expect(await run('install')).toMatchObject({ ok: true, changed: false, message: expect.stringMatching(/already in CurrentUser\\Root, nothing added/) });
    const un = await run('uninstall');
    expect(un).toMatchObject({ ok: true, changed: true, message: expect.stringMatching(/^removed the Acme .* root from CurrentUser\\Root\.$/) });
    expect(inStore()).toHaveLength(0);
    // Each run's private folder is gone afterwards.
    expect(readdirSync(nasty)).toEqual([]);
  }, 120_000);

  it('a script that differs from the hash it was written with is not run', () => {
    const dir = tempDir('lantrust-tamper-');
    const file = join(dir, 'Install-LanTrustRoot.ps1');
    const marker = join(dir, 'ran.txt');
    writeFileSync(file, `Set-Content -LiteralPath '${marker}' -Value ran; exit 0\r\n`);
    const inner = innerCommand({ kind: 'install', scriptPath: file, scriptSha256: createHash('sha256').update('the script we wrote').digest('hex'), logPath: join(dir, 'l.log'), scope: 'CurrentUser' });
    let code = 0;
    try {
      execFileSync(pwsh!, encodedArgs(inner), { encoding: 'utf8' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(TAMPERED_EXIT);
    expect(existsSync(marker)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
