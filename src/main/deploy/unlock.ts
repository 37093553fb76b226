// Opening the CA key costs a scrypt unlock (~0.3 s of CPU, by design: it resists brute force) that would
// stall every camera's connection while it runs. It runs in a worker thread instead, while the cameras
// are contacted; no camera is written to before it has succeeded.
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openCa } from '../ca/index.js';
import { UserError } from '../errors.js';

const WORKER = new URL('./unlock-worker.js', import.meta.url);

export async function unlockOffThread(dir: string, passphrase: string | null | undefined): Promise<KeyObject> {
  // Run from TypeScript sources (the tests) there is no compiled worker: open it here.
  if (WORKER.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER))) return (await openCa(dir, passphrase)).issuerKey;
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: { dir, passphrase } });
    w.once('message', (m: { key?: KeyObject; error?: string; exitCode?: number }) => {
      void w.terminate();
      if (m.key) resolve(m.key);
      else reject(new UserError(m.error ?? 'the CA key could not be opened.', m.exitCode ?? 2));
    });
    w.once('error', (e) => reject(e));
  });
}
