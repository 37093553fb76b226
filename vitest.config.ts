import { defineConfig } from 'vitest/config';

// Tests that write Chromium's machine-wide managed policy (/etc/chromium/policies/managed) run in a
// second, serial phase (vitest.serial.config.ts): Chromium merges every file in that folder, so a
// policy present while another test's browser runs would change that test's verdict.
export const SERIAL = ['test/**/zz-*.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/windows/**', ...SERIAL],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Chromium and pwsh are heavy on 2 cores: keep files parallel but bounded.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
