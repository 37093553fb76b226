// lantrust sign: Authenticode-sign the installer and the pack's PowerShell scripts, then verify each.
import { parse, readSecretFile } from './args.js';
import { color } from './format.js';
import { UserError } from '../errors.js';

export const help = `lantrust sign: Authenticode-sign .exe, .msi and .ps1 files in place, and verify each signature.

Examples:
  lantrust sign pack/*.ps1 --pfx codesign.pfx --pass-file codesign.pass
  lantrust sign dist/LanTrust-Setup.exe --pfx codesign.pfx --pass-file codesign.pass --timestamp http://timestamp.digicert.com
  lantrust sign --verify pack/Install-LanTrustRoot.ps1
  lantrust sign --verify pack/*.ps1 --ca-file codesign.pem     (trust your own code-signing certificate)

Options:
  --pfx FILE        the code-signing certificate with its private key (.pfx/.p12)
  --pass-file FILE  a file holding the PFX password (first line); never typed on the command line
                    (or set LANTRUST_SIGN_PASS; a PFX without a password needs neither)
  --timestamp URL   RFC 3161 timestamp server, so signatures outlive the certificate
  --description T   name Windows shows in its security prompts
  --verify          only check signatures; exit 1 if any file is unsigned, modified or untrusted
  --ca-file PEM     extra trusted certificates for --verify (e.g. a self-signed company certificate)
  --json            results as JSON

Uses osslsigncode on Linux/macOS (apt install osslsigncode) and Set-AuthenticodeSignature on Windows.
Each file is signed into a temporary copy, verified, then moved over the original: a failure leaves it unchanged.
Exit codes: 0 all signed and verified, 1 signing or verification failed, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('sign', args, {
    pfx: { type: 'string' },
    'pass-file': { type: 'string' },
    timestamp: { type: 'string' },
    description: { type: 'string' },
    verify: { type: 'boolean' },
    'ca-file': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UserError('name the files to sign, e.g. `lantrust sign pack/*.ps1 --pfx codesign.pfx --pass-file codesign.pass`.');
  const { signFiles, verifySignature } = await import('../sign/index.js');
  const out = (s: string) => process.stdout.write(`${s}\n`);

  if (values.verify) {
    const results = [];
    for (const f of positionals) results.push(await verifySignature(f, { caFile: values['ca-file'] }));
    if (values.json) out(JSON.stringify(results, null, 2));
    else for (const r of results) out(r.ok ? color.green(`✓ ${r.message}`) : color.red(`✗ ${r.message}`));
    return results.every((r) => r.ok) ? 0 : 1;
  }

  if (!values.pfx) throw new UserError('give the code-signing certificate with --pfx FILE (a .pfx/.p12 with its private key).');
  if (values.timestamp && !/^https?:\/\//.test(values.timestamp)) throw new UserError(`--timestamp needs an http(s) URL, e.g. http://timestamp.digicert.com, not "${values.timestamp}".`);
  const password = values['pass-file'] ? await readSecretFile(values['pass-file'], 'password') : (process.env.LANTRUST_SIGN_PASS ?? '');
  const results = await signFiles(positionals, { pfx: values.pfx, password, timestamp: values.timestamp, description: values.description });
  if (values.json) out(JSON.stringify(results, null, 2));
  else {
    for (const r of results) out(color.green(`✓ signed and verified ${r.file}`));
    out(`\nSigner: ${results[0]!.signer} (SHA-256 ${results[0]!.signerSha256})${results[0]!.timestamped ? ', timestamped' : ', not timestamped (signatures stop validating when the certificate expires; add --timestamp URL)'}.`);
  }
  return 0;
}
