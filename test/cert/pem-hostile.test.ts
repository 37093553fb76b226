// Hostile certificate files stay cheap and get one short sentence (audit item 3): a 1 MB file of
// nested BEGIN lines used to cost ~100 s of CPU in check-root (a search to the end per block) and an
// error that listed every block. Real files still read as OpenSSL reads them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCertificatesFromFile } from '../../src/main/cert/read.js';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { makeRoot, tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

const MB = 1024 * 1024;

function fill(unit: string): string {
  return unit.repeat(Math.floor((MB - 100) / unit.length));
}

/** The audit's file: blocks nested in one another, each marker behind a header-like "h:" (so every body is empty). */
function nestedWithHeaders(): string {
  const begins: string[] = [];
  const ends: string[] = [];
  for (let i = 0; begins.join('\n').length * 2 < MB - 200; i++) {
    begins.push(`h:-----BEGIN T${i}-----`);
    ends.unshift(`h:-----END T${i}-----`);
  }
  return [...begins, ...ends].join('\n');
}

const HOSTILE: [string, string][] = [
  ['nested blocks behind header lines (the audit\'s file)', nestedWithHeaders()],
  ['nested BEGIN lines, one END at the end', `${fill('-----BEGIN CERTIFICATE-----\n')}-----END CERTIFICATE-----\n`],
  ['BEGIN lines of ever-new types, no END', fill('-----BEGIN X-----\nAAAA\n-----BEGIN Y-----\n')],
  ['tens of thousands of tiny blocks', fill('-----BEGIN X509 CRL-----\nMA==\n-----END X509 CRL-----\n')],
  ['one line of markers without line breaks', fill('-----BEGIN CERTIFICATE-----AAAA')],
];

describe('hostile PEM files', () => {
  for (const [title, text] of HOSTILE) {
    it(`${title}: check-root ends at once with one short sentence (exit 2)`, () => {
      const f = join(tempDir('lantrust-pem-'), 'hostile.pem');
      writeFileSync(f, text);
      // Before the one-pass reader this ran for minutes; the limit only stops a regression from hanging the suite.
      const r = cli(['check-root', f], { timeout: 30_000 });
      expect(r.code).toBe(2);
      expectOneSentence(r.stderr);
      expect(r.stderr.length).toBeLessThan(300);
    });
  }

  it('a real chain with text around and between the blocks reads as OpenSSL reads it', async () => {
    const dir = tempDir('lantrust-pem-');
    const root = makeRoot({ name: 'Pem Root' });
    const openssl = findTool('openssl');
    const text = `subject=CN = Pem Root\nissuer=CN = Pem Root\n${root.pem}\nBag Attributes: x\n${root.pem.replace(/\n/g, '\r\n')}`;
    const f = join(dir, 'chain.pem');
    writeFileSync(f, text);
    const ours = (await readCertificatesFromFile(f)).certs.map((c) => c.info.sha256);
    // OpenSSL's reading of the same file: each certificate block, fingerprinted.
    const theirs = execFileSync(openssl, ['storeutl', '-noout', '-certs', '-text', f], { encoding: 'utf8' });
    expect(ours).toHaveLength((theirs.match(/^\d+: Certificate$/gm) ?? []).length);
    const fp = execFileSync(openssl, ['x509', '-in', f, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).split('=')[1]!.trim();
    expect(ours[0]).toBe(fp);
  });
});
