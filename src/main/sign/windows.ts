// Authenticode on Windows: Set-AuthenticodeSignature / Get-AuthenticodeSignature in Windows PowerShell 5.1,
// which every Windows has (signtool needs the Windows SDK). Secrets and paths travel in environment variables,
// never on the command line, so nothing needs quoting and `tasklist /v` shows no password.
import { copyFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { run } from '../run.js';
import type { SignBackend, SignOptions, VerifyOptions, VerifyResult } from './types.js';

export const SIGN_PS = `
$ErrorActionPreference = 'Stop'
# Default key storage: Authenticode's native signer can't use an ephemeral (in-memory only) key.
$cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2($env:LANTRUST_PFX, $env:LANTRUST_PASS)
$p = @{ LiteralPath = $env:LANTRUST_FILE; Certificate = $cert; HashAlgorithm = 'SHA256'; IncludeChain = 'NotRoot' }
if ($env:LANTRUST_TS) { $p.TimestampServer = $env:LANTRUST_TS }
$s = Set-AuthenticodeSignature @p
if ($s.Status -ne 'Valid' -and $s.Status -ne 'UnknownError') { Write-Output ('FAIL ' + $s.Status + ': ' + $s.StatusMessage); exit 1 }
Write-Output 'OK'
`;

export const VERIFY_PS = `
$ErrorActionPreference = 'Stop'
$s = Get-AuthenticodeSignature -LiteralPath $env:LANTRUST_FILE
$trusted = ($s.Status -eq 'Valid')
if (-not $trusted -and $s.SignerCertificate -and $env:LANTRUST_CA -and $s.Status -ne 'HashMismatch') {
  $extra = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2Collection
  $extra.Import($env:LANTRUST_CA)
  $chain = New-Object System.Security.Cryptography.X509Certificates.X509Chain
  $chain.ChainPolicy.ExtraStore.AddRange($extra)
  $chain.ChainPolicy.RevocationMode = 'NoCheck'
  $chain.ChainPolicy.VerificationFlags = 'AllowUnknownCertificateAuthority'
  if ($chain.Build($s.SignerCertificate)) {
    $root = $chain.ChainElements[$chain.ChainElements.Count - 1].Certificate.Thumbprint
    $trusted = @($extra | Where-Object { $_.Thumbprint -eq $root }).Count -gt 0
  }
}
$signer = if ($s.SignerCertificate) { $s.SignerCertificate.Subject } else { '' }
Write-Output ('STATUS=' + $s.Status)
Write-Output ('TRUSTED=' + $trusted)
Write-Output ('SIGNER=' + $signer)
`;

function encoded(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

async function powershell(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const r = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded(script)], {
    env: { ...process.env, ...env },
    timeoutMs: 120_000,
  });
  if (r.notFound) throw new UserError('Windows PowerShell (powershell.exe) could not be started; sign on a Windows machine with PowerShell, or on Linux with osslsigncode.');
  return { code: r.code, out: `${r.stdout}\n${r.stderr}` };
}

export const windowsSigner: SignBackend = {
  name: 'powershell',

  async sign(input: string, output: string, opts: SignOptions): Promise<void> {
    await copyFile(input, output);
    const r = await powershell(SIGN_PS, { LANTRUST_PFX: opts.pfx, LANTRUST_PASS: opts.password, LANTRUST_FILE: output, LANTRUST_TS: opts.timestamp ?? '' });
    if (r.code !== 0 || !/^OK\s*$/m.test(r.out)) {
      const why = /password|incorrect/i.test(r.out) ? 'the password is wrong' : (r.out.split('\n').map((l) => l.trim()).find(Boolean) ?? `PowerShell exited with ${r.code}`);
      throw new UserError(`signing ${input} failed: ${why}; the file was left unchanged.`, 1);
    }
  },

  async verify(file: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
    const r = await powershell(VERIFY_PS, { LANTRUST_FILE: file, LANTRUST_CA: opts.caFile ?? '' });
    const status = /STATUS=(\w+)/.exec(r.out)?.[1] ?? 'UnknownError';
    const trusted = /TRUSTED=True/i.test(r.out);
    const signer = /SIGNER=(.*)/.exec(r.out)?.[1]?.trim() || undefined;
    const signed = status !== 'NotSigned' && status !== 'Incompatible';
    const intact = signed && status !== 'HashMismatch';
    const ok = intact && trusted;
    const message = !signed
      ? `${file} is not signed.`
      : !intact
        ? `${file} was modified after it was signed (its digest no longer matches); sign it again or get a fresh copy.`
        : ok
          ? `${file} is signed by ${signer ?? 'an unknown signer'} and unchanged since.`
          : `${file} is intact but its signer (${signer ?? 'unknown'}) does not chain to a trusted root (${status}).`;
    return { file, signed, intact, trusted, ok, signer, message };
  },
};
