// index.html of the intranet page: the visitor's system first, what is trusted in plain words, the
// live "does it work here?" check and every file with its SHA-256. Self-contained: one inline style
// and one inline script allowed by hash, pictures only from the cameras listed, nothing else.
import { esc } from '../html.js';
import { SCRIPT, STYLE, cspHash } from './assets.js';
import { fileHref, rootName, size, systemSections } from './systems.js';
import type { PageInput } from './types.js';

/** Every file's SHA-256 in `sha256sum -c` form (.txt: IIS serves no file without a known extension). */
export const SUMS_FILE = 'SHA256SUMS.txt';

/** The page's Content-Security-Policy (also what the server hints in web.config/.htaccess carry). */
export function contentSecurityPolicy(imageSources: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(SCRIPT)}`,
    `style-src ${cspHash(STYLE)}`,
    `img-src ${["'self'", ...imageSources].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function whatIsTrusted(p: PageInput): string {
  const scope = p.constrained
    ? `${esc(capitalise(p.trusts))}. Browsers refuse anything else it might sign, so it can't vouch for your bank, your e-mail or any website on the internet.`
    : `${esc(capitalise(p.trusts))}: this certificate has no name constraints of its own. IT accepted that deliberately${
        p.policy
          ? `; Chrome and Edge on company PCs are limited by policy to ${esc([...p.policy.permitDns.map((d) => `names under ${d}`), ...p.policy.permitCidr.map((c) => `addresses in ${c}`)].join(' and '))}`
          : ''
      }. Ask IT if you are unsure.`;
  const h = p.helpdesk;
  const contact = h
    ? [
        h.name ? esc(h.name) : '',
        h.email ? `<a href="mailto:${esc(h.email)}">${esc(h.email)}</a>` : '',
        h.phone ? `<a href="tel:${esc(h.phone.replace(/[^+0-9]/g, ''))}">${esc(h.phone)}</a>` : '',
        h.url ? `<a href="${esc(h.url)}">${esc(h.url)}</a>` : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  return `<section id="trust" aria-labelledby="h-trust">
<h2 id="h-trust">What you are trusting</h2>
<dl class="facts">
<dt>Company</dt><dd id="company">${esc(p.company)}</dd>
<dt>Certificate</dt><dd id="root-name">${esc(rootName(p))}</dd>
<dt>SHA-256 fingerprint</dt><dd><code id="fingerprint">${esc(p.root.sha256)}</code><br><small>The installer, the app and your system show the same fingerprint. If it differs, stop and call the helpdesk.</small></dd>
<dt>It can vouch for</dt><dd id="vouches">${scope}</dd>
<dt>Valid</dt><dd id="valid">from ${esc(day(p.root.notBefore))} until ${esc(day(p.root.notAfter))}</dd>
${contact ? `<dt>Questions</dt><dd id="helpdesk">${contact}</dd>` : ''}
</dl>
</section>`;
}

function check(p: PageInput): string {
  const rows = p.cameras
    .map((c) =>
      c.still
        ? `<li data-check><img src="${esc(c.still)}" alt="no picture yet" width="160" height="90" referrerpolicy="no-referrer"><span class="cam-name">${esc(c.name)}</span><span class="state">–</span></li>`
        : `<li class="nocheck"><span class="cam-name">${esc(c.name)}</span><small>${esc(c.skipped ?? '')}</small></li>`,
    )
    .join('\n');
  const checked = p.cameras.filter((c) => c.still);
  const helpdesk = p.cameras.length
    ? `<details><summary>For the helpdesk</summary>
<p>Chrome's exact answer for each camera and the fix, from a PC with lantrust:</p>
<pre><code>${p.cameras.map((c) => esc(`lantrust test ${shellQuote(c.url)} --root root.pem`)).join('\n')}</code></pre>
</details>`
    : '';
  const body = p.cameras.length
    ? `<p id="check-summary" aria-live="polite">${checked.length ? '' : 'None of the cameras can be checked from this page.'}</p>
<noscript><p>JavaScript is off, so this page can't judge for you: a camera picture that appears means this browser trusts that camera; an empty or broken picture means not yet.</p></noscript>
<ul class="cams">
${rows}
</ul>
${checked.length ? '<p><button type="button" id="recheck" hidden>Check again</button></p>' : ''}
<p class="muted">What this page can't know: it only sees whether your browser showed the picture. "Not yet" can mean the certificate is not installed on this device, the browser has not been restarted since, the camera is off or can't be reached from where you are (at home, off the VPN), or it wants a password. The helpdesk can tell which: <code>lantrust test</code> gives Chrome's exact answer for a camera and what to do.</p>
${helpdesk}`
    : '<p>The company profile lists no cameras, so there is nothing to check here yet.</p>';
  return `<section id="check" aria-labelledby="h-check">
<h2 id="h-check">Does it work here?</h2>
${body}
</section>`;
}

function files(p: PageInput): string {
  const rows = p.files
    .map((f) => `<tr><td><a href="${fileHref(f.name)}">${esc(f.name)}</a></td><td>${esc(f.purpose)}</td><td>${esc(size(f.bytes))}</td><td><code>${esc(f.sha256)}</code></td></tr>`)
    .join('\n');
  return `<section id="files" aria-labelledby="h-files">
<h2 id="h-files">Files and their SHA-256</h2>
<table>
<thead><tr><th scope="col">File</th><th scope="col">For</th><th scope="col">Size</th><th scope="col">SHA-256</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="muted">To compare: <code>sha256sum FILE</code> (Linux), <code>shasum -a 256 FILE</code> (Mac), <code>Get-FileHash FILE</code> (Windows PowerShell, in capitals). root.cer's SHA-256 is the certificate's fingerprint. All of them, this page included: <a href="${fileHref(SUMS_FILE)}">${esc(SUMS_FILE)}</a>.</p>
</section>`;
}

/** POSIX shell single quotes: the text stays one argument, whatever it holds. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function renderPage(p: PageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(p.imageSources))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.company)}: make the cameras work in your browser</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(p.company)}: make the cameras work in your browser</h1>
<p class="lead">${esc(p.company)}'s cameras prove who they are with certificates from the company's own root certificate. Install it once on each device you use, then the check below turns to ✓.</p>
</header>
<main>
<section id="setup" aria-labelledby="h-setup">
<h2 id="h-setup">Set up this device</h2>
<p id="detected" class="muted" hidden></p>
<div id="systems">
${systemSections(p)}
</div>
</section>
${check(p)}
${whatIsTrusted(p)}
${files(p)}
</main>
<footer><p class="muted"><small>Made with lantrust on ${esc(day(p.generated.toISOString()))}. This page loads nothing from the internet; its only pictures come from the cameras above.</small></p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
