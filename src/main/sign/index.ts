// Authenticode signing for what IT hands out: the installer (.exe/.msi) and the pack's PowerShell scripts.
// Every file is signed into a temporary sibling, verified, and only then renamed over the original, so a
// failure (wrong password, tool missing, bad verification) never leaves a half-signed file behind.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { checkSignable, type SignableKind } from './kinds.js';
import { osslsigncode } from './osslsigncode.js';
import { openPfx } from './pfx.js';
import type { SignBackend, SignOptions, SignResult, VerifyOptions, VerifyResult } from './types.js';
import { windowsSigner } from './windows.js';

export type { SignOptions, SignResult, VerifyOptions, VerifyResult } from './types.js';
export { SIGNABLE_EXTENSIONS, kindOf, type SignableKind } from './kinds.js';

/** osslsigncode everywhere but Windows; LANTRUST_SIGN_BACKEND=osslsigncode forces it on Windows too. */
export function signBackend(): SignBackend {
  if (process.env.LANTRUST_SIGN_BACKEND === 'osslsigncode') return osslsigncode;
  return process.platform === 'win32' ? windowsSigner : osslsigncode;
}

// Where the system's trusted roots live, so a commercially issued certificate verifies as usual.
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/**
 * Signs each file in place and verifies it; returns one result per file, in order.
 * Everything is checked before the first file is touched: the PFX opens with the password, holds a
 * code-signing certificate, and every file exists with a signable type. Throws UserError on any failure.
 */
export async function signFiles(files: string[], opts: SignOptions): Promise<SignResult[]> {
  if (files.length === 0) throw new UserError('no files to sign; name the .exe, .msi or .ps1 files.');
  if (!existsSync(opts.pfx)) throw new UserError(`the signing certificate ${opts.pfx} does not exist; check the --pfx path.`);
  const pfx = await openPfx(opts.pfx, opts.password);
  const kinds: SignableKind[] = [];
  for (const f of files) kinds.push(await checkSignable(f));

  const backend = signBackend();
  // The signer's own chain is trusted for the after-signing check: it proves the signature is intact and
  // made with this certificate, also for a company's self-signed code-signing certificate.
  const work = await mkdtemp(join(tmpdir(), 'lantrust-sign-'));
  const trust = join(work, 'trust.pem');
  const system = SYSTEM_BUNDLES.find((p) => existsSync(p));
  await writeFile(trust, pfx.chainPem + (system ? await readFile(system, 'utf8') : ''), { mode: 0o600 });

  const results: SignResult[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const abs = resolve(file);
      // Same folder (so rename is atomic) and same extension (both tools pick the format by it).
      const tmp = join(dirname(abs), `.${basename(abs, extname(abs))}.lantrust-${randomBytes(4).toString('hex')}${extname(abs)}`);
      try {
        await backend.sign(abs, tmp, { ...opts, pfx: resolve(opts.pfx) });
        const v = await backend.verify(tmp, { caFile: trust });
        if (!v.ok) throw new UserError(`signed ${file} but the signature does not verify (${v.message}); the file was left unchanged.`, 1);
        await rename(tmp, abs);
      } finally {
        await rm(tmp, { force: true });
      }
      results.push({
        file,
        kind: kinds[i]!,
        signer: pfx.signer.subject,
        signerSha256: pfx.signer.sha256,
        backend: backend.name,
        timestamped: Boolean(opts.timestamp),
        verified: true,
      });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
}

/** Checks one file's Authenticode signature: is it signed, unchanged since, and by a trusted signer? */
export async function verifySignature(file: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  await checkSignable(file);
  return signBackend().verify(file, opts);
}
