// A company profile (lantrust.json + root) written to a temp folder, as IT would hand it to build-installer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../../src/main/cert/describe.js';
import { makeRoot, type RootSpec } from '../helpers/certs.js';

export interface TestProfile {
  dir: string;
  config: string;
  rootPem: string;
  pin: string;
  json: Record<string, unknown>;
}

export function writeProfile(extra: Record<string, unknown> = {}, rootSpec: RootSpec = {}): TestProfile {
  const dir = mkdtempSync(join(tmpdir(), 'lantrust-profile-'));
  const root = makeRoot({ name: 'Acme Cameras Root', ...rootSpec });
  mkdirSync(join(dir, 'certs'));
  const rootPem = join(dir, 'certs', 'acme-root.pem');
  writeFileSync(rootPem, root.pem);
  const pin = sha256Hex(root.der);
  const json = {
    company: 'Acme Müller & Söhne GmbH',
    root: 'certs/acme-root.pem',
    sha256: pin,
    cameras: [{ name: 'Lobby', url: 'https://192.168.1.50/axis-cgi/mjpg/video.cgi' }],
    helpdesk: { name: 'IT', email: 'it@acme.example', phone: '+49 30 1234' },
    scope: 'CurrentUser',
    ...extra,
  };
  const config = join(dir, 'lantrust.json');
  writeFileSync(config, JSON.stringify(json, null, 2));
  return { dir, config, rootPem, pin, json };
}
