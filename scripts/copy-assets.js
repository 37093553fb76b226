// Copies non-TypeScript assets (templates, renderer static files) next to the compiled code.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const exts = new Set(['.ps1', '.txt', '.html', '.css', '.json', '.svg', '.jpg', '.png', '.tmpl']);
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (exts.has(name.slice(name.lastIndexOf('.')))) {
      const out = join(root, 'dist', relative(join(root, 'src'), p));
      mkdirSync(dirname(out), { recursive: true });
      cpSync(p, out);
    }
  }
}
if (existsSync(join(root, 'src'))) walk(join(root, 'src'));
