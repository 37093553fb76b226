// The intranet page's only style and script. Both are constants (no profile data inside), inlined
// and allowed by their SHA-256 in the page's CSP: no file to fetch, nothing else may run.
import { createHash } from 'node:crypto';

export const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #59636e; --line: #d0d7de; --ok: #116329; --no: #9a6700; --accent: #0a58ca; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; overflow-wrap: anywhere; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 0 0 .75rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
details { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; padding: 0 1rem; }
details[open] { padding-bottom: .75rem; }
details.this-device { border-color: var(--accent); border-width: 2px; }
summary { cursor: pointer; padding: .6rem 0; font-weight: 600; }
.this { font-weight: 400; color: var(--accent); margin-left: .5rem; }
.lead, .muted, small { color: var(--muted); }
.managed { border-left: 4px solid var(--ok); padding-left: .75rem; }
.admin { color: var(--muted); font-size: .95rem; }
a.button { display: inline-block; background: var(--accent); color: #fff; padding: .45rem .9rem; border-radius: 6px; text-decoration: none; font-weight: 600; }
a.button:focus, button:focus { outline: 3px solid #80b3ff; outline-offset: 2px; }
button { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow-x: auto; white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
ul.cams { list-style: none; padding: 0; margin: 0 0 1rem; }
ul.cams li { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .5rem 0; border-bottom: 1px solid var(--line); }
ul.cams img { width: 160px; height: 90px; object-fit: cover; background: #eaeef2; border-radius: 4px; flex: none; }
.cam-name { flex: 1 1 8rem; }
.state { font-weight: 600; }
[data-state="ok"] .state { color: var(--ok); }
[data-state="no"] .state { color: var(--no); }
@media (max-width: 36rem) {
  dl.facts { grid-template-columns: 1fr; }
  ul.cams img { width: 96px; height: 54px; }
  #files thead { display: none; }
  #files tr, #files td { display: block; border: 0; padding: .1rem 0; }
  #files tr { border-bottom: 1px solid var(--line); padding: .5rem 0; }
}
`;

// Plain ES2015, no framework. It only reorders sections, reads image states and sets textContent.
export const SCRIPT = `
(function () {
  'use strict';
  function detect() {
    var ua = navigator.userAgent || '';
    if (/iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1)) return 'ios';
    if (/Android/.test(ua)) return 'android';
    if (/CrOS/.test(ua)) return 'chromeos';
    if (/Windows/.test(ua)) return 'windows';
    if (/Macintosh|Mac OS X/.test(ua)) return 'macos';
    if (/Linux|X11/.test(ua)) return 'linux';
    return '';
  }
  var system = detect();
  var list = document.getElementById('systems');
  var mine = system ? document.getElementById('sys-' + system) : null;
  if (list && mine) {
    list.insertBefore(mine, list.firstChild);
    mine.open = true;
    mine.classList.add('this-device');
    var tag = mine.querySelector('.this');
    if (tag) tag.hidden = false;
    var note = document.getElementById('detected');
    if (note) {
      note.textContent = 'This looks like ' + mine.getAttribute('data-label') + ', so its steps come first. Other systems are below.';
      note.hidden = false;
    }
  }

  var WAIT_MS = 15000;
  var rows = Array.prototype.slice.call(document.querySelectorAll('li[data-check]'));
  var summary = document.getElementById('check-summary');
  var again = document.getElementById('recheck');
  var WORDS = { wait: 'checking\\u2026', ok: '\\u2713 works here', no: 'not yet' };

  function show(row, state) {
    row.setAttribute('data-state', state);
    row.querySelector('.state').textContent = WORDS[state];
    var ok = rows.filter(function (r) { return r.getAttribute('data-state') === 'ok'; }).length;
    var waiting = rows.filter(function (r) { return r.getAttribute('data-state') === 'wait'; }).length;
    if (!summary) return;
    if (waiting) summary.textContent = 'Checking ' + rows.length + (rows.length === 1 ? ' camera\\u2026' : ' cameras\\u2026');
    else if (ok === rows.length) summary.textContent = rows.length === 1 ? 'The camera works in this browser.' : 'All ' + rows.length + ' cameras work in this browser.';
    else if (rows.length === 1) summary.textContent = 'The camera does not work in this browser yet.';
    else summary.textContent = (rows.length - ok) + ' of ' + rows.length + ' cameras do not work in this browser yet.';
    if (again) again.hidden = waiting > 0 || ok === rows.length;
  }

  function watch(row, img) {
    var done = false;
    var timer = setTimeout(function () { finish(false); }, WAIT_MS);
    function finish(loaded) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      show(row, loaded ? 'ok' : 'no');
    }
    img.addEventListener('load', function () { finish(img.naturalWidth > 0); });
    img.addEventListener('error', function () { finish(false); });
    show(row, 'wait');
    // The picture may have settled before this script ran.
    if (img.complete && img.getAttribute('src')) finish(img.naturalWidth > 0);
  }

  rows.forEach(function (row) { row.setAttribute('data-state', 'wait'); });
  rows.forEach(function (row) { watch(row, row.querySelector('img')); });

  if (again) {
    again.addEventListener('click', function () {
      rows.forEach(function (row) {
        if (row.getAttribute('data-state') === 'ok') return;
        // A new element makes the browser ask the camera again (a failed picture is never reused).
        var old = row.querySelector('img');
        var img = old.cloneNode(false);
        img.removeAttribute('src');
        watch(row, img);
        img.setAttribute('src', old.getAttribute('src'));
        old.parentNode.replaceChild(img, old);
      });
    });
  }
})();
`;

/** A CSP hash source for an inline block, exactly as the browser hashes it. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
