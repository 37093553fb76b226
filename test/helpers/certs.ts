// Certificates made at test time (no committed keys): roots with any flaw a lint rule looks for.
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x from '../../src/main/ca/x509.js';
import { buildConstraints, type ConstraintInput } from '../../src/main/constraints/model.js';

export type KeySpec = 'ec-p256' | 'ec-p384' | 'ec-secp256k1' | 'rsa-1024' | 'rsa-2048' | 'ed25519';

const keyCache = new Map<KeySpec, { publicKey: KeyObject; privateKey: KeyObject }>();

/** Key pairs are cached per type: tests only need distinct certificates, not distinct keys per call. */
export function keyPair(spec: KeySpec = 'ec-p256'): { publicKey: KeyObject; privateKey: KeyObject } {
  const hit = keyCache.get(spec);
  if (hit) return hit;
  const kp =
    spec === 'ec-p256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : spec === 'ec-p384'
        ? generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
        : spec === 'ec-secp256k1'
          ? generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
          : spec === 'rsa-1024'
            ? generateKeyPairSync('rsa', { modulusLength: 1024 })
            : spec === 'rsa-2048'
              ? generateKeyPairSync('rsa', { modulusLength: 2048 })
              : generateKeyPairSync('ed25519');
  keyCache.set(spec, kp);
  return kp;
}

export interface RootSpec {
  key?: KeySpec;
  name?: string;
  ca?: boolean | null; // null = no basicConstraints at all
  pathLen?: number;
  keyUsage?: string[] | null;
  eku?: string[];
  constraints?: ConstraintInput | null;
  /** Raw nameConstraints value (DER) for malformed cases; wins over `constraints`. */
  rawConstraints?: Buffer;
  constraintsCritical?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  hash?: x.Hash;
}

const DAY = 86_400_000;

export function makeRoot(spec: RootSpec = {}): { der: Buffer; pem: string; key: KeyObject } {
  const kp = keyPair(spec.key);
  const ext: x.Extension[] = [];
  if (spec.ca !== null) ext.push(x.basicConstraints(spec.ca ?? true, spec.pathLen));
  if (spec.keyUsage !== null) ext.push(x.keyUsage(spec.keyUsage ?? ['keyCertSign', 'cRLSign']));
  if (spec.eku) ext.push(x.extKeyUsage(spec.eku));
  ext.push(x.subjectKeyIdentifier(kp.publicKey));
  if (spec.rawConstraints) ext.push({ oid: '2.5.29.30', critical: spec.constraintsCritical ?? true, value: spec.rawConstraints });
  else if (spec.constraints !== null) {
    ext.push(x.nameConstraints(buildConstraints(spec.constraints ?? { permitDns: ['cams.example.com'], permitCidr: ['192.168.0.0/16'] }), spec.constraintsCritical ?? true));
  }
  const der = x.buildCertificate({
    subject: [['O', 'Test Co'], ['CN', spec.name ?? 'Test Root']],
    notBefore: spec.notBefore ?? new Date(Date.now() - DAY),
    notAfter: spec.notAfter ?? new Date(Date.now() + 3650 * DAY),
    publicKey: kp.publicKey,
    signingKey: kp.privateKey,
    ...(spec.hash ? { hash: spec.hash } : {}),
    extensions: ext,
  });
  return { der, pem: new X509Certificate(der).toString(), key: kp.privateKey };
}

export function tempDir(prefix = 'lantrust-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, data: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}
