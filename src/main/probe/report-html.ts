// `lantrust test --html FILE`: one self-contained page to attach to a ticket (no external resources).
import { esc } from '../html.js';
import { cameras, groupResults } from './report-groups.js';
import type { TestResult } from './types.js';


function thumb(r: TestResult, cls: string): string {
  return r.stream.frameBase64 ? `<img class="${cls}" alt="first frame" src="data:image/jpeg;base64,${r.stream.frameBase64.replace(/[^A-Za-z0-9+/=]/g, '')}">` : '';
}

/**
 * The report: failures first, grouped by cause with one fix per group ("3 cameras: ... → fix"), then the
 * cameras that load with their first frame in the row, then each camera's details.
 */
export function renderHtml(results: TestResult[], when = new Date()): string {
  const id = new Map(results.map((r, i) => [r, i]));
  const { failures, ok } = groupResults(results);
  const link = (r: TestResult) => `<a href="#r${id.get(r)}">${esc(r.url)}</a>`;
  const groups = failures
    .map(
      (g) => `<section class="group"><h3>${esc(cameras(g.results.length))}: ${esc(g.title)} <code>${esc(g.error)}</code></h3>
<p class="fix">&rarr; ${esc(g.fix)}</p>
<table><tr><th>Camera</th><th>Why, for this camera</th><th>Fix, for this camera</th></tr>
${g.results.map((r) => `<tr class="bad"><td>${link(r)}</td><td>${esc(r.chrome.cause)}</td><td>${esc(r.chrome.fix)}</td></tr>`).join('\n')}
</table></section>`,
    )
    .join('\n');
  const good = ok.length
    ? `<h2>${esc(cameras(ok.length))} ${ok.length === 1 ? 'loads' : 'load'} in Chrome</h2>
<table><tr><th>First frame</th><th>Camera</th><th>TLS</th><th>Notes</th></tr>
${ok
  .map((r) => {
    const warn = r.findings.filter((f) => f.severity === 'warning').map((f) => f.message);
    const frame = r.stream.frameBytes ? `first frame ${r.stream.frameBytes} bytes in ${r.stream.firstFrameMs} ms` : r.stream.error ? `frame: ${r.stream.error}` : '';
    return `<tr class="ok"><td>${thumb(r, 'thumb-s')}</td><td>${link(r)}</td><td>${esc(r.tls.protocol ?? '')}</td><td>${esc([frame, ...warn].filter(Boolean).join('; '))}</td></tr>`;
  })
  .join('\n')}
</table>`
    : '';
  const ordered = [...failures.flatMap((g) => g.results), ...ok];
  const details = ordered
    .map((r) => {
      const i = id.get(r)!;
      const chain = r.chain
        .map((c) => `<tr><td>${esc(c.role === 'anchor' ? 'trusted root (not sent)' : c.fetchedFrom ? `downloaded from ${c.fetchedFrom}` : `${c.index} ${c.role}${c.trusted ? ' (trusted)' : ''}${c.unreadable ? ` (Chrome can't read it: ${c.unreadable})` : ''}`)}</td><td>${esc(c.subject)}</td><td>${esc(c.issuer)}</td><td>${esc(c.san.join(', '))}</td><td>${esc(c.notBefore.slice(0, 10))} – ${esc(c.notAfter.slice(0, 10))}</td><td>${esc(c.key)}</td><td><code>${esc(c.sha256)}</code></td></tr>`)
        .join('');
      const findings = r.findings.map((f) => `<li class="${esc(f.severity)}">${esc(f.message)}<br><small>fix: ${esc(f.fix)}</small></li>`).join('');
      return `<section id="r${i}"><h2>${esc(r.url)}</h2>
<p class="verdict ${r.chrome.error === 'net::OK' ? 'ok' : 'bad'}"><code>${esc(r.chrome.error)}</code></p>
<p><b>Why:</b> ${esc(r.chrome.cause)}<br><b>Fix:</b> ${esc(r.chrome.fix)}</p>
${(r.chrome.alsoWrong ?? []).map((a) => `<p><small>Then: <code>${esc(a.error)}</code> ${esc(a.cause)}</small></p>`).join('')}
<p><small>TLS ${esc(r.tls.protocol ?? (r.tls.legacyOnly ? `only ${r.tls.legacyOnly.protocol}` : '—'))} ${esc(r.tls.cipher ?? '')} · ${esc(r.tls.address ?? '')}:${esc(r.port)} · ${esc(r.ms)} ms${r.stream.frameBytes ? ` · first frame ${esc(r.stream.frameBytes)} bytes in ${esc(r.stream.firstFrameMs)} ms` : ''}${r.stream.error ? ` · frame: ${esc(r.stream.error)}` : ''}</small></p>
${thumb(r, 'thumb')}
${chain ? `<table class="chain"><tr><th>#</th><th>Subject</th><th>Issuer</th><th>SAN</th><th>Valid</th><th>Key</th><th>SHA-256</th></tr>${chain}</table>` : ''}
${findings ? `<ul>${findings}</ul>` : ''}</section>`;
    })
    .join('\n');
  const bad = results.length - ok.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lantrust test report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
tr.ok td,.verdict.ok{color:#17702b}tr.bad td:first-child,.verdict.bad{color:#b00020}code{font-size:12px}.thumb{max-width:320px;border:1px solid #ccc}.thumb-s{max-width:120px;max-height:80px;display:block}
section{border-top:1px solid #ddd;margin-top:1.5em}section.group h3{color:#b00020;margin-bottom:.2em}.fix{font-weight:600;margin:.2em 0}li.warning{color:#8a5a00}.chain td{font-size:12px}.chain code{word-break:break-all}
</style></head><body>
<h1>lantrust test report</h1>
<p>${esc(when.toISOString())} · ${esc(cameras(results.length))} · ${bad ? `<b>${bad} would fail in Chrome</b>` : 'all would load in Chrome'}</p>
${failures.length ? `<h2>Needs doing</h2>\n${groups}` : ''}
${good}
<h2>Details</h2>
${details}
</body></html>
`;
}
