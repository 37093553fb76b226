// Names people see come from the parsed subject, never cut out of a formatted string (audit item 11):
// "O=Acme, Inc., CN=Acme, Inc. Root" showed as "Acme" on the Trust screen. The certificate is made
// by OpenSSL, so the attributes are what an independent tool wrote.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOperations } from '../../src/main/api.js';
import { readOneCertificate } from '../../src/main/cert/read.js';
import { loadProfileAndRoot } from '../../src/main/profile.js';
import { rootCert } from '../../src/main/truststore/common.js';
import { tempDir } from '../helpers/certs.js';
import { findTool } from '../helpers/oracles.js';

describe('subject names with commas', () => {
  it('describe, the Trust screen and the NSS nickname keep "Acme, Inc." whole', async () => {
    const dir = tempDir('lantrust-names-');
    const openssl = findTool('openssl');
    execFileSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'root.pem'), '-days', '30', '-subj', '/O=Acme, Inc./OU=IT, Security/CN=Acme, Inc. Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-addext', 'nameConstraints=critical,permitted;IP:192.168.0.0/255.255.0.0'], { stdio: 'ignore' });
    const root = await readOneCertificate(join(dir, 'root.pem'));
    expect(root.info).toMatchObject({ organization: 'Acme, Inc.', organizationalUnit: 'IT, Security', commonName: 'Acme, Inc. Root' });
    expect(rootCert(root.der, root.info).nickname).toMatch(/^Acme, Inc\. Root \(lantrust [0-9a-f]{8}\)$/);

    const sha = execFileSync(openssl, ['x509', '-in', join(dir, 'root.pem'), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).split('=')[1]!.trim();
    writeFileSync(join(dir, 'lantrust.json'), JSON.stringify({ company: 'Acme, Inc.', root: 'root.pem', sha256: sha }));
    const ops = makeOperations({ loaded: await loadProfileAndRoot(join(dir, 'lantrust.json')) }, { kind: 'web' });
    const view = await ops.profile();
    expect(view).toMatchObject({ ok: true, root: { organisation: 'Acme, Inc.', commonName: 'Acme, Inc. Root' } });
    expect(readFileSync(join(dir, 'root.pem'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
  });
});
