// `lantrust test --html FILE`: one self-contained page to attach to a ticket (no external resources).
import type { TestResult } from './types.js';

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderHtml(results: TestResult[], when = new Date()): string {
  const bad = results.filter((r) => r.chrome.error !== 'net::OK').length;
  const rows = results
    .map((r, i) => {
      const ok = r.chrome.error === 'net::OK';
      return `<tr class="${ok ? 'ok' : 'bad'}"><td>${ok ? '✓' : '✗'}</td><td><a href="#r${i}">${esc(r.url)}</a></td><td><code>${esc(r.chrome.error)}</code></td><td>${esc(r.tls.protocol ?? (r.tls.legacyOnly ? `only ${r.tls.legacyOnly.protocol}` : ''))}</td><td>${esc(ok ? '' : r.chrome.cause)}</td></tr>`;
    })
    .join('\n');
  const details = results
    .map((r, i) => {
      const chain = r.chain
        .map((c) => `<tr><td>${esc(c.role === 'anchor' ? 'trusted root (not sent)' : `${c.index} ${c.role}${c.trusted ? ' (trusted)' : ''}`)}</td><td>${esc(c.subject)}</td><td>${esc(c.issuer)}</td><td>${esc(c.san.join(', '))}</td><td>${esc(c.notBefore.slice(0, 10))} – ${esc(c.notAfter.slice(0, 10))}</td><td>${esc(c.key)}</td><td><code>${esc(c.sha256)}</code></td></tr>`)
        .join('');
      const findings = r.findings.map((f) => `<li class="${esc(f.severity)}">${esc(f.message)}<br><small>fix: ${esc(f.fix)}</small></li>`).join('');
      const thumb = r.stream.frameBase64 ? `<img class="thumb" alt="first frame" src="data:image/jpeg;base64,${r.stream.frameBase64.replace(/[^A-Za-z0-9+/=]/g, '')}">` : '';
      return `<section id="r${i}"><h2>${esc(r.url)}</h2>
<p class="verdict ${r.chrome.error === 'net::OK' ? 'ok' : 'bad'}"><code>${esc(r.chrome.error)}</code></p>
<p><b>Why:</b> ${esc(r.chrome.cause)}<br><b>Fix:</b> ${esc(r.chrome.fix)}</p>
${(r.chrome.alsoWrong ?? []).map((a) => `<p><small>Then: <code>${esc(a.error)}</code> ${esc(a.cause)}</small></p>`).join('')}
<p><small>TLS ${esc(r.tls.protocol ?? '—')} ${esc(r.tls.cipher ?? '')} · ${esc(r.tls.address ?? '')}:${esc(r.port)} · ${esc(r.ms)} ms${r.stream.frameBytes ? ` · first frame ${esc(r.stream.frameBytes)} bytes in ${esc(r.stream.firstFrameMs)} ms` : ''}${r.stream.error ? ` · frame: ${esc(r.stream.error)}` : ''}</small></p>
${thumb}
${chain ? `<table class="chain"><tr><th>#</th><th>Subject</th><th>Issuer</th><th>SAN</th><th>Valid</th><th>Key</th><th>SHA-256</th></tr>${chain}</table>` : ''}
${findings ? `<ul>${findings}</ul>` : ''}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lantrust test report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
tr.ok td:first-child,.verdict.ok{color:#17702b}tr.bad td:first-child,.verdict.bad{color:#b00020}code{font-size:12px}.thumb{max-width:320px;border:1px solid #ccc}
section{border-top:1px solid #ddd;margin-top:1.5em}li.warning{color:#8a5a00}.chain td{font-size:12px}.chain code{word-break:break-all}
</style></head><body>
<h1>lantrust test report</h1>
<p>${esc(when.toISOString())} · ${results.length} camera(s) · ${bad ? `<b>${bad} would fail in Chrome</b>` : 'all would load in Chrome'}</p>
<table><tr><th></th><th>URL</th><th>Chrome</th><th>TLS</th><th>Cause</th></tr>
${rows}
</table>
${details}
</body></html>
`;
}
