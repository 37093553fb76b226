// `npm test`: vitest in two phases (parallel, then the machine-wide-policy tests one at a time),
// then one closing line "N passed, N failed, N skipped" for the whole run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const vitest = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'node_modules', 'vitest', 'vitest.mjs');
const extra = process.argv.slice(2);
const out = mkdtempSync(join(tmpdir(), 'lantrust-vitest-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let worst = 0;

for (const [name, config] of [['parallel', 'vitest.config.ts'], ['serial (machine-wide Chromium policy)', 'vitest.serial.config.ts']]) {
  process.stdout.write(`\n== test phase: ${name} ==\n`);
  const json = join(out, `${config}.json`);
  const r = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...extra], { stdio: 'inherit' });
  worst = Math.max(worst, r.status ?? 1);
  try {
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    totals.passed += doc.numPassedTests ?? 0;
    totals.failed += doc.numFailedTests ?? 0;
    totals.skipped += (doc.numPendingTests ?? 0) + (doc.numTodoTests ?? 0);
    if ((doc.numTotalTests ?? 0) === 0) worst = Math.max(worst, 1);
  } catch {
    worst = Math.max(worst, 1);
    totals.failed += 1;
  }
}
rmSync(out, { recursive: true, force: true });
process.stdout.write(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(worst === 0 && totals.failed === 0 ? 0 : 1);
