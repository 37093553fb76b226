// Human output of `lantrust test`: one line per camera with a mark, then details for the failures.
import { color } from '../term.js';
import { cameras, groupResults } from './report-groups.js';
import type { TestResult } from './types.js';

/** "✓ https://cam1/  net::OK  TLSv1.3  12 ms" — also used by the demo to show before/after. */
export function formatResultLine(r: TestResult): string {
  const ok = r.chrome.error === 'net::OK';
  const mark = ok ? color.green('✓') : color.red('✗');
  const tls = r.tls.protocol ? `${r.tls.protocol}` : r.tls.legacyOnly ? `only ${r.tls.legacyOnly.protocol}` : '';
  const frame = r.stream.frameBytes ? `  first frame ${Math.round(r.stream.frameBytes / 1024)} KB in ${r.stream.firstFrameMs} ms` : r.stream.error ? `  frame: ${r.stream.error}` : '';
  const warn = r.findings.filter((f) => f.severity === 'warning').length;
  return `${mark} ${r.url}  ${ok ? color.green(r.chrome.error) : color.red(r.chrome.error)}${tls ? `  ${color.dim(tls)}` : ''}${warn ? color.yellow(`  ${warn} warning${warn > 1 ? 's' : ''}`) : ''}${frame}`;
}

/** Cause, fix, chain and findings for one result. */
export function formatResultDetails(r: TestResult, indent = '    '): string {
  const out: string[] = [];
  const ok = r.chrome.error === 'net::OK';
  if (!ok) {
    out.push(`${indent}why: ${r.chrome.cause}`);
    out.push(`${indent}fix: ${r.chrome.fix}`);
    for (const a of r.chrome.alsoWrong ?? []) out.push(`${indent}${color.dim(`then: ${a.error} — ${a.cause}`)}`);
  }
  if (r.tls.protocol) out.push(`${indent}${color.dim(`TLS ${r.tls.protocol} ${r.tls.cipher ?? ''}${r.tls.sni ? `, SNI ${r.tls.sni}` : ', no SNI (IP)'}, ${r.tls.address}:${r.port}`)}`);
  for (const c of r.chain) {
    const tag = c.role === 'anchor' ? 'trusted root (not sent)' : `${c.index}: ${c.role}${c.trusted ? ', trusted' : ''}`;
    out.push(`${indent}${color.dim(`[${tag}] ${c.subject}${c.san.length ? `  SAN ${c.san.join(', ')}` : ''}  ${c.notBefore.slice(0, 10)}..${c.notAfter.slice(0, 10)}  ${c.key}  ${c.signatureAlgorithm}`)}`);
  }
  for (const f of r.findings) {
    if (f.severity === 'info' && ok) continue;
    out.push(`${indent}${f.severity === 'warning' ? color.yellow('!') : color.dim('·')} ${f.message}\n${indent}  fix: ${f.fix}`);
  }
  if (r.stream.savedTo) out.push(`${indent}frame saved to ${r.stream.savedTo}`);
  return out.join('\n');
}

/** What needs doing first: failures grouped by cause (one fix per group), then the cameras that load. */
export function formatReport(results: TestResult[]): string {
  const lines: string[] = [];
  const { failures, ok } = groupResults(results);
  for (const g of failures) {
    lines.push(color.red(`${cameras(g.results.length)}: ${g.title}`));
    lines.push(`  ${color.bold('→')} ${g.fix}`);
    for (const r of g.results) {
      lines.push(`  ${formatResultLine(r)}`);
      lines.push(formatResultDetails(r, '      '));
    }
    lines.push('');
  }
  if (ok.length) {
    lines.push(color.green(`${cameras(ok.length)} ${ok.length === 1 ? 'loads' : 'load'} in Chrome`));
    for (const r of ok) {
      lines.push(`  ${formatResultLine(r)}`);
      if (r.findings.some((f) => f.severity === 'warning')) lines.push(formatResultDetails(r, '      '));
    }
    lines.push('');
  }
  const bad = results.length - ok.length;
  lines.push(bad ? color.red(`${bad} of ${results.length} would fail in Chrome.`) : color.green(`All ${results.length} would load in Chrome.`));
  return `${lines.join('\n')}\n`;
}

/** A one-line progress bar for TTYs: "[#####.....] 120/200". */
export function progressBar(done: number, total: number, width = 30): string {
  const n = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${done}/${total}`;
}
