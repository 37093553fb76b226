// `ca init`: a name-constrained root (and optionally an intermediate) in a new CA folder.
import type { KeyObject } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, rawParts, type ParsedCert } from '../cert/describe.js';
import { toPem } from '../cert/read.js';
import { lintRoot, type Finding } from '../constraints/lint.js';
import { buildConstraints, describeConstraints, type ConstraintInput, type ConstraintSet } from '../constraints/model.js';
import { UserError } from '../errors.js';
import { encryptPrivateKey, generatePrivateKey, privateKeyPem, type KeyType } from './keys.js';
import { withCaLock } from './lock.js';
import { CA_JSON, ensureDir, ISSUED_LOG, writeFileAtomic, type CaSettings } from './store.js';
import * as x from './x509.js';

export interface InitCaOptions extends ConstraintInput {
  dir: string;
  /** Company name: the root's O and the start of its CN ("Acme Device Root"). */
  name: string;
  key?: KeyType;
  /** Root validity in years (default 10). */
  years?: number;
  /** Also make an intermediate that signs devices, so the root key can go offline. */
  intermediate?: boolean;
  /** Encrypts the CA key(s); null stores them unencrypted (--no-passphrase). */
  passphrase: string | null;
  now?: Date;
}

export interface InitCaResult {
  dir: string;
  settings: CaSettings;
  root: ParsedCert;
  intermediate?: ParsedCert;
  /** Absolute paths of what was written. */
  files: { root: string; rootKey: string; intermediate?: string; intermediateKey?: string; caJson: string };
  /** check-root findings for the new root (never an error). */
  findings: Finding[];
  /** The constraints in plain words. */
  trusts: string;
}

const DAY = 86_400_000;

function caProfile(pathLen: number, set: ConstraintSet, pub: KeyObject): x.Extension[] {
  return [x.basicConstraints(true, pathLen), x.keyUsage(['keyCertSign', 'cRLSign']), x.subjectKeyIdentifier(pub), x.nameConstraints(set)];
}

export async function initCa(opts: InitCaOptions): Promise<InitCaResult> {
  const name = opts.name.trim();
  if (!name) throw new UserError('give the company name with --name, e.g. --name "Acme Ltd"; it is what employees see.');
  if (name.length > 64 - ' Device Intermediate'.length) throw new UserError(`the name "${name}" is too long for a certificate; use at most 44 characters.`);
  const years = opts.years ?? 10;
  if (!Number.isInteger(years) || years < 1 || years > 30) throw new UserError(`--years must be a whole number from 1 to 30 (got ${opts.years}).`);
  if (opts.passphrase !== null && opts.passphrase.length < 8) throw new UserError('the CA passphrase is shorter than 8 characters; choose a longer one (it protects the key that can vouch for your devices).');
  let set: ConstraintSet;
  try {
    set = buildConstraints(opts);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError('give at least one --permit-dns DOMAIN or --permit-cidr RANGE: a company root must be limited to your own names.');
  }
  const key = opts.key ?? 'ec-p256';
  const dir = resolve(opts.dir);
  await ensureDir(dir, 'CA', 0o700); // holds the CA keys: only the admin may list or read it
  return withCaLock(dir, () => initLocked(opts, dir, name, years, set, key));
}

async function initLocked(opts: InitCaOptions, dir: string, name: string, years: number, set: ConstraintSet, key: KeyType): Promise<InitCaResult> {
  const existing = await readdir(dir);
  if (existing.includes(CA_JSON) || existing.includes('root.pem')) {
    throw new UserError(`${dir} already holds a CA; a new root would orphan every device certificate, so pick another --dir (or delete that folder deliberately).`);
  }

  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3600_000); // an hour back, for clocks that lag
  const notAfter = new Date(now.getTime() + years * 365 * DAY);
  const rootKey = await generatePrivateKey(key);
  const rootPub = x.publicKeyOf(rootKey);
  const rootDer = x.buildCertificate({
    subject: [['O', name], ['CN', `${name} Device Root`]],
    notBefore,
    notAfter,
    publicKey: rootPub,
    signingKey: rootKey,
    extensions: caProfile(opts.intermediate ? 1 : 0, set, rootPub),
  });
  const root = describe(rootDer);
  let intermediate: ParsedCert | undefined;
  let intKey: KeyObject | undefined;
  if (opts.intermediate) {
    intKey = await generatePrivateKey(key);
    const intPub = x.publicKeyOf(intKey);
    const intDer = x.buildCertificate({
      subject: [['O', name], ['CN', `${name} Device Intermediate`]],
      issuerDer: rawParts(rootDer).subjectDer,
      notBefore,
      notAfter,
      publicKey: intPub,
      signingKey: rootKey,
      extensions: [...caProfile(0, set, intPub), x.authorityKeyIdentifier(rootPub)],
    });
    intermediate = describe(intDer);
  }

  const findings = lintRoot(root.info, { now });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) throw new Error(`lantrust made a root that fails check-root (${errors.map((e) => e.id).join(', ')}); please report this`);

  const protect = async (k: KeyObject) => (opts.passphrase === null ? privateKeyPem(k) : encryptPrivateKey(k, opts.passphrase));
  const files = { root: 'root.pem', rootKey: 'root.key', ...(intermediate ? { intermediate: 'intermediate.pem', intermediateKey: 'intermediate.key' } : {}), issued: ISSUED_LOG };
  const c = set;
  const settings: CaSettings = {
    version: 1,
    name,
    createdAt: now.toISOString(),
    constraints: {
      permitDns: c.permitted.filter((s) => s.type === 'dns').map((s) => s.value),
      permitCidr: c.permitted.filter((s) => s.type === 'ip').map((s) => s.value),
      excludeDns: c.excluded.filter((s) => s.type === 'dns').map((s) => s.value),
      excludeCidr: c.excluded.filter((s) => s.type === 'ip').map((s) => s.value),
    },
    key,
    keyProtection: opts.passphrase === null ? 'none' : 'scrypt',
    intermediate: Boolean(intermediate),
    files,
    rootSha256: root.info.sha256,
    serials: 'random, 128 bits, positive (CA/Browser Forum asks for at least 64 random bits)',
    leafDefaults: { days: 397, key: 'ec-p256' },
  };
  // Keys first, ca.json last: a folder without ca.json is not a CA, so a crash leaves nothing half-made.
  const abs = (f: string) => join(dir, f);
  await writeFileAtomic(abs(files.rootKey), await protect(rootKey), 0o600);
  if (intermediate && intKey) {
    await writeFileAtomic(abs(files.intermediateKey!), await protect(intKey), 0o600);
    await writeFileAtomic(abs(files.intermediate!), toPem(intermediate.der));
  }
  await writeFileAtomic(abs(files.root), toPem(root.der));
  await writeFileAtomic(abs(CA_JSON), `${JSON.stringify(settings, null, 2)}\n`);
  return {
    dir,
    settings,
    root,
    ...(intermediate ? { intermediate } : {}),
    files: {
      root: abs(files.root),
      rootKey: abs(files.rootKey),
      ...(intermediate ? { intermediate: abs(files.intermediate!), intermediateKey: abs(files.intermediateKey!) } : {}),
      caJson: abs(CA_JSON),
    },
    findings,
    trusts: describeConstraints(set),
  };
}
