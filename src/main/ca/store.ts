// The CA folder on disk: ca.json (settings), root.pem / intermediate.pem, their keys, issued.jsonl.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { appendFile, lstat, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { readOneCertificate } from '../cert/read.js';
import type { ParsedCert } from '../cert/describe.js';
import type { ConstraintSet } from '../constraints/model.js';
import { UserError } from '../errors.js';
import { isEncryptedPem, openPrivateKey, type KeyType } from './keys.js';
import { LOCK_FILE } from './lock.js';
import { writeFileAtomic as writeAtomic } from '../fsutil.js';

export const CA_JSON = 'ca.json';
export const ISSUED_LOG = 'issued.jsonl';
/** Names in a CA folder that only the CA itself writes (plus the files ca.json lists). `deploy` keeps its journal and pins here. */
export const RESERVED_NAMES = [CA_JSON, ISSUED_LOG, LOCK_FILE, 'deploy.jsonl', 'deploy-pins.json', 'root.pem', 'root.key', 'intermediate.pem', 'intermediate.key'];

/** DIR/ca.json: what `ca init` was asked for and where everything is. */
export interface CaSettings {
  version: 1;
  name: string;
  createdAt: string;
  constraints: { permitDns: string[]; permitCidr: string[]; excludeDns: string[]; excludeCidr: string[] };
  /** Key type of the root (and intermediate). */
  key: KeyType;
  /** "scrypt" when the CA keys are PKCS#8 ENCRYPTED PRIVATE KEY (PBES2, scrypt, AES-256-CBC); "none" with --no-passphrase. */
  keyProtection: 'scrypt' | 'none';
  intermediate: boolean;
  files: { root: string; rootKey: string; intermediate?: string; intermediateKey?: string; issued: string };
  rootSha256: string;
  serials: string;
  leafDefaults: { days: number; key: KeyType };
}

/** One line of DIR/issued.jsonl. */
export interface IssuedRecord {
  label: string;
  serial: string;
  sha256: string;
  dns: string[];
  ip: string[];
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  /** "issue", "csv" or "csr". */
  source: 'issue' | 'csv' | 'csr';
  /** Key type of the device key ("ec-p256", ...). */
  key: string;
  /** Where the certificate file was written (absent when a CSR's certificate went to stdout). */
  certFile?: string;
}

/** A CA folder's public side: enough to check names, no key needed. */
export interface CaCertificates {
  dir: string;
  settings: CaSettings;
  root: ParsedCert;
  /** The certificate that signs devices (the intermediate when there is one, else the root). */
  issuer: ParsedCert;
  /** Certificates a device sends after its own (the intermediate, or none). */
  chain: ParsedCert[];
  /** Constraints of every CA certificate above a device; a name must pass all of them. */
  constraints: ConstraintSet[];
}

/** A CA folder opened for signing. */
export interface OpenCa extends CaCertificates {
  issuerKey: KeyObject;
}

export async function readSettings(dir: string): Promise<CaSettings> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new UserError(`the CA folder ${dir} does not exist; make it with \`lantrust ca init --dir ${dir} --name "Company" --permit-dns ... --permit-cidr ...\` or give the right --dir.`);
  }
  if (!st.isDirectory()) throw new UserError(`${dir} is a file, not a CA folder; give the folder made by \`lantrust ca init\` as --dir.`);
  let text: string;
  try {
    text = await readFile(join(dir, CA_JSON), 'utf8');
  } catch {
    throw new UserError(`${dir} is not a lantrust CA folder (no ${CA_JSON}); give the folder made by \`lantrust ca init\` as --dir.`);
  }
  try {
    const s = JSON.parse(text) as CaSettings;
    if (s.version !== 1 || !s.files?.root) throw new Error('shape');
    return s;
  } catch {
    throw new UserError(`${join(dir, CA_JSON)} is damaged (not the JSON \`lantrust ca init\` writes); restore it from your backup of the CA folder.`);
  }
}

/** Does signing with this CA need a passphrase? (so the CLI knows whether to ask) */
export async function caKeyIsEncrypted(dir: string): Promise<boolean> {
  return (await readSettings(dir)).keyProtection !== 'none';
}

