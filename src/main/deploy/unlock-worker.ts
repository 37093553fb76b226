// Worker thread for unlock.ts: opens the CA (scrypt unlock and every check openCa makes) and hands the
// issuing key back as a KeyObject.
import { parentPort, workerData } from 'node:worker_threads';
import { openCa } from '../ca/index.js';
import { UserError } from '../errors.js';

const { dir, passphrase } = workerData as { dir: string; passphrase: string | null | undefined };
try {
  const ca = await openCa(dir, passphrase);
  parentPort!.postMessage({ key: ca.issuerKey });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message, exitCode: e instanceof UserError ? e.exitCode : 70 });
}
