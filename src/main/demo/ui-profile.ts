// The demo company for `lantrust ui` without --config (and the demo's last step): the demo root, a
// camera with a good certificate and one still on its factory (self-signed) certificate, a profile
// pinned to the root, and throwaway stores (HOME, system anchors, Chrome policy folder) so neither
// "just me" nor "everyone" ever touches this machine's real trust stores.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOneCertificate } from '../cert/read.js';
import { startAxisCamera } from '../sim/camera.js';
import type { StoreEnv } from '../truststore/common.js';
import { newDemoContext, type DemoContext } from './context.js';
import { caStep, cameraStep } from './step-ca.js';
import { deployDemoCamera } from './step-deploy.js';

export interface UiDemo {
  /** The lantrust.json written for the demo company. */
  profilePath: string;
  /** Throwaway stores for "Install" (HOME with an empty NSS db, system anchors, policy folder). */
  storeEnv: Partial<StoreEnv>;
  close(): Promise<void>;
}

/** Builds a profile for a demo that already has its root and a running camera. */
export async function writeDemoProfile(ctx: DemoContext, extraCameras: { name: string; url: string }[] = []): Promise<{ profilePath: string; storeEnv: Partial<StoreEnv> }> {
  if (!ctx.camera) throw new Error('the demo camera is not running');
  const root = await readOneCertificate(ctx.rootPem);
  const profile = {
    company: ctx.company,
    root: ctx.rootPem,
    sha256: root.info.sha256,
    constraints: { permitDns: ctx.permitDns, permitCidr: ctx.permitCidr },
    cameras: [{ name: 'Lobby camera', url: ctx.camera.streamUrl }, ...extraCameras],
    helpdesk: { name: `${ctx.company} helpdesk`, email: 'helpdesk@demo.test', phone: '+1 555 0100' },
    scope: 'CurrentUser',
  };
  const profilePath = join(ctx.dir, 'lantrust.json');
  await writeFile(profilePath, `${JSON.stringify(profile, null, 2)}\n`);
  return { profilePath, storeEnv: await demoStores(join(ctx.dir, 'stores')) };
}

/**
 * Every store the app can touch, moved into `dir`. The platform is Linux's so Windows/macOS
 * demos also stay off the real stores (their NSS store then says certutil is missing).
 */
export async function demoStores(dir: string): Promise<Partial<StoreEnv>> {
  const home = join(dir, 'home');
  await makeNssDb(home);
  const systemAnchorDir = join(dir, 'system-anchors');
  const policy = join(dir, 'chrome-policies');
  await mkdir(systemAnchorDir, { recursive: true });
  await mkdir(policy, { recursive: true });
  return { home, platform: 'linux', systemAnchorDir, systemUpdateCommand: [], chromePolicyDirs: [policy] };
}

/** An empty NSS db at HOME/.pki/nssdb (what Chrome on Linux reads); skipped when certutil is absent. */
async function makeNssDb(home: string): Promise<void> {
  const db = join(home, '.pki', 'nssdb');
  await mkdir(db, { recursive: true });
  if (process.platform !== 'linux') return;
  await new Promise<void>((resolve) => execFile('certutil', ['-d', `sql:${db}`, '-N', '--empty-password'], () => resolve()));
}

/** Everything `lantrust ui` needs without --config: made in a temp folder, removed by close(). */
export async function startUiDemo(): Promise<UiDemo> {
  const dir = await mkdtemp(join(tmpdir(), 'lantrust-ui-demo-'));
  const ctx = newDemoContext(dir, { noOpen: true, say: () => {} });
  const close = async () => {
    for (const undo of ctx.cleanup.reverse()) await undo();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await caStep.run(ctx);
    await cameraStep.run(ctx);
    await deployDemoCamera(ctx);
    const factory = await startAxisCamera();
    ctx.cleanup.push(() => factory.close());
    const { profilePath, storeEnv } = await writeDemoProfile(ctx, [{ name: 'Parking camera (factory certificate)', url: factory.streamUrl }]);
    return { profilePath, storeEnv, close };
  } catch (e) {
    await close();
    throw e;
  }
}
