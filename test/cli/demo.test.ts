import { describe, expect, it } from 'vitest';
import { cliAsync } from '../helpers/cli.js';

describe('lantrust demo --no-open (what `npm start -- --no-open` runs)', () => {
  it('runs end to end by itself and exits 0', async () => {
    const r = await cliAsync(['demo', '--no-open'], { timeout: 180_000 });
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fit to distribute/);
    expect(r.stdout).toMatch(/Open it: file:\/\/\S+\/site\/index\.html/);
    expect(r.stdout).toMatch(/Demo finished/);
  }, 200_000);
});
