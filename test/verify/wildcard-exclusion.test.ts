// A wildcard SAN under a root that excludes a subtree below it: Chrome 156 refuses it (ERR_CERT_INVALID,
// the parity corpus case wildcard-excluded-below), so the shared constraint check refuses it too, and
// `lantrust ca issue` / `ca sign` with it, in one sentence and without writing a file.
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkNames, buildConstraints } from '../../src/main/constraints/model.js';
import { cli, expectOneSentence } from '../helpers/cli.js';
import { tempDir } from '../helpers/certs.js';

const set = buildConstraints({ permitDns: ['cams.acme.example'], excludeDns: ['secret.cams.acme.example'], permitCidr: ['192.168.0.0/16'] });

describe('wildcards against excluded subtrees', () => {
  test('a wildcard is excluded when an excluded subtree is one of the names it stands for', () => {
    expect(checkNames(set, { dns: ['*.cams.acme.example'] })).toEqual([{ name: '*.cams.acme.example', type: 'dns', reason: 'excluded' }]);
    // an exclusion two labels below, or written as ".subtree", is not a name the wildcard stands for
    // (parity cases wildcard-excluded-two-below and wildcard-excluded-dot-subtree: Chromium loads them)
    expect(checkNames(buildConstraints({ permitDns: ['cams.acme.example'], excludeDns: ['x.secret.cams.acme.example'] }), { dns: ['*.cams.acme.example'] })).toEqual([]);
    expect(checkNames(buildConstraints({ permitDns: ['cams.acme.example'], excludeDns: ['.secret.cams.acme.example'] }), { dns: ['*.cams.acme.example'] })).toEqual([]);
    // names that are not wildcards keep the plain subtree rule
    expect(checkNames(set, { dns: ['lobby.cams.acme.example'] })).toEqual([]);
    expect(checkNames(set, { dns: ['a.secret.cams.acme.example'] })).toHaveLength(1);
  });

  test('ca issue refuses such a wildcard in one sentence and writes nothing', () => {
    const dir = tempDir();
    const ca = join(dir, 'ca');
    const init = cli(['ca', 'init', '--dir', ca, '--name', 'Acme Ltd', '--permit-dns', 'cams.acme.example', '--exclude-dns', 'secret.cams.acme.example', '--permit-cidr', '192.168.0.0/16', '--no-passphrase']);
    expect(init.code, init.stderr).toBe(0);
    const r = cli(['ca', 'issue', '--dir', ca, '--name', 'wild', '--dns', '*.cams.acme.example']);
    expect(r.code).toBe(1);
    expectOneSentence(r.stderr);
    expect(r.stderr).toMatch(/refusing \*\.cams\.acme\.example for wild: .*except secret\.cams\.acme\.example, so browsers would reject the certificate; nothing was written\./);
    expect(existsSync(join(ca, 'devices')) ? readdirSync(join(ca, 'devices')) : []).toEqual([]);
    // a name beside the excluded subtree is still issued
    expect(cli(['ca', 'issue', '--dir', ca, '--name', 'lobby', '--dns', 'lobby.cams.acme.example']).code).toBe(0);
  });
});
