// The helpdesk's HTML report from the app: one self-contained page to attach to a ticket
// (summary, store status, per-camera verdict, cause, fix, first-frame thumbnail).
import type { CameraView, ReportSummary, StatusView } from './api.js';

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function renderReport(summary: ReportSummary, status: StatusView | string, cameras: CameraView[]): Promise<string> {
  const head = summary.error
    ? `<p class="bad">The company profile could not be loaded: ${esc(summary.error)}</p>`
    : `<dl><dt>Company</dt><dd>${esc(summary.company)}</dd><dt>Root</dt><dd>${esc(summary.rootSubject)}</dd><dt>SHA-256</dt><dd><code>${esc(summary.rootSha256)}</code></dd><dt>Trusts</dt><dd>${esc(summary.constraints)}</dd></dl>`;
  const stores =
    typeof status === 'string'
      ? `<p class="bad">Could not read the certificate stores: ${esc(status)}</p>`
      : `<table><thead><tr><th>Store</th><th>State</th><th>Details</th></tr></thead><tbody>${status.rows
          .map((r) => `<tr><td>${esc(r.title)}</td><td class="${r.installed ? 'ok' : r.available ? 'bad' : ''}">${r.installed ? 'installed' : r.available ? 'not installed' : 'not available'}</td><td>${esc(r.message)}${r.path ? `<br><code>${esc(r.path)}</code>` : ''}</td></tr>`)
          .join('')}</tbody></table>`;
  const cams = cameras.length
    ? cameras
        .map((v) => {
          const c = v.result.chrome;
          const ok = c.error === 'net::OK';
          const img = v.frame?.startsWith('data:image/jpeg;base64,') ? `<img src="${esc(v.frame)}" alt="first frame from ${esc(v.name ?? v.url)}">` : '';
          const chain = v.result.chain.map((x) => `<li>${esc(x.role)}: ${esc(x.subject)} — ${esc(x.sha256)}</li>`).join('');
          return `<section><h3 class="${ok ? 'ok' : 'bad'}">${ok ? '✓' : '✗'} ${esc(v.name ?? v.url)}</h3><p><code>${esc(v.url)}</code></p>
<p>Chrome: <strong>${esc(c.error)}</strong>${v.chromium ? ` · Chromium here: <strong>${esc(v.chromium.error)}</strong>` : ''}</p>
${ok ? '' : `<p><b>Cause:</b> ${esc(c.cause)}</p><p><b>Fix:</b> ${esc(c.fix)}</p>`}
${v.result.tls.protocol ? `<p>TLS: ${esc(v.result.tls.protocol)} ${esc(v.result.tls.cipher)}</p>` : ''}
${chain ? `<ul>${chain}</ul>` : ''}${img}</section>`;
        })
        .join('\n')
    : '<p>No camera was tested.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lantrust report${summary.company ? ` — ${esc(summary.company)}` : ''}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1d2733}code{font-size:13px;word-break:break-all}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}.ok{color:#16623a}.bad{color:#a11d1d}
dt{font-weight:600}dd{margin:0 0 .5em}section{border-top:1px solid #ccd;margin-top:1em}img{max-width:320px;border:1px solid #ccd}</style></head>
<body><h1>lantrust report</h1><p>Made ${esc(new Date().toISOString())}</p>${head}<h2>Certificate stores</h2>${stores}<h2>Cameras</h2>${cams}</body></html>
`;
}
