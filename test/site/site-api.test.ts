// The app's "Write the intranet page" (operation writeSite): the same folder `lantrust site` writes,
// made from the app's own profile in a folder the host chose (never one a renderer names).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOperation, makeOperations, type SiteView } from '../../src/main/api.js';
import { loadProfileAndRoot } from '../../src/main/profile.js';
import { makeCa, opensslFingerprint, opensslSha256, writeProfile } from './world.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lantrust-site-api-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operation writeSite', () => {
  it('writes the intranet page for the loaded profile under the host-chosen folder', async () => {
    const ca = await makeCa(join(dir, 'ca'), 'Api Co', { permitCidr: ['10.1.0.0/16'] });
    const profile = writeProfile(join(dir, 'lantrust.json'), { company: 'Api Co', root: 'ca/root.pem', sha256: opensslFingerprint(ca.rootPem), cameras: [{ name: 'Door', url: 'https://10.1.2.3/axis-cgi/mjpg/video.cgi' }] });
    const parent = join(dir, 'pages');
    const ops = makeOperations({ loaded: await loadProfileAndRoot(profile), siteParent: parent }, { kind: 'web' });
    // A renderer's argument can't steer where it goes.
    const env = await callOperation(ops, 'writeSite', { outDir: '/etc' });
    expect(env.ok).toBe(true);
    const site = (env as { ok: true; value: SiteView }).value;
    expect(dirname(site.dir)).toBe(parent);
    expect(site.dir).toMatch(/Api-Co-intranet-page-/);
    expect(site.files.map((f) => f.name).sort()).toEqual(readdirSync(site.dir).sort());
    for (const f of site.files) expect(f.sha256).toBe(opensslSha256(join(site.dir, f.name)));
    expect(opensslFingerprint(join(site.dir, 'root.cer'), 'DER')).toBe(opensslFingerprint(ca.rootPem));
  });

  it('says why when the profile could not be loaded', async () => {
    const ops = makeOperations({ loaded: { error: 'the company profile is missing.' }, siteParent: dir }, { kind: 'web' });
    expect(await callOperation(ops, 'writeSite', {})).toEqual({ ok: false, error: 'the company profile is missing.' });
  });
});
