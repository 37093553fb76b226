// The company profile: valid files load with paths relative to the file; the pin guards the root.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x from '../../src/main/ca/x509.js';
import { sha256Hex } from '../../src/main/cert/describe.js';
import { UserError } from '../../src/main/errors.js';
import { loadProfile } from '../../src/main/profile.js';

let dir: string;
let pin: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lantrust-profile-'));
  mkdirSync(join(dir, 'certs'));
  const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = x.buildCertificate({
    subject: [['CN', 'Profile Test Root']],
    notBefore: new Date(Date.now() - 3600e3),
    notAfter: new Date(Date.now() + 365 * 864e5),
    publicKey: k.publicKey,
    signingKey: k.privateKey,
    extensions: [x.basicConstraints(true, 0), x.keyUsage(['keyCertSign'])],
  });
  writeFileSync(join(dir, 'certs', 'root.pem'), new X509Certificate(der).toString());
  pin = sha256Hex(der);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(obj: unknown, name = 'lantrust.json'): string {
  const p = join(dir, name);
  writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return p;
}

const base = () => ({ company: 'Acme', root: 'certs/root.pem', sha256: pin, cameras: [{ name: 'Lobby', url: 'https://192.168.1.50/' }] });

describe('loadProfile', () => {
  it('loads a valid profile and resolves the root relative to the file', async () => {
    const p = await loadProfile(write({ ...base(), scope: 'LocalMachine', helpdesk: { email: 'it@acme.example', phone: '+1 555 0100' }, constraints: { permitDns: ['cams.acme.example'], permitCidr: ['192.168.0.0/16'] } }));
    expect(p.root).toBe(join(dir, 'certs', 'root.pem'));
    expect(p.company).toBe('Acme');
    expect(p.scope).toBe('LocalMachine');
    expect(p.cameras).toEqual([{ name: 'Lobby', url: 'https://192.168.1.50/' }]);
    expect(p.constraints).toEqual({ permitDns: ['cams.acme.example'], permitCidr: ['192.168.0.0/16'] });
  });

  it('accepts the pin with colons and upper case', async () => {
    const colon = pin.toUpperCase().match(/../g)!.join(':');
    await expect(loadProfile(write({ ...base(), sha256: colon }))).resolves.toBeTruthy();
  });

  // Built lazily: the pin exists only after beforeAll.
  const bad: [string, () => unknown, RegExp][] = [
    ['wrong pin', () => ({ ...base(), sha256: 'ab'.repeat(32) }), /does not match the SHA-256 pinned/],
    ['not json', () => '{nope', /not valid JSON/],
    ['missing company', () => ({ ...base(), company: '' }), /"company"/],
    ['short pin', () => ({ ...base(), sha256: 'abcd' }), /64 hex digits/],
    ['unknown key', () => ({ ...base(), rooot: 'x' }), /"rooot" is not a known setting/],
    ['bad camera url', () => ({ ...base(), cameras: [{ name: 'A', url: 'javascript:alert(1)' }] }), /not an http\(s\) address/],
    ['bad scope', () => ({ ...base(), scope: 'Everyone' }), /"scope"/],
    ['bad cidr', () => ({ ...base(), constraints: { permitCidr: ['192.168.1.1/16'] } }), /host bits/],
    ['missing root file', () => ({ ...base(), root: 'nope.pem' }), /does not exist/],
  ];
  for (const [name, obj, re] of bad) {
    it(`refuses ${name} with one sentence`, async () => {
      const e = await loadProfile(write(obj(), `${name.replace(/\W/g, '_')}.json`)).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(re);
      expect((e as Error).message).not.toMatch(/\n/);
    });
  }
});
