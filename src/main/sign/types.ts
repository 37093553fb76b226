// Shapes shared by the signing backends (osslsigncode on Linux/macOS, PowerShell on Windows).
import type { SignableKind } from './kinds.js';

export interface SignOptions {
  /** The code-signing certificate with its private key (.pfx / .p12). */
  pfx: string;
  password: string;
  /** RFC 3161 timestamp server, e.g. http://timestamp.digicert.com (needs network). */
  timestamp?: string;
  /** Description shown in Windows' UAC / SmartScreen prompt for signed programs. */
  description?: string;
}

export interface SignResult {
  file: string;
  kind: SignableKind;
  /** Subject of the signing certificate. */
  signer: string;
  /** SHA-256 of the signing certificate, colon-separated. */
  signerSha256: string;
  /** Which tool signed: "osslsigncode" or "powershell". */
  backend: string;
  timestamped: boolean;
  /** Always true in a returned result: a signature that does not verify is an error, not a result. */
  verified: true;
}

export interface VerifyOptions {
  /** PEM file of extra trusted certificates (e.g. a self-signed company code-signing certificate). */
  caFile?: string;
}

export interface VerifyResult {
  file: string;
  /** The file carries an Authenticode signature. */
  signed: boolean;
  /** The signed digest matches the file's content (false = modified after signing). */
  intact: boolean;
  /** The signer's chain ends in a trusted certificate (system roots, or caFile). */
  trusted: boolean;
  /** intact && trusted. */
  ok: boolean;
  signer?: string;
  /** One sentence for a person: why it failed, or that it is fine. */
  message: string;
}

export interface SignBackend {
  readonly name: string;
  /** Signs `input` into `output` (a different path with the same extension); `input` is left untouched. */
  sign(input: string, output: string, opts: SignOptions): Promise<void>;
  verify(file: string, opts?: VerifyOptions): Promise<VerifyResult>;
}
