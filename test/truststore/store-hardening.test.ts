// Audit item 8, with real certutil and real files: a stranger under lantrust's NSS nickname doesn't
// block the install, and a damaged Chrome policy file is set aside with a note, never silently lost.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOneCertificate } from '../../src/main/cert/read.js';
import { installRoot, uninstallRoot } from '../../src/main/truststore/index.js';
import { rootCert } from '../../src/main/truststore/common.js';
import { tempDir } from '../helpers/certs.js';
import { findTool, makeNssHome } from '../helpers/oracles.js';
import { makePki } from './fixtures.js';

const certutil = findTool('certutil');

/** What certutil says a nickname holds: the SHA-256 (hex) of each certificate. */
function hashesUnder(db: string, nick: string): string[] {
  const pem = execFileSync(certutil, ['-d', `sql:${db}`, '-L', '-n', nick, '-a'], { encoding: 'utf8' });
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/g)].map((m) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: `-----BEGIN CERTIFICATE-----${m[1]}-----END CERTIFICATE-----\n`, encoding: 'utf8' }).split('=')[1]!.trim().replace(/:/g, '').toLowerCase());
}

describe('NSS: an unrelated certificate already under lantrust\'s nickname', () => {
  it('install picks another nickname and succeeds; the stranger keeps its name and trust; uninstall removes only ours', async () => {
    const home = makeNssHome();
    try {
      const pki = makePki({ name: 'Nick Root' });
      const stranger = makePki({ name: 'Stranger' }, pki.dir);
      const root = await readOneCertificate(pki.rootFile);
      const ours = rootCert(root.der, root.info).nickname;
      execFileSync(certutil, ['-d', `sql:${home.db}`, '-A', '-t', 'P,,', '-n', ours, '-i', stranger.rootFile]);
      const strangerHash = hashesUnder(home.db, ours);

      const r = await installRoot({ root: pki.rootFile, stores: ['nss'], env: { home: home.home } });
      expect(r.stores[0]!.error).toBeFalsy();
      expect(r.stores[0]).toMatchObject({ installed: true, changed: true });
      expect(r.stores[0]!.message).toContain(`${ours} #2`);
      expect(hashesUnder(home.db, `${ours} #2`)).toEqual([pki.sha256.replace(/:/g, '').toLowerCase()]);
      expect(hashesUnder(home.db, ours)).toEqual(strangerHash);

      const un = await uninstallRoot({ root: pki.rootFile, stores: ['nss'], env: { home: home.home } });
      expect(un.stores[0]).toMatchObject({ changed: true, installed: false });
      expect(hashesUnder(home.db, ours)).toEqual(strangerHash);
    } finally {
      home.cleanup();
    }
  });
});

describe('Chrome policy: a damaged lantrust.json', () => {
  it('is kept under a name Chrome does not read, and the result says so', async () => {
    const dir = join(tempDir('lantrust-pol-'), 'managed');
    mkdirSync(dir, { recursive: true });
    const damaged = '{"CACertificates": ["MIIB...", ';
    writeFileSync(join(dir, 'lantrust.json'), damaged);
    const pki = makePki({ name: 'Policy Root' });
    const r = await installRoot({ root: pki.rootFile, stores: ['chrome-policy'], env: { chromePolicyDirs: [dir] } });
    expect(r.stores[0]).toMatchObject({ installed: true, changed: true });
    const kept = readdirSync(dir).filter((f) => f.startsWith('lantrust.json.broken-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toBe(damaged);
    expect(r.stores[0]!.message).toMatch(/The old file was not valid JSON.*so Chrome ignored it; it is kept as .*lantrust\.json\.broken-/);
    expect(JSON.parse(readFileSync(join(dir, 'lantrust.json'), 'utf8'))).toHaveProperty('CACertificates');
    // Chrome reads only *.json: the kept copy must not end in .json
    expect(kept[0]!.endsWith('.json')).toBe(false);
  });
});