export async function readCaCertificates(dir: string): Promise<CaCertificates> {
  const settings = await readSettings(dir);
  const rootFile = join(dir, settings.files.root);
  const root = await readOneCertificate(rootFile);
  // ca.json pins the root: a root.pem replaced by anything else (a leaf written over it, another CA) is refused.
  if (normalizeSha(root.info.sha256) !== normalizeSha(settings.rootSha256 ?? '')) {
    throw new UserError(`${rootFile} is not the root this CA made (its SHA-256 differs from the one in ${CA_JSON}); restore root.pem from your backup of the CA folder before signing anything.`);
  }
  const useIntermediate = Boolean(settings.intermediate && settings.files.intermediate);
  let issuer = root;
  if (useIntermediate) {
    const intFile = join(dir, settings.files.intermediate!);
    issuer = await readOneCertificate(intFile);
    if (!issuer.info.basicConstraints?.ca || !issuer.x509.checkIssued(root.x509) || !issuer.x509.verify(root.x509.publicKey)) {
      throw new UserError(`${intFile} is not an intermediate signed by this CA's root; restore intermediate.pem from your backup of the CA folder.`);
    }
  }
  const constraints = [root, ...(useIntermediate ? [issuer] : [])].map((c) => c.info.nameConstraints).filter((n): n is NonNullable<typeof n> => Boolean(n));
  return { dir, settings, root, issuer, chain: useIntermediate ? [issuer] : [], constraints };
}

function normalizeSha(s: string): string {
  return s.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

function spki(key: KeyObject): Buffer {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });
}

/** Opens the CA for signing devices (decrypts the issuing key, and checks it belongs to the issuing certificate). */
export async function openCa(dir: string, passphrase: string | null | undefined, certs?: CaCertificates): Promise<OpenCa> {
  const c = certs ?? (await readCaCertificates(dir));
  const useIntermediate = c.issuer !== c.root;
  const keyFile = join(dir, useIntermediate ? c.settings.files.intermediateKey! : c.settings.files.rootKey);
  let pem: string;
  try {
    pem = await readFile(keyFile, 'utf8');
  } catch {
    throw new UserError(
      useIntermediate
        ? `the intermediate key ${keyFile} is missing; copy it back into the CA folder (the root key may stay offline).`
        : `the root key ${keyFile} is missing; devices are signed with it, so copy it back into the CA folder.`,
    );
  }
  const replaced = `${keyFile} is not the key of ${useIntermediate ? 'the intermediate' : 'the root'} certificate (it may have been overwritten); restore it from your backup of the CA folder before signing anything.`;
  if (c.settings.keyProtection === 'scrypt' && !isEncryptedPem(pem)) throw new UserError(replaced);
  const issuerKey = openPrivateKey(pem, passphrase, keyFile);
  if (!spki(issuerKey).equals(spki(c.issuer.x509.publicKey))) throw new UserError(replaced);
  return { ...c, issuerKey };
}

/**
 * Refuses an output path that is, or resolves to (symlinks, "..", a symlinked folder), one of the CA
 * folder's own files or reserved names: a device key written over root.key, or a leaf over root.pem,
 * would silently turn the CA into something else.
 */
export async function assertNotCaFile(dir: string, settings: CaSettings, outputs: string[]): Promise<void> {
  const fold = (p: string) => (process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p);
  const caDir = fold(await realpath(dir).catch(() => resolve(dir)));
  const reserved = new Set([...RESERVED_NAMES, ...Object.values(settings.files).filter((f): f is string => typeof f === 'string')].map((n) => fold(n)));
  for (const out of outputs) {
    const abs = resolve(out);
    const parent = fold(await realpath(dirname(abs)).catch(() => dirname(abs)));
    let target = join(parent, fold(basename(abs)));
    const link = await lstat(abs).catch(() => undefined);
    if (link?.isSymbolicLink()) target = fold(await realpath(abs).catch(() => abs));
    if (dirname(target) === caDir && reserved.has(basename(target))) {
      throw new UserError(`refusing to write ${out}: it is the CA's own ${basename(target)} in ${dir}; write device files elsewhere (the default is ${join(dir, 'devices')}). Nothing was written.`);
    }
  }
}

/** Writes a file atomically; a failure is one sentence (exit 2). */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  try {
    await writeAtomic(path, data, mode);
  } catch (e) {
    throw new UserError(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check that its folder exists and is writable.`);
  }
}

export async function ensureDir(dir: string, what: string, mode = 0o755): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode });
  } catch {
    throw new UserError(`cannot create the ${what} folder ${dir}; check the path and its permissions.`);
  }
}

export async function appendIssued(dir: string, records: IssuedRecord[]): Promise<void> {
  if (!records.length) return;
  await appendFile(join(dir, ISSUED_LOG), records.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o644 });
}

export async function readIssued(dir: string): Promise<{ records: IssuedRecord[]; damagedLines: number[] }> {
  await readSettings(dir);
  let text = '';
  try {
    text = await readFile(join(dir, ISSUED_LOG), 'utf8');
  } catch {
    return { records: [], damagedLines: [] };
  }
  const records: IssuedRecord[] = [];
  const damagedLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const r = JSON.parse(line) as IssuedRecord;
      if (typeof r.label !== 'string' || typeof r.notAfter !== 'string') throw new Error('shape');
      records.push(r);
    } catch {
      damagedLines.push(i + 1);
    }
  });
  return { records, damagedLines };
}
