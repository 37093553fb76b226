// scan-page output for people: terminal text (like `lantrust test`) and a self-contained HTML report.
import { esc } from '../html.js';
import type { ScanReport, SourceResult } from './index.js';

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain: Paint = { red: (s) => s, green: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

function mark(r: SourceResult, c: Paint): string {
  if (r.loads) return r.fix ? c.yellow('!') : c.green('✓');
  return c.red('✗');
}

function summaryLine(r: SourceResult): string {
  if (r.loads) return r.treatment === 'upgraded' ? `loads (Chrome upgrades it to ${r.request})` : r.treatment === 'http-local' ? 'loads over plain http (local-network exemption)' : 'loads';
  if (r.chrome.error === 'blocked:mixed-content') return 'blocked as mixed content';
  if (r.chrome.error === 'blocked:local-network-access') return 'needs Local Network Access permission';
  return r.treatment === 'upgraded' ? `fails after Chrome upgrades it to https: ${r.chrome.error}` : `fails: ${r.chrome.error}`;
}

export function formatHuman(report: ScanReport, c: Paint = plain): string {
  const { page, results } = report;
  const out: string[] = [];
  const pageMark = page.loads ? (page.notes.length ? c.yellow('!') : c.green('✓')) : c.red('✗');
  out.push(`${pageMark} page ${page.finalUrl}  ${c.dim(`${page.chrome.error}, ${page.addressSpace} address${page.address ? ` ${page.address}` : ''}, ${results.length} source${results.length === 1 ? '' : 's'}`)}`);
  for (const n of page.notes) out.push(`    ${c.yellow('note:')} ${n}`);
  const w = Math.min(60, Math.max(0, ...results.map((r) => r.url.length)));
  for (const r of results) out.push(`${mark(r, c)} ${r.url.padEnd(w)}  ${c.dim(`${r.element}, line ${r.line}`)}  ${summaryLine(r)}`);
  const todo = results.filter((r) => r.fix);
  if (todo.length) out.push('');
  for (const r of todo) {
    out.push(`${mark(r, c)} ${c.bold(r.url)} ${c.dim(`(${r.element}, line ${r.line})`)}`);
    if (!r.loads || r.chrome.error !== 'net::OK') out.push(`    ${r.chrome.error}: ${r.chrome.cause}`);
    out.push(`    fix: ${r.fix}`);
  }
  const shown = results.filter((r) => r.loads).length;
  out.push('');
  out.push(shown === results.length ? c.green(`Chrome shows all ${results.length} source${results.length === 1 ? '' : 's'}.`) : c.red(`Chrome shows ${shown} of ${results.length} source${results.length === 1 ? '' : 's'}.`));
  return `${out.join('\n')}\n`;
}

export function formatHtml(report: ScanReport, generatedAt = new Date()): string {
  const { page, results } = report;
  const e = esc;
  const rows = results
    .map(
      (r) => `<tr class="${r.loads ? (r.fix ? 'warn' : 'ok') : 'bad'}"><td>${r.loads ? (r.fix ? '!' : '✓') : '✗'}</td><td><code>${e(r.url)}</code></td><td>${e(r.element)}<br><small>line ${r.line}</small></td><td>${e(summaryLine(r))}<br><small><code>${e(r.chrome.error)}</code> ${e(r.chrome.cause)}</small></td><td>${e(r.fix)}</td></tr>`,
    )
    .join('\n');
  const shown = results.filter((r) => r.loads).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lantrust scan-page: ${e(page.finalUrl)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}code{word-break:break-all}
tr.ok td:first-child{color:#18794e}tr.bad td:first-child{color:#c62828}tr.warn td:first-child{color:#b26a00}small{color:#666}
</style></head><body>
<h1>How Chrome loads <code>${e(page.finalUrl)}</code></h1>
<p>Page: <code>${e(page.chrome.error)}</code> — ${e(page.chrome.cause)}. Served from a ${e(page.addressSpace)} address${page.address ? ` (${e(page.address)})` : ''}.</p>
${page.notes.length ? `<ul>${page.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}
<p><strong>Chrome shows ${shown} of ${results.length} sources.</strong></p>
<table><thead><tr><th></th><th>Source</th><th>Element</th><th>Chrome</th><th>Fix</th></tr></thead><tbody>
${rows}
</tbody></table>
<p><small>lantrust scan-page, ${e(generatedAt.toISOString())}</small></p>
</body></html>
`;
}
