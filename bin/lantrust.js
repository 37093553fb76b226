#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run by `prepare`).
import('../dist/main/cli/index.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('lantrust: not built yet. Run `npm run build` (or `npm ci`) in the checkout first.\n');
    process.exit(2);
  }
  throw err;
});
