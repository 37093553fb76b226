import { defineConfig } from 'vitest/config';
import { SERIAL } from './vitest.config.js';

// Phase 2 of `npm test`: the tests that install machine-wide Chromium policy, one file at a time.
export default defineConfig({
  test: {
    include: SERIAL,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
