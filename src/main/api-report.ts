// The helpdesk's HTML report from the app: `lantrust test --html`'s report (probe/report-html.ts)
// with the company, the root and the store status on top — one self-contained page for a ticket.
import type { CameraView, ReportSummary, StatusView } from './api.js';
import { esc } from './html.js';
import { renderHtml } from './probe/report-html.js';

export async function renderReport(summary: ReportSummary, status: StatusView | string, cameras: CameraView[]): Promise<string> {
  const head = summary.error
    ? `<p class="bad">The company profile could not be loaded: ${esc(summary.error)}</p>`
    : `<table><tr><th>Company</th><td>${esc(summary.company)}</td></tr><tr><th>Root</th><td>${esc(summary.rootSubject)}</td></tr><tr><th>SHA-256</th><td><code>${esc(summary.rootSha256)}</code></td></tr><tr><th>Trusts</th><td>${esc(summary.constraints)}</td></tr></table>`;
  const stores =
    typeof status === 'string'
      ? `<p>Could not read the certificate stores: ${esc(status)}</p>`
      : `<table><tr><th>Store</th><th>State</th><th>Details</th></tr>${status.rows
          .map((r) => `<tr class="${r.installed ? 'ok' : 'bad'}"><td>${esc(r.title)}</td><td>${r.installed ? 'installed' : r.available ? 'not installed' : 'not available'}</td><td>${esc(r.message)}</td></tr>`)
          .join('')}</table>`;
  const chromium = cameras.filter((v) => v.chromium);
  const second = chromium.length
    ? `<h2>Chromium's own verifier on this computer</h2><table><tr><th>URL</th><th>lantrust</th><th>Chromium</th></tr>${chromium
        .map((v) => `<tr><td>${esc(v.url)}</td><td><code>${esc(v.result.chrome.error)}</code></td><td><code>${esc(v.chromium!.error)}</code></td></tr>`)
        .join('')}</table>`
    : '';
  // Put the first frames back (the app keeps them apart from the results) so the report shows thumbnails.
  const results = cameras.map((v) => {
    const b64 = v.frame?.startsWith('data:image/jpeg;base64,') ? v.frame.slice('data:image/jpeg;base64,'.length) : undefined;
    return b64 ? { ...v.result, stream: { ...v.result.stream, frameBase64: b64 } } : v.result;
  });
  const top = `<h2>This computer</h2>${head}<h2>Certificate stores</h2>${stores}${second}<h2>Cameras</h2>`;
  return renderHtml(results).replace('<h1>lantrust test report</h1>', () => `<h1>lantrust report${summary.company ? ` — ${esc(summary.company)}` : ''}</h1>\n${top}`);
}
