// The Windows backend runs only on Windows (windows.yml); here pwsh's parser checks its scripts.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SIGN_PS, VERIFY_PS } from '../../src/main/sign/windows.js';
import { findTool } from '../helpers/oracles.js';

describe('Windows signing backend scripts', () => {
  it('parse without errors in PowerShell, use no 7-only syntax, and read secrets only from the environment', () => {
    // One pwsh start for both scripts: error count per script.
    const parse = [SIGN_PS, VERIFY_PS]
      .map((script) => `$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${Buffer.from(script, 'utf8').toString('base64')}')); $e = $null; $t = $null; [void][System.Management.Automation.Language.Parser]::ParseInput($s, [ref]$t, [ref]$e); $e.Count`)
      .join('; ');
    expect(execFileSync(findTool('pwsh'), ['-NoProfile', '-NonInteractive', '-Command', parse], { encoding: 'utf8' }).trim().split(/\s+/)).toEqual(['0', '0']);
    // Windows PowerShell 5.1 lacks these operators.
    for (const script of [SIGN_PS, VERIFY_PS]) expect(script).not.toMatch(/\?\?|\?\.|&&|\|\|/);
    expect(SIGN_PS).toContain('$env:LANTRUST_PASS');
  });
});
