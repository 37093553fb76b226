// Authenticode on Linux/macOS: osslsigncode (Debian/Homebrew package) signs PE, MSI and PowerShell scripts.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import { run as runProgram, type RunResult } from '../run.js';
import type { SignBackend, SignOptions, VerifyOptions, VerifyResult } from './types.js';

const CANDIDATES = ['/usr/bin/osslsigncode', '/usr/local/bin/osslsigncode', '/opt/homebrew/bin/osslsigncode'];

/** The osslsigncode binary: $LANTRUST_OSSLSIGNCODE, electron-builder's override, then the usual places, then PATH. */
export function osslsigncodePath(): string {
  const env = process.env.LANTRUST_OSSLSIGNCODE ?? process.env.ELECTRON_BUILDER_OSSL_SIGNCODE_PATH;
  if (env) return env;
  return CANDIDATES.find((p) => existsSync(p)) ?? 'osslsigncode';
}

async function run(args: string[], input?: string): Promise<RunResult> {
  // Timestamping waits on a server across the network: allow it two minutes.
  const r = await runProgram(osslsigncodePath(), args, { ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });
  if (r.notFound) throw new UserError('osslsigncode is not installed; install it (`sudo apt install osslsigncode` or `brew install osslsigncode`) and run again.');
  return r;
}

/** The first line of osslsigncode's output that explains a failure, for the one-sentence message. */
function reason(r: RunResult): string {
  const text = `${r.stderr}\n${r.stdout}`;
  if (/mac verify failure|Wrong password/i.test(text)) return 'the password is wrong';
  if (/unsupported input file type|Unrecognized file type/i.test(text)) return 'osslsigncode does not recognise the file format';
  if (/Could not connect|timestamp.*(fail|error)|Failed to convert timestamp/i.test(text)) return 'the timestamp server could not be reached';
  const line = text.split('\n').map((l) => l.trim()).find((l) => l && !/^[0-9A-F]{8,}:error:/.test(l) && !/^(Failed|Succeeded)$/.test(l));
  return line ?? `osslsigncode exited with ${r.code}`;
}

export const osslsigncode: SignBackend = {
  name: 'osslsigncode',

  async sign(input: string, output: string, opts: SignOptions): Promise<void> {
    const args = ['sign', '-pkcs12', opts.pfx, '-readpass', '-', '-h', 'sha256'];
    if (opts.description) args.push('-n', opts.description);
    if (opts.timestamp) args.push('-ts', opts.timestamp);
    args.push('-in', input, '-out', output);
    const r = await run(args, `${opts.password}\n`);
    if (r.code !== 0) throw new UserError(`signing ${input} failed: ${reason(r)}; the file was left unchanged.`, 1);
  },

  async verify(file: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
    const args = ['verify', '-in', file];
    if (opts.caFile) args.push('-CAfile', opts.caFile);
    const r = await run(args);
    return parseVerify(file, r);
  },
};

/** Turns osslsigncode's verify report into intact/trusted facts. Exported for tests. */
export function parseVerify(file: string, r: RunResult): VerifyResult {
  const text = `${r.stdout}\n${r.stderr}`;
  const signer = /Signer #0:\s*\n\s*Subject:\s*(.+)/.exec(text)?.[1]?.trim();
  const unsigned = /No signature found|Unable to extract existing signature|signature not found|Invalid signature position/i.test(text) && !signer;
  if (unsigned) return { file, signed: false, intact: false, trusted: false, ok: false, message: `${file} is not signed.` };
  if (r.code !== 0 && !signer && /unsupported input file type|Initialization error/i.test(text)) {
    return { file, signed: false, intact: false, trusted: false, ok: false, message: `${file} could not be read as a signed file (${reason(r)}).` };
  }
  const intact = !/MISMATCH/.test(text) && /Calculated message digest/.test(text);
  const trusted = /Signature verification: ok/.test(text);
  const ok = r.code === 0 && intact && trusted;
  const message = ok
    ? `${file} is signed by ${signer ?? 'an unknown signer'} and unchanged since.`
    : !intact
      ? `${file} was modified after it was signed (its digest no longer matches); sign it again or get a fresh copy.`
      : `${file} is intact but its signer (${signer ?? 'unknown'}) does not chain to a trusted root; trust its issuer with --ca-file if it is your own certificate.`;
  return { file, signed: true, intact, trusted, ok, signer, message };
}
