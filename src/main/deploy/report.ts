// What deploy says: one line per camera and a summary (terminal), or one self-contained HTML page.
// Neither ever holds a password: results carry none.
import { esc } from '../html.js';
import { color } from '../term.js';
import type { DeployResult, DeploySummary } from './types.js';

const WORDS: Record<DeployResult['action'], string> = { deployed: 'deployed', renewed: 'renewed', 'up-to-date': 'up to date', refused: 'refused', failed: 'failed', skipped: 'skipped' };

function words(r: DeployResult): string {
  if (r.action === 'skipped' && r.plan) return r.plan === 'up-to-date' ? 'up to date' : `would ${r.plan}`;
  return WORDS[r.action];
}

const good = (r: DeployResult) => r.action === 'deployed' || r.action === 'renewed' || r.action === 'up-to-date';

/** "✓ lobby-cam  deployed  https://192.168.1.50/  axis-rest-v1  net::OK  until 2027-01-02" */
export function formatDeployLine(r: DeployResult, width = 16): string {
  const mark = good(r) ? color.green('✓') : r.action === 'skipped' ? color.dim('·') : r.action === 'refused' ? color.yellow('!') : color.red('✗');
  const head = `${mark} ${r.label.padEnd(width)} ${words(r).padEnd(12)}`;
  if (!good(r) && r.action !== 'skipped') return `${head} ${r.url ? `${r.url}  ` : ''}${color.red(r.error ?? '')}`.trimEnd();
  const until = r.after?.notAfter ?? r.before?.notAfter;
  const extra = r.action === 'skipped' ? (r.reason ?? '') : [r.api, r.verdict, until ? `until ${until.slice(0, 10)}` : '', r.removed?.length ? `removed ${r.removed.length} older` : ''].filter(Boolean).join('  ');
  return `${head} ${r.url}  ${color.dim(extra)}`.trimEnd();
}

export function formatDeploySummary(s: DeploySummary, dryRun: boolean, journal: string): string {
  const parts = dryRun
    ? [`${s.skipped} to change`, `${s.upToDate} up to date`]
    : [`${s.deployed} deployed`, `${s.renewed} renewed`, `${s.upToDate} up to date`];
  if (s.refused) parts.push(color.yellow(`${s.refused} refused`));
  if (s.failed) parts.push(color.red(`${s.failed} failed`));
  return `${parts.join(', ')} of ${s.total} camera${s.total === 1 ? '' : 's'} in ${(s.ms / 1000).toFixed(1)} s${dryRun ? ' (dry run: no camera was changed)' : ''}. Every step is in ${journal}.`;
}

export function renderDeployHtml(results: DeployResult[], s: DeploySummary, when = new Date()): string {
  const rows = results
    .map((r) => {
      const cls = good(r) ? 'ok' : r.action === 'skipped' ? '' : 'bad';
      const cert = (c: DeployResult['before']) => (c ? `<code>${esc(c.sha256.slice(0, 23))}…</code><br><small>${esc(c.issuer)}<br>until ${esc(c.notAfter.slice(0, 10))}</small>` : '');
      return `<tr class="${cls}"><td>${esc(r.label)}</td><td>${esc(words(r))}</td><td>${esc(r.url)}</td><td>${esc(r.api ?? '')}</td><td>${cert(r.before)}</td><td>${cert(r.after)}</td><td><code>${esc(r.verdict ?? '')}</code></td><td>${esc(r.error ?? r.reason ?? '')}${r.cause ? `<br><small>why: ${esc(r.cause)}<br>fix: ${esc(r.fix ?? '')}</small>` : ''}${r.rolledBack ? '<br><small>rolled back to the previous certificate</small>' : ''}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lantrust deploy report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
tr.ok td:nth-child(2){color:#17702b}tr.bad td:nth-child(2){color:#b00020}code{font-size:12px}
</style></head><body>
<h1>lantrust deploy report</h1>
<p>${esc(when.toISOString())} · ${s.total} camera(s): ${s.deployed} deployed, ${s.renewed} renewed, ${s.upToDate} up to date, ${s.refused} refused, ${s.failed} failed${s.skipped ? `, ${s.skipped} to change (dry run)` : ''}</p>
<table><tr><th>Camera</th><th>Result</th><th>URL</th><th>API</th><th>Before</th><th>After</th><th>Chrome</th><th>Details</th></tr>
${rows}
</table>
</body></html>
`;
}
