// The company CA against real OpenSSL: roots pass check-root, chains verify, keys and .p12 files open,
// names outside the constraints are refused before anything is written.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initCa, issueCertificate, issueFromCsv, listIssued, parseCsr, signCsr, type InitCaResult } from '../../src/main/ca/index.js';
import { rawParts, describe as describeCert } from '../../src/main/cert/describe.js';
import { readCertificatesFromFile } from '../../src/main/cert/read.js';
import { lintRoot } from '../../src/main/constraints/lint.js';
import { UserError } from '../../src/main/errors.js';
import { tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const openssl = findTool('openssl');
const PASS = 'correct horse battery staple';

function ossl(args: string[], input?: string): { code: number; out: string } {
  const r = spawnSync(openssl, args, { encoding: 'utf8', input });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function rejects(p: Promise<unknown>, exitCode: number, re: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  expect((e as UserError).exitCode).toBe(exitCode);
  expect((e as UserError).message).toMatch(re);
  expect((e as UserError).message.split('\n')).toHaveLength(1);
}

async function makeCa(opts: { intermediate?: boolean; passphrase?: string | null; permitDns?: string[]; permitCidr?: string[]; key?: 'ec-p256' | 'ec-p384' | 'rsa-2048' } = {}): Promise<InitCaResult> {
  return initCa({
    dir: join(tempDir('lantrust-ca-'), 'ca'),
    name: 'Acme Ltd',
    permitDns: opts.permitDns ?? ['cams.acme.example'],
    permitCidr: opts.permitCidr ?? ['192.168.0.0/16'],
    passphrase: opts.passphrase === undefined ? PASS : opts.passphrase,
    ...(opts.intermediate ? { intermediate: true } : {}),
    ...(opts.key ? { key: opts.key } : {}),
  });
}

describe('ca init', () => {
  it('makes a constrained root that passes check-root with no error, and an encrypted 0600 key', async () => {
    const ca = await makeCa();
    const root = ca.root.info;
    expect(root.basicConstraints).toEqual({ ca: true, critical: true, pathLen: 0 });
    expect(root.keyUsage).toEqual({ usages: ['keyCertSign', 'cRLSign'], critical: true });
    expect(root.subjectKeyId).toBeTruthy();
    expect(root.nameConstraints?.critical).toBe(true);
    expect(root.nameConstraints?.permitted.map((s) => `${s.type}:${s.value}`)).toEqual(['dns:cams.acme.example', 'ip:192.168.0.0/16']);
    const fromDisk = (await readCertificatesFromFile(ca.files.root)).certs[0]!;
    expect(lintRoot(fromDisk.info).filter((f) => f.severity === 'error')).toEqual([]);
    // OpenSSL's own view of the extension
    expect(ossl(['x509', '-in', ca.files.root, '-noout', '-ext', 'nameConstraints']).out).toMatch(/critical\s+Permitted:\s+DNS:cams\.acme\.example\s+IP:192\.168\.0\.0\/255\.255\.0\.0/);

    expect(statSync(ca.files.rootKey).mode & 0o777).toBe(0o600);
    expect(statSync(ca.dir).mode & 0o777).toBe(0o700);
    const keyPem = readFileSync(ca.files.rootKey, 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const asn1 = ossl(['asn1parse', '-in', ca.files.rootKey]).out;
    expect(asn1).toMatch(/:PBES2/);
    expect(asn1).toMatch(/:id-scrypt|:scrypt/);
    expect(asn1).toMatch(/:aes-256-cbc/);
    // OpenSSL opens it with the passphrase, and not without
    expect(ossl(['pkey', '-in', ca.files.rootKey, '-passin', `pass:${PASS}`, '-noout']).code).toBe(0);
    expect(ossl(['pkey', '-in', ca.files.rootKey, '-passin', 'pass:wrong-passphrase', '-noout']).code).not.toBe(0);

    const settings = JSON.parse(readFileSync(ca.files.caJson, 'utf8')) as Record<string, unknown>;
    expect(settings).toMatchObject({ name: 'Acme Ltd', key: 'ec-p256', keyProtection: 'scrypt', intermediate: false, rootSha256: root.sha256 });
  });

  it('closes the other name type: only DNS excludes all IPs, only CIDR excludes all DNS names', async () => {
    const dnsOnly = await initCa({ dir: join(tempDir(), 'ca'), name: 'D', permitDns: ['cams.acme.example'], passphrase: null });
    expect(dnsOnly.root.info.nameConstraints?.excluded.map((s) => s.value)).toEqual(['0.0.0.0/0', '::/0']);
    const ipOnly = await initCa({ dir: join(tempDir(), 'ca'), name: 'I', permitCidr: ['10.0.0.0/8'], passphrase: null, key: 'ec-p384' });
    expect(ipOnly.root.info.nameConstraints?.excluded.map((s) => `${s.type}:${s.value}`)).toEqual(['dns:']);
    expect(ipOnly.root.info.publicKey.curve).toBe('secp384r1');
    for (const r of [dnsOnly, ipOnly]) expect(lintRoot(r.root.info).filter((f) => f.severity === 'error')).toEqual([]);
    expect(readFileSync(ipOnly.files.rootKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('--intermediate: root pathLen 1, intermediate pathLen 0 with the same constraints, issuer bytes copied', async () => {
    const ca = await makeCa({ intermediate: true });
    expect(ca.root.info.basicConstraints?.pathLen).toBe(1);
    const int = ca.intermediate!;
    expect(int.info.basicConstraints).toEqual({ ca: true, critical: true, pathLen: 0 });
    expect(int.info.nameConstraints?.permitted).toEqual(ca.root.info.nameConstraints?.permitted);
    expect(int.info.nameConstraints?.excluded).toEqual(ca.root.info.nameConstraints?.excluded);
    expect(rawParts(int.der).issuerDer.equals(rawParts(ca.root.der).subjectDer)).toBe(true);
    expect(int.info.authorityKeyId).toBe(ca.root.info.subjectKeyId);
    expect(ossl(['verify', '-CAfile', ca.files.root, ca.files.intermediate!]).code).toBe(0);
    expect(statSync(ca.files.intermediateKey!).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an existing CA, and bad settings, in one sentence', async () => {
    const ca = await makeCa({ passphrase: null });
    await rejects(initCa({ dir: ca.dir, name: 'Again', permitDns: ['x.example'], passphrase: null }), 2, /already holds a CA/);
    await rejects(initCa({ dir: join(tempDir(), 'ca'), name: 'X', passphrase: null }), 2, /--permit-dns/);
    await rejects(initCa({ dir: join(tempDir(), 'ca'), name: 'X', permitCidr: ['192.168.1.1/16'], passphrase: null }), 2, /./);
    await rejects(initCa({ dir: join(tempDir(), 'ca'), name: 'X', permitDns: ['x.example'], passphrase: 'short' }), 2, /shorter than 8/);
  });
});

describe('ca issue', () => {
  it('issues the device profile; OpenSSL verifies the chain with and without an intermediate', async () => {
    for (const intermediate of [false, true]) {
      const ca = await makeCa({ intermediate });
      const d = await issueCertificate({ dir: ca.dir, label: 'lobby-cam', ip: ['192.168.1.50'], dns: ['lobby.cams.acme.example'], passphrase: PASS });
      const v = ossl(['verify', '-CAfile', ca.files.root, '-untrusted', d.files.chain, d.files.crt]);
      expect(v.out).toContain(': OK');
      expect(v.code).toBe(0);
      const chain = (await readCertificatesFromFile(d.files.chain)).certs;
      expect(chain).toHaveLength(intermediate ? 2 : 1);
      const leaf = chain[0]!;
      const info = leaf.info;
      expect(info.subject).toBe('CN=lobby-cam');
      expect(info.basicConstraints).toEqual({ ca: false, critical: true });
      expect(info.keyUsage?.usages).toEqual(['digitalSignature']);
      expect(info.extKeyUsage?.usages).toEqual(['serverAuth']);
      expect(info.subjectAltName?.dns).toEqual(['lobby.cams.acme.example']);
      expect(info.subjectAltName?.ip).toEqual(['192.168.1.50']);
      expect(info.serialNumber).toMatch(/^[0-9A-F]{30,32}$/);
      const issuer = intermediate ? ca.intermediate! : ca.root;
      expect(rawParts(leaf.der).issuerDer.equals(rawParts(issuer.der).subjectDer)).toBe(true);
      expect(info.authorityKeyId).toBe(issuer.info.subjectKeyId);
      const days = (Date.parse(info.notAfter) - Date.now()) / 864e5;
      expect(Math.round(days)).toBe(397);
      for (const f of [d.files.key, d.files.server]) expect(statSync(f).mode & 0o777).toBe(0o600);
      expect(readFileSync(d.files.key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      // server.pem = key + leaf + intermediates; OpenSSL matches the key to the certificate
      const server = readFileSync(d.files.server, 'utf8');
      expect((server.match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(intermediate ? 2 : 1);
      const pubFromKey = ossl(['pkey', '-in', d.files.key, '-pubout']).out;
      expect(ossl(['x509', '-in', d.files.crt, '-noout', '-pubkey']).out).toBe(pubFromKey);
    }
  });

  it('RSA devices get keyEncipherment too; --days sets the validity', async () => {
    const ca = await makeCa({ passphrase: null });
    const d = await issueCertificate({ dir: ca.dir, label: 'old-cam', ip: ['192.168.2.9'], key: 'rsa-2048', days: 30 });
    const info = describeCert((await readCertificatesFromFile(d.files.crt)).certs[0]!.der).info;
    expect(info.keyUsage?.usages).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(info.publicKey).toMatchObject({ type: 'RSA', bits: 2048 });
    expect(Math.round((Date.parse(info.notAfter) - Date.now()) / 864e5)).toBe(30);
    expect(ossl(['verify', '-CAfile', ca.files.root, d.files.crt]).code).toBe(0);
  });

  it('writes a .p12 that OpenSSL opens with the password (EC and RSA), holding key, leaf and intermediate', async () => {
    const ca = await makeCa({ intermediate: true, passphrase: null });
    const dir = tempDir();
    const passFile = join(dir, 'p12.txt');
    writeFileSync(passFile, 'p12 pässword\n');
    for (const key of ['ec-p256', 'rsa-2048'] as const) {
      const d = await issueCertificate({ dir: ca.dir, label: `cam-${key}`, ip: ['192.168.3.3'], key, p12Passphrase: 'p12 pässword', out: dir });
      expect(statSync(d.files.p12!).mode & 0o777).toBe(0o600);
      const info = ossl(['pkcs12', '-info', '-noout', '-in', d.files.p12!, '-passin', `file:${passFile}`]);
      expect(info.out).toMatch(/MAC: sha256/);
      expect(info.out).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
      expect(info.code).toBe(0);
      const dump = ossl(['pkcs12', '-in', d.files.p12!, '-passin', `file:${passFile}`, '-nodes']).out;
      expect((dump.match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(2);
      expect(dump).toMatch(/friendlyName: cam-/);
      expect(dump).toMatch(/BEGIN PRIVATE KEY/);
      writeFileSync(join(dir, 'wrong.txt'), 'wrong\n');
      expect(ossl(['pkcs12', '-info', '-noout', '-in', d.files.p12!, '-passin', `file:${join(dir, 'wrong.txt')}`]).out).toMatch(/mac verify failure|invalid password/i);
    }
  });

  it('refuses names outside the constraints (exit 1, one sentence naming the name and the subtrees) and writes nothing', async () => {
    const ca = await makeCa();
    const out = join(tempDir(), 'out');
    for (const names of [{ dns: ['www.google.com'] }, { ip: ['8.8.8.8'] }, { ip: ['192.168.1.5'], dns: ['cams.acme.example.evil.com'] }]) {
      // the wrong passphrase proves the refusal comes before the key is even opened
      await rejects(issueCertificate({ dir: ca.dir, label: 'evil', ...names, passphrase: 'not the passphrase', out }), 1, /refusing (www\.google\.com|8\.8\.8\.8|cams\.acme\.example\.evil\.com) for evil: this CA may vouch for only names under cams\.acme\.example and addresses in 192\.168\.0\.0\/16.*nothing was written/);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(ca.dir, 'issued.jsonl'))).toBe(false);
  });

  it('bad input: wrong passphrase, missing dir, bad label/IP/name → one sentence, exit 2', async () => {
    const ca = await makeCa();
    await rejects(issueCertificate({ dir: ca.dir, label: 'x', ip: ['192.168.1.1'], passphrase: 'wrong passphrase' }), 2, /passphrase does not open/);
    await rejects(issueCertificate({ dir: ca.dir, label: 'x', ip: ['192.168.1.1'] }), 2, /encrypted; give its passphrase/);
    await rejects(issueCertificate({ dir: join(ca.dir, 'nope'), label: 'x', ip: ['192.168.1.1'] }), 2, /does not exist/);
    await rejects(issueCertificate({ dir: ca.dir, label: '../etc/passwd', ip: ['192.168.1.1'], passphrase: PASS }), 2, /cannot be a device label/);
    await rejects(issueCertificate({ dir: ca.dir, label: 'x', ip: ['192.168.1.300'], passphrase: PASS }), 2, /not an IP address/);
    await rejects(issueCertificate({ dir: ca.dir, label: 'x', dns: ['bad_name!.cams.acme.example'], passphrase: PASS }), 2, /not a valid DNS name/);
    await rejects(issueCertificate({ dir: ca.dir, label: 'x', passphrase: PASS }), 2, /at least one --ip/);
    await rejects(issueCertificate({ dir: ca.dir, label: 'x', ip: ['192.168.1.1'], days: 0, passphrase: PASS }), 2, /--days/);
    expect(existsSync(join(ca.dir, 'devices'))).toBe(false);
  });

  it('root key offline: an intermediate CA issues without root.key', async () => {
    const ca = await makeCa({ intermediate: true, passphrase: null });
    execFileSync('mv', [ca.files.rootKey, join(tempDir(), 'offline.key')]);
    const d = await issueCertificate({ dir: ca.dir, label: 'cam', ip: ['192.168.9.9'] });
    expect(ossl(['verify', '-CAfile', ca.files.root, '-untrusted', d.files.chain, d.files.crt]).code).toBe(0);
  });
});

describe('ca issue --from devices.csv', () => {
  it('issues the good rows, refuses the bad ones with a reason, writes nothing for them, logs the issued', async () => {
    const ca = await makeCa({ intermediate: true });
    const out = join(tempDir(), 'fleet');
    const csv = [
      '# Acme cameras',
      'dns,name,ip',
      'lobby.cams.acme.example,lobby-cam,192.168.1.50',
      ',yard-cam,192.168.1.51 192.168.1.52',
      'www.google.com,evil,192.168.1.60',
      ',bad-ip,192.168.1.300',
      ',lobby-cam,192.168.1.61',
      'door.cams.acme.example,,',
      ',"a b",192.168.1.62',
      ',too,many,cells',
      '',
    ].join('\n');
    const r = await issueFromCsv({ dir: ca.dir, csvText: csv, passphrase: PASS, out });
    expect(r.issued.map((d) => d.label)).toEqual(['lobby-cam', 'yard-cam', 'door-cams-acme-example']);
    expect(r.issued[1]!.ip).toEqual(['192.168.1.51', '192.168.1.52']);
    expect(r.refused.map((f) => [f.line, f.label])).toEqual([
      [5, 'evil'],
      [6, 'bad-ip'],
      [7, 'lobby-cam'],
      [9, 'a b'],
      [10, 'too'],
    ]);
    expect(r.refused[0]!.reason).toMatch(/refusing www\.google\.com/);
    expect(r.refused[2]!.reason).toMatch(/already used on line 3/);
    const files = readdirSync(out).sort();
    expect(files.filter((f) => f.startsWith('evil') || f.startsWith('bad-ip') || f.startsWith('.'))).toEqual([]);
    expect(files).toHaveLength(3 * 4);
    for (const d of r.issued) expect(ossl(['verify', '-CAfile', ca.files.root, '-untrusted', d.files.chain, d.files.crt]).code).toBe(0);
    const log = readFileSync(join(ca.dir, 'issued.jsonl'), 'utf8').trim().split('\n');
    expect(log.map((l) => (JSON.parse(l) as { label: string }).label)).toEqual(['lobby-cam', 'yard-cam', 'door-cams-acme-example']);
  });

  it('an unusable file is refused whole (exit 2), before anything is written', async () => {
    const ca = await makeCa({ passphrase: null });
    await rejects(issueFromCsv({ dir: ca.dir, csvText: 'host,address\nx,1.2.3.4\n' }), 2, /header line "name,ip,dns"/);
    await rejects(issueFromCsv({ dir: ca.dir, csvText: '' }), 2, /empty/);
    await rejects(issueFromCsv({ dir: ca.dir, csvText: 'name,ip,dns\n' }), 2, /no devices/);
    await rejects(issueFromCsv({ dir: ca.dir, csv: join(ca.dir, 'missing.csv') }), 2, /cannot read/);
    expect(existsSync(join(ca.dir, 'devices'))).toBe(false);
  });

  it('a row that cannot be read is refused by its line number; the rows around it are still issued', async () => {
    const ca = await makeCa({ passphrase: null });
    const r = await issueFromCsv({ dir: ca.dir, csvText: 'name,ip,dns\r\ncam1,192.168.1.1,\r\n"cam2,192.168.1.2\r\ncam3,192.168.1.3,\r\n' });
    expect(r.issued.map((d) => d.label)).toEqual(['cam1', 'cam3']);
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]).toMatchObject({ line: 3 });
    expect(r.refused[0]!.reason).toMatch(/can't be read: a quoted cell is never closed/);
  });
});

function makeCsr(subject: string, san: string | undefined, key: 'ec' | 'rsa' = 'ec'): { csr: string; dir: string } {
  const dir = tempDir();
  const args = ['req', '-new', '-nodes', '-keyout', join(dir, 'dev.key'), '-subj', subject, '-out', join(dir, 'dev.csr')];
  if (key === 'ec') args.splice(2, 0, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256');
  else args.splice(2, 0, '-newkey', 'rsa:2048');
  if (san) args.push('-addext', `subjectAltName=${san}`);
  execFileSync(openssl, args, { stdio: 'ignore' });
  return { csr: join(dir, 'dev.csr'), dir };
}

describe('ca sign --csr', () => {
  it('signs an OpenSSL-made CSR with its SANs; the device keeps its key; OpenSSL verifies', async () => {
    const ca = await makeCa({ intermediate: true });
    const { csr, dir } = makeCsr('/CN=door-cam/O=Axis', 'IP:192.168.7.7,DNS:door.cams.acme.example,email:ops@acme.example');
    const out = join(dir, 'door.crt');
    const r = await signCsr({ dir: ca.dir, csr, passphrase: PASS, out });
    expect(r.label).toBe('door-cam');
    expect(r.ip).toEqual(['192.168.7.7']);
    expect(r.dns).toEqual(['door.cams.acme.example']);
    expect(r.ignored).toEqual(['email ops@acme.example']);
    expect(ossl(['verify', '-CAfile', ca.files.root, '-untrusted', out, out]).code).toBe(0);
    // the certificate carries the CSR's key
    expect(ossl(['x509', '-in', out, '-noout', '-pubkey']).out).toBe(ossl(['pkey', '-in', join(dir, 'dev.key'), '-pubout']).out);
    const info = (await readCertificatesFromFile(out)).certs[0]!.info;
    expect(info.subject).toBe('CN=door-cam');
    expect(info.extKeyUsage?.usages).toEqual(['serverAuth']);
  });

  it('DER input and RSA keys work; a CN-only request uses its address as the SAN', async () => {
    const ca = await makeCa({ passphrase: null });
    const { csr } = makeCsr('/CN=192.168.7.8', undefined, 'rsa');
    const der = execFileSync(openssl, ['req', '-in', csr, '-outform', 'DER']);
    const r = await signCsr({ dir: ca.dir, csr: der });
    expect(r.fromCommonName).toBe(true);
    expect(r.ip).toEqual(['192.168.7.8']);
    expect(r.label).toBe('192-168-7-8');
    const info = describeCert(Buffer.from(r.certPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')).info;
    expect(info.keyUsage?.usages).toEqual(['digitalSignature', 'keyEncipherment']);
  });

  it('refuses a tampered request, names outside the constraints, and non-CSRs', async () => {
    const ca = await makeCa({ passphrase: null });
    // a valid CSR, then one byte of the subject flipped: the self-signature no longer matches
    const { csr } = makeCsr('/CN=cam', 'IP:192.168.1.9');
    const der = execFileSync(openssl, ['req', '-in', csr, '-outform', 'DER']);
    expect(parseCsr(der).ip).toEqual(['192.168.1.9']);
    const bad = Buffer.from(der);
    const at = bad.indexOf(Buffer.from('cam'));
    bad[at] = 'x'.charCodeAt(0);
    expect(() => parseCsr(bad)).toThrow(/signature that does not match/);
    const outside = makeCsr('/CN=evil', 'DNS:www.google.com');
    const out = join(outside.dir, 'evil.crt');
    await rejects(signCsr({ dir: ca.dir, csr: outside.csr, out }), 1, /refusing www\.google\.com/);
    expect(existsSync(out)).toBe(false);
    await rejects(signCsr({ dir: ca.dir, csr: ca.files.root }), 2, /not a certificate request/);
    await rejects(signCsr({ dir: ca.dir, csr: join(outside.dir, 'missing.csr') }), 2, /cannot read the CSR/);
    const noNames = makeCsr('/CN=just-a-label', undefined);
    await rejects(signCsr({ dir: ca.dir, csr: noNames.csr }), 2, /asks for no IP address or DNS name/);
  });
});

describe('ca list', () => {
  it('newest per label, soonest expiry first, warns within 30 days', async () => {
    const ca = await makeCa({ passphrase: null });
    await issueCertificate({ dir: ca.dir, label: 'b-cam', ip: ['192.168.1.2'], days: 200 });
    await issueCertificate({ dir: ca.dir, label: 'a-cam', ip: ['192.168.1.1'], days: 10 });
    await issueCertificate({ dir: ca.dir, label: 'c-cam', ip: ['192.168.1.3'], days: 100 });
    await new Promise((r) => setTimeout(r, 5));
    await issueCertificate({ dir: ca.dir, label: 'a-cam', ip: ['192.168.1.1'], days: 397 }); // renewal
    const r = await listIssued(ca.dir);
    expect(r.entries.map((e) => [e.label, e.status])).toEqual([
      ['c-cam', 'ok'],
      ['b-cam', 'ok'],
      ['a-cam', 'ok'],
    ]);
    const all = await listIssued(ca.dir, { all: true });
    expect(all.entries.map((e) => [e.label, e.status, e.superseded])).toEqual([
      ['a-cam', 'expiring', true],
      ['c-cam', 'ok', false],
      ['b-cam', 'ok', false],
      ['a-cam', 'ok', false],
    ]);
    const later = await listIssued(ca.dir, { now: new Date(Date.now() + 180 * 864e5) });
    expect(later.entries.map((e) => [e.label, e.status])).toEqual([
      ['c-cam', 'expired'],
      ['b-cam', 'expiring'],
      ['a-cam', 'ok'],
    ]);
  });
});
