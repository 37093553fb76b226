// The Chrome/Edge policy store (windows-policy): Get-LanTrustBrowserPolicyStatus from LanTrustCore.ps1,
// parsed by the real PowerShell parser and RUN under pwsh against a fake registry (the two registry
// functions redefined after the core), one pwsh start for every case; then the TypeScript side reading
// its JSON, and the adapter end to end under pwsh (Linux has no HKLM: nothing listed, no admin).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scopeStores } from '../../src/main/api-trust.js';
import { renderCore, psQuote, toScriptFile } from '../../src/main/pack/powershell.js';
import { defaultEnv, loadRoot } from '../../src/main/truststore/index.js';
import { describePolicy, parsePolicyStatus, windowsPolicy, type PolicyRow } from '../../src/main/truststore/windows-policy.js';
import { makeRoot, tempDir } from '../helpers/certs.js';
import { lastJson, pwshFile, pwshPath } from '../pack/pwsh.js';

const pwsh = pwshPath();
const work = tempDir('lantrust-winpol-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const row = (o: Partial<PolicyRow> & Pick<PolicyRow, 'browser'>): PolicyRow => ({ scope: 'LocalMachine', path: `HKLM:\\x\\${o.browser}`, constrained: false, plain: false, unreadable: false, dns: [], cidrs: [], ...o });

describe('windows-policy: reading PowerShell\'s answer', () => {
  it('parses the rows, also the single object Windows PowerShell 5.1 makes of a one-element array', () => {
    const one = { scope: 'LocalMachine', browser: 'Edge', path: 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Edge', constrained: true, plain: false, unreadable: false, dns: 'cams.example.com', cidrs: [] };
    expect(parsePolicyStatus(JSON.stringify(one))).toEqual([{ ...one, dns: ['cams.example.com'] }]);
    expect(parsePolicyStatus(JSON.stringify([one, { ...one, browser: 'Chrome', dns: null }])).map((r) => [r.browser, r.dns])).toEqual([
      ['Edge', ['cams.example.com']],
      ['Chrome', []],
    ]);
    expect(() => parsePolicyStatus('{"scope":')).toThrow('not JSON');
    expect(() => parsePolicyStatus(JSON.stringify([{ ...one, browser: 'Opera' }]))).toThrow('unexpected shape');
  });

  it('says in one sentence which browsers list the root, with which limits, and what is unreadable', () => {
    expect(describePolicy([row({ browser: 'Chrome', constrained: true, dns: ['cams.example.com'], cidrs: ['192.168.0.0/16'] }), row({ browser: 'Edge', constrained: true, dns: ['cams.example.com'], cidrs: ['192.168.0.0/16'] })])).toEqual({
      installed: true,
      message: 'Chrome and Edge policies trust this root for cams.example.com, 192.168.0.0/16 only.',
    });
    expect(describePolicy([row({ browser: 'Chrome', plain: true }), row({ browser: 'Edge', unreadable: true })])).toEqual({
      installed: true,
      message: 'Chrome policy trusts this root without constraints (CACertificates); Edge policy does not; unreadable policy: Edge CACertificatesWithConstraints is not valid JSON, so that browser ignores it — fix or remove it in your group policy.',
    });
    expect(describePolicy([row({ browser: 'Chrome' }), row({ browser: 'Edge' })])).toEqual({ installed: false, message: 'not in the Chrome or Edge policy.' });
  });

  it('is one of the stores "everyone" means on Windows, and never elsewhere', async () => {
    expect(scopeStores('LocalMachine', 'win32')).toEqual(['windows-machine', 'windows-policy']);
    expect(scopeStores('CurrentUser', 'win32')).toEqual(['windows-user']);
    const d = await windowsPolicy.detect(defaultEnv({ platform: 'linux' }));
    expect(d).toMatchObject({ available: false, otherPlatform: true });
  });
});

describe('Get-LanTrustBrowserPolicyStatus under the real pwsh, against a fake registry', () => {
  it('finds the root in CACertificatesWithConstraints and CACertificates\\<n> per hive and browser, and never throws on bad policy', () => {
    const ours = makeRoot({ name: 'Policy Root' }).der;
    const other = makeRoot({ name: 'Someone Else Root', key: 'ec-p384' }).der;
    const b64 = ours.toString('base64');
    const wrapped = b64.replace(/(.{64})/g, '$1\r\n'); // an admin pasted it with line breaks
    const entry = (c: Buffer | string, constraints: unknown = { permitted_dns_names: ['cams.example.com'], permitted_cidrs: ['192.168.0.0/16'] }) => ({ certificate: typeof c === 'string' ? c : c.toString('base64'), constraints });
    const C = 'HKLM:\\SOFTWARE\\Policies\\Google\\Chrome';
    const E = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Edge';
    const UE = 'HKCU:\\SOFTWARE\\Policies\\Microsoft\\Edge';
    const W = 'CACertificatesWithConstraints';
    // Each case: the fake registry as [key path, value name, value (string or string[] = REG_MULTI_SZ)].
    const cases: Record<string, [string, string, string | string[]][]> = {
      empty: [],
      'ours-and-other': [
        [C, W, JSON.stringify([entry(other), entry(ours)])],
        [E, W, JSON.stringify([entry(other)])],
      ],
      'one-element-array': [[E, W, JSON.stringify([entry(ours, { permitted_dns_names: ['cams.example.com'] })])]],
      malformed: [
        [C, W, '[{"certificate": "' + b64 + '", '],
        [E, W, JSON.stringify([entry(ours)])],
      ],
      'odd-entries': [
        [C, W, JSON.stringify([null, 7, 'text', { certificate: 12 }, { certificate: '!!not base64!!' }, entry(other)])],
        [E, W, 'null'],
      ],
      'plain-values': [
        [`${C}\\CACertificates`, '1', other.toString('base64')],
        [`${C}\\CACertificates`, '2', wrapped],
        [`${UE}\\CACertificates`, '1', b64],
      ],
      'multi-sz': [[C, W, [JSON.stringify([entry(ours)]).slice(0, 40), JSON.stringify([entry(ours)]).slice(40)]]],
    };
    const fake = (kv: [string, string, string | string[]][]) =>
      `@{ ${kv.map(([k, n, v]) => `${psQuote(`${k}|${n}`)} = ${Array.isArray(v) ? `@(${v.map(psQuote).join(', ')})` : psQuote(v)}`).join('; ')} }`;
    const driver = [
      renderCore({ rootDer: ours, company: 'Policy Co' }),
      '',
      "$ErrorActionPreference = 'Stop'",
      '# The fake registry: tests redefine the two functions every registry read goes through.',
      '$global:FakeReg = @{}',
      'function Get-LanTrustRegistryValue { param([string]$Path, [string]$Name) $k = $Path + "|" + $Name; if ($global:FakeReg.ContainsKey($k)) { return $global:FakeReg[$k] }; return $null }',
      'function Get-LanTrustRegistryValueNames { param([string]$Path) return @($global:FakeReg.Keys | Where-Object { $_.StartsWith($Path + "|") } | ForEach-Object { $_.Substring($Path.Length + 1) }) }',
      '$core = $null; $errs = $null',
      `[void][System.Management.Automation.Language.Parser]::ParseInput((Get-Content -Raw -LiteralPath ${psQuote(join(work, 'driver.ps1'))}), [ref]$core, [ref]$errs)`,
      '$out = [ordered]@{ parseErrors = @($errs | ForEach-Object { $_.Message }) }',
      ...Object.entries(cases).map(
        ([name, kv]) => `$global:FakeReg = ${fake(kv)}; try { $out[${psQuote(name)}] = (Get-LanTrustBrowserPolicyStatus -Scope LocalMachine, CurrentUser) } catch { $out[${psQuote(name)}] = ('THREW: ' + $_.Exception.Message) }`,
      ),
      'ConvertTo-Json -InputObject $out -Depth 3 -Compress',
      '',
    ].join('\n');
    const file = join(work, 'driver.ps1');
    writeFileSync(file, toScriptFile(driver));
    const r = pwshFile(file, [], work);
    const out = lastJson<Record<string, unknown>>(r);
    expect(out.parseErrors).toEqual([]);
    const rows = (name: string) => {
      const v = out[name];
      expect(typeof v === 'string' && !v.startsWith('THREW'), `${name}: ${String(v)}`).toBe(true);
      return parsePolicyStatus(v as string);
    };
    const pick = (name: string) => rows(name).map((x) => `${x.scope}/${x.browser}:${x.constrained ? 'C' : ''}${x.plain ? 'P' : ''}${x.unreadable ? 'U' : ''}`);

    expect(pick('empty')).toEqual(['LocalMachine/Chrome:', 'LocalMachine/Edge:', 'CurrentUser/Chrome:', 'CurrentUser/Edge:']);
    expect(rows('empty')[3]!.path).toBe(UE);
    expect(pick('ours-and-other')).toEqual(['LocalMachine/Chrome:C', 'LocalMachine/Edge:', 'CurrentUser/Chrome:', 'CurrentUser/Edge:']);
    expect(rows('ours-and-other')[0]).toMatchObject({ dns: ['cams.example.com'], cidrs: ['192.168.0.0/16'] });
    expect(rows('one-element-array')[1]).toMatchObject({ constrained: true, dns: ['cams.example.com'], cidrs: [] });
    expect(pick('malformed').slice(0, 2)).toEqual(['LocalMachine/Chrome:U', 'LocalMachine/Edge:C']);
    expect(describePolicy(rows('malformed').slice(0, 2)).message).toContain('unreadable policy: Chrome');
    expect(pick('odd-entries').slice(0, 2)).toEqual(['LocalMachine/Chrome:', 'LocalMachine/Edge:']);
    expect(pick('plain-values')).toEqual(['LocalMachine/Chrome:P', 'LocalMachine/Edge:', 'CurrentUser/Chrome:', 'CurrentUser/Edge:P']);
    expect(pick('multi-sz')[0]).toBe('LocalMachine/Chrome:C');
  }, 60_000);

  it('the adapter runs the core through PowerShell: nothing listed here, and writing needs an administrator', async () => {
    const root = makeRoot({ name: 'Adapter Root', constraints: { permitDns: ['cams.test'], permitCidr: ['127.0.0.0/8'] } });
    const file = join(work, 'root.pem');
    writeFileSync(file, root.pem);
    const cert = await loadRoot(file);
    const env = defaultEnv({ home: work, platform: 'win32', tools: { powershell: pwsh! } });
    // Real registry functions under pwsh on Linux: there is no HKLM:, so nothing is listed (and nothing throws).
    expect(await windowsPolicy.has(cert, env)).toEqual([
      expect.objectContaining({ store: 'windows-policy', title: 'Chrome/Edge policy', available: true, installed: false, message: 'not in the Chrome or Edge policy.' }),
    ]);
    const none = await windowsPolicy.add(cert, env);
    expect(none[0]).toMatchObject({ changed: false, installed: false, message: expect.stringContaining('--permit-dns/--permit-cidr') });
    const add = await windowsPolicy.add(cert, env, { permitDns: ['cams.test'] });
    expect(add[0]).toMatchObject({ needsRoot: true, changed: false, message: expect.stringMatching(/^HKLM.* needs administrator rights: run the installer as administrator/) });
  }, 120_000);
});
