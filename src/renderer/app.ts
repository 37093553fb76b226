// The app's screens. Plain DOM: every value from the profile or a camera goes in through
// textContent (never innerHTML), so nothing a camera sends can become markup.
import type { Bridge, CameraView, ChangeView, Envelope, OpArg, OpName, OpResult, ProfileView, StatusView } from '../main/api.js';

declare global {
  interface Window {
    /** Present inside Electron (preload.cts); absent in the browser (`lantrust ui`). */
    lantrust?: Bridge;
  }
}

// ---------- talking to the host ----------

const TOKEN_KEY = 'lantrust-token';

/** The browser host's token arrives in the fragment once; keep it for this tab and hide it from the address bar. */
function takeToken(): string | undefined {
  const m = /^#token=([\w-]+)$/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

const token = window.lantrust ? undefined : takeToken();

async function call<K extends OpName>(op: K, ...arg: OpArg<K> extends undefined ? [] : [OpArg<K>]): Promise<OpResult<K>> {
  let env: Envelope<OpResult<K>>;
  if (window.lantrust) {
    const fn = window.lantrust[op] as (a: unknown) => Promise<Envelope<OpResult<K>>>;
    env = await fn(arg[0]);
  } else {
    if (!token) throw new Error('This page needs the address `lantrust ui` printed (it carries a one-time key). Open that address again.');
    const res = await fetch(`/api/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lantrust-token': token },
      body: JSON.stringify(arg[0] ?? {}),
    });
    env = (await res.json()) as Envelope<OpResult<K>>;
  }
  if (!env.ok) throw new Error(env.error);
  return env.value;
}

// ---------- tiny DOM helpers ----------

type Child = Node | string | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c) el.append(c);
  return el;
}
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};
function facts(dl: HTMLElement, rows: [string, Child][]): void {
  dl.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
const sentence = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^./, (c) => c.toUpperCase());
function setResult(el: HTMLElement, text: string, kind: 'ok' | 'bad' | 'busy' | '' = ''): void {
  el.className = `result ${kind}`;
  el.textContent = text;
}
/** Disables a button while its operation runs, and tells assistive tech it's busy. */
async function busy<T>(btn: HTMLButtonElement, label: string, work: () => Promise<T>): Promise<T> {
  const old = btn.textContent ?? '';
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  btn.textContent = label;
  try {
    return await work();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    btn.textContent = old;
  }
}

// ---------- navigation ----------

const SCREENS = ['trust', 'cameras', 'helpdesk'] as const;
type Screen = (typeof SCREENS)[number];

function show(screen: Screen, focus = true): void {
  for (const s of SCREENS) {
    $(`screen-${s}`).hidden = s !== screen;
    const b = document.querySelector<HTMLButtonElement>(`nav button[data-screen="${s}"]`);
    if (b) {
      if (s === screen) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
  }
  if (focus) $(`h-${screen}`).focus();
}

// ---------- Trust ----------

/** The SHA-256 in two rows of 16 bytes, broken only at a colon (so it reads and compares easily). */
function fingerprint(fp: string): HTMLElement {
  const bytes = fp.split(':');
  const half = Math.ceil(bytes.length / 2);
  return h('code', { class: 'fp', 'aria-label': `SHA-256 fingerprint ${fp}` }, h('span', {}, `${bytes.slice(0, half).join(':')}:`), h('span', {}, bytes.slice(half).join(':')));
}

let profile: ProfileView | undefined;

function renderProfile(p: ProfileView): void {
  profile = p;
  if (!p.ok) {
    $('company').textContent = 'Camera certificate';
    const fatal = $('fatal');
    fatal.hidden = false;
    fatal.replaceChildren(
      h('h2', {}, 'This installer cannot be used'),
      h('p', {}, p.error),
      h('p', {}, 'Nothing was changed on this computer. Please contact your helpdesk.'),
    );
    $('screen-trust').hidden = true;
    renderContact(p.helpdesk);
    return;
  }
  $('company').textContent = p.company;
  $('demo-badge').hidden = !p.demo;
  document.title = `${p.company} — camera certificate`;
  $('h-trust').textContent = `Trust ${p.company}'s cameras`;
  const r = p.root;
  facts($('what'), [
    ['Company', r.organisation ?? p.company],
    ['Certificate', r.commonName ?? r.subject],
    ['Can vouch for', h('strong', {}, r.constraints)],
    ['Valid until', new Date(r.notAfter).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' })],
    ['Fingerprint', h('span', {}, fingerprint(r.sha256), h('small', { class: 'ok-line', id: 'pin' }, '✓ Matches the SHA-256 fingerprint your IT department pinned.'))],
  ]);
  const no = $('not-installable');
  no.hidden = p.installable;
  no.textContent = p.why ?? '';
  $<HTMLButtonElement>('install').disabled = !p.installable;
  $<HTMLButtonElement>('uninstall').disabled = false;
  const scope = document.querySelector<HTMLInputElement>(`input[name="scope"][value="${p.scope}"]`);
  if (scope) scope.checked = true;
  const everyone = document.querySelector('input[name="scope"][value="LocalMachine"]')?.closest('label')?.querySelector('small');
  if (everyone && p.adminPrompt) everyone.textContent = 'Windows will ask for administrator approval';
  renderCameraList(p.cameras);
  renderContact(p.helpdesk);
}

function statusWords(r: StatusView['rows'][number]): { text: string; kind: string } {
  if (r.installed) return { text: 'Trusted', kind: 'ok' };
  if (!r.available) return { text: 'Not on this computer', kind: 'na' };
  if (r.needsRoot) return { text: 'Needs an administrator', kind: 'no' };
  if (r.error) return { text: 'Could not check', kind: 'bad' };
  return { text: 'Not trusted yet', kind: 'no' };
}

function renderStores(st: StatusView | ChangeView): void {
  const rows = st.rows.map((r) => {
    const s = statusWords(r);
    return h(
      'tr',
      {},
      h('td', {}, h('span', { class: 'store' }, r.title)),
      // For a store that isn't here, the first clause is enough ("no Firefox profile found").
      h('td', {}, h('span', { class: `pill ${s.kind}` }, s.text), h('small', { class: 'why' }, r.available ? r.message : r.message.replace(/ \(.*$/, '.').replace(/\.\.$/, '.'))),
    );
  });
  $('stores').querySelector('tbody')!.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '2' }, 'No certificate store found on this computer.'))]));
}

async function refreshStatus(): Promise<void> {
  try {
    renderStores(await call('status'));
  } catch (e) {
    $('stores').querySelector('tbody')!.replaceChildren(h('tr', {}, h('td', { colspan: '2', class: 'bad' }, sentence(e))));
  }
}

function chosenScope(): 'CurrentUser' | 'LocalMachine' {
  const v = document.querySelector<HTMLInputElement>('input[name="scope"]:checked')?.value;
  return v === 'LocalMachine' ? 'LocalMachine' : 'CurrentUser';
}

async function change(kind: 'install' | 'uninstall'): Promise<void> {
  const out = $('trust-result');
  const btn = $<HTMLButtonElement>(kind);
  const scope = chosenScope();
  const label = kind === 'install' ? 'Installing…' : 'Removing…';
  // Windows shows its UAC prompt (often behind this window's focus): say what we are waiting for.
  const uac = scope === 'LocalMachine' && profile?.ok === true && profile.adminPrompt;
  setResult(out, uac ? 'Waiting for Windows to ask for administrator approval…' : label, 'busy');
  try {
    const r = await busy(btn, uac ? 'Waiting for approval…' : label, () => call(kind, { scope }));
    setResult(out, r.summary, r.ok ? 'ok' : 'bad');
    await refreshStatus();
  } catch (e) {
    setResult(out, sentence(e), 'bad');
  }
  if (profile?.ok && !profile.installable) $<HTMLButtonElement>('install').disabled = true;
}

// ---------- Cameras ----------

function renderCameraList(cams: { name: string; url: string }[]): void {
  const list = $('camera-list');
  if (!cams.length) {
    list.replaceChildren(h('li', { class: 'muted' }, 'No cameras are listed for your company. Type an address below.'));
    return;
  }
  list.replaceChildren(
    ...cams.map((c) => {
      const btn = h('button', { type: 'button', 'aria-label': `Test ${c.name}` }, 'Test');
      btn.addEventListener('click', () => void testCamera(c.url, c.name, btn));
      return h('li', {}, h('span', { class: 'cam' }, h('span', { class: 'name' }, c.name), h('small', { class: 'path' }, c.url)), btn);
    }),
  );
}

function verdictBlock(v: CameraView): HTMLElement {
  const c = v.result.chrome;
  const ok = c.error === 'net::OK';
  const box = h('div', { class: `verdict ${ok ? 'ok' : 'bad'}` });
  box.append(
    h('p', { class: 'headline' }, h('span', { 'aria-hidden': 'true' }, ok ? '✓ ' : '✗ '), ok ? 'Chrome will show this camera' : 'Chrome will refuse this camera'),
    h('p', { class: 'code' }, h('span', { class: 'sr-only' }, 'Chrome error: '), h('code', { 'data-testid': 'chrome-error' }, c.error)),
  );
  if (!ok) {
    box.append(
      h('dl', { class: 'facts tight' }, h('dt', {}, 'Why'), h('dd', { 'data-testid': 'cause' }, c.cause), h('dt', {}, 'What to do'), h('dd', { 'data-testid': 'fix' }, c.fix)),
    );
  }
  return box;
}

function renderCamera(v: CameraView): HTMLElement[] {
  const out: HTMLElement[] = [h('h2', {}, v.name ?? 'Camera'), h('p', { class: 'path' }, v.url), verdictBlock(v)];
  if (v.chromium) {
    const agree = v.chromium.error === v.result.chrome.error;
    out.push(
      h(
        'p',
        { class: `second ${agree ? 'ok' : 'bad'}` },
        'Chromium on this computer says ',
        h('code', { 'data-testid': 'chromium-error' }, v.chromium.error),
        agree ? ' — both agree.' : ' — they disagree; send the diagnostics to your helpdesk.',
      ),
    );
  }
  if (v.ifInstalled && v.ifInstalled !== v.result.chrome.error) {
    out.push(h('p', { class: 'hint' }, 'Once the certificate is installed, Chrome would say ', h('code', {}, v.ifInstalled), '.'));
  }
  if (v.frame) {
    const s = v.result.stream;
    const img = h('img', { src: v.frame, alt: `First picture from ${v.name ?? v.url}`, 'data-testid': 'frame' });
    out.push(h('figure', { class: 'frame' }, img, h('figcaption', {}, `First picture: ${Math.round((s.frameBytes ?? 0) / 1024)} KB in ${s.firstFrameMs ?? '?'} ms`)));
  } else if (v.result.chrome.error === 'net::OK' && v.result.stream.error) {
    out.push(h('p', { class: 'hint' }, `The certificate is fine, but no picture came: ${v.result.stream.error}`));
  }
  const warn = v.result.findings.filter((f) => f.severity === 'warning');
  if (warn.length) out.push(h('ul', { class: 'warnings' }, ...warn.map((f) => h('li', {}, `${f.message} — ${f.fix}`))));
  const t = v.result.tls;
  const details = h('details', {}, h('summary', {}, 'Technical details'));
  const rows: [string, Child][] = [];
  if (t.protocol) rows.push(['Connection', `${t.protocol}${t.cipher ? `, ${t.cipher}` : ''}`]);
  for (const cert of v.result.chain) rows.push([cert.role, `${cert.subject}${cert.san.length ? ` (${cert.san.join(', ')})` : ''} · until ${cert.notAfter.slice(0, 10)}`]);
  const dl = h('dl', { class: 'facts tight' });
  facts(dl, rows.length ? rows : [['Connection', 'no TLS handshake']]);
  details.append(dl);
  out.push(details);
  return out;
}

async function testCamera(url: string, name: string | undefined, btn: HTMLButtonElement): Promise<void> {
  const box = $('camera-result');
  box.setAttribute('aria-busy', 'true');
  box.replaceChildren(h('h2', {}, name ?? 'Camera'), h('p', { class: 'path' }, url), h('p', { class: 'muted' }, 'Testing… (up to a few seconds)'));
  try {
    const v = await busy(btn, 'Testing…', () => call('testCamera', name ? { url, name } : { url }));
    box.replaceChildren(...renderCamera(v));
  } catch (e) {
    box.replaceChildren(h('h2', {}, name ?? 'Camera'), h('p', { class: 'bad-line' }, sentence(e)));
  } finally {
    box.setAttribute('aria-busy', 'false');
  }
}

// ---------- Helpdesk ----------

function renderContact(hd: { name?: string; email?: string; phone?: string; url?: string } | undefined): void {
  const rows: [string, Child][] = [];
  if (hd?.name) rows.push(['Who', hd.name]);
  // mailto:/tel: links are built from the profile only (validated by profile.ts), never from camera data.
  if (hd?.email) rows.push(['E-mail', h('a', { href: `mailto:${hd.email}` }, hd.email)]);
  if (hd?.phone) rows.push(['Phone', h('a', { href: `tel:${hd.phone.replace(/[^+0-9]/g, '')}` }, hd.phone)]);
  if (hd?.url) rows.push(['Web', h('a', { href: hd.url, target: '_blank', rel: 'noopener noreferrer' }, hd.url)]);
  if (!rows.length) rows.push(['Who', 'Ask your IT department.']);
  facts($('contact'), rows);
}

function renderAll(list: CameraView[]): void {
  $('all-results').querySelector('tbody')!.replaceChildren(
    ...list.map((v) => {
      const ok = v.result.chrome.error === 'net::OK';
      return h(
        'tr',
        {},
        h('td', {}, h('span', { class: 'name' }, v.name ?? v.url), h('small', { class: 'path' }, v.url)),
        h('td', {}, h('span', { class: `pill ${ok ? 'ok' : 'bad'}` }, ok ? 'OK' : 'Refused'), h('code', { class: 'small' }, v.result.chrome.error)),
        h('td', {}, ok ? (v.frame ? 'Picture received.' : (v.result.stream.error ?? '—')) : v.result.chrome.fix),
      );
    }),
  );
}

function download(name: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Fallback where the async clipboard is refused: a hidden textarea and the copy command.
    const ta = h('textarea', { class: 'sr-only', 'aria-hidden': 'true' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    if (!ok) throw new Error('the browser did not allow copying; use Export JSON instead');
  }
}

function wireHelpdesk(): void {
  const status = $('helpdesk-status');
  $('test-all').addEventListener('click', async (ev) => {
    const btn = ev.currentTarget as HTMLButtonElement;
    setResult(status, 'Testing every camera…', 'busy');
    try {
      const list = await busy(btn, 'Testing…', () => call('testAll'));
      renderAll(list);
      const bad = list.filter((v) => v.result.chrome.error !== 'net::OK').length;
      setResult(status, bad ? `${bad} of ${list.length} cameras would be refused by Chrome.` : `All ${list.length} cameras are fine.`, bad ? 'bad' : 'ok');
    } catch (e) {
      setResult(status, sentence(e), 'bad');
    }
  });
  $('copy-diag').addEventListener('click', async () => {
    try {
      const { text } = await call('diagnostics');
      await copyText(text);
      setResult(status, 'Diagnostics copied: paste them into your ticket or e-mail.', 'ok');
    } catch (e) {
      setResult(status, sentence(e), 'bad');
    }
  });
  $('write-site').addEventListener('click', async (ev) => {
    try {
      const r = await busy(ev.currentTarget as HTMLButtonElement, 'Writing…', () => call('writeSite'));
      setResult(status, `Wrote the intranet page (${r.files.length} files) to ${r.dir}: copy that folder to the intranet web server.`, 'ok');
    } catch (e) {
      setResult(status, sentence(e), 'bad');
    }
  });
  for (const format of ['json', 'html'] as const) {
    $(`export-${format}`).addEventListener('click', async () => {
      try {
        const r = await call('exportReport', { format });
        download(r.filename, r.mime, r.content);
        setResult(status, `Saved ${r.filename}.`, 'ok');
      } catch (e) {
        setResult(status, sentence(e), 'bad');
      }
    });
  }
}

// ---------- start ----------

function start(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav button[data-screen]')) {
    b.addEventListener('click', () => show(b.dataset.screen as Screen));
  }
  $('skip').addEventListener('click', (e) => {
    e.preventDefault();
    $('main').focus();
  });
  $('refresh').addEventListener('click', () => void refreshStatus());
  $('install').addEventListener('click', () => void change('install'));
  $('uninstall').addEventListener('click', () => void change('uninstall'));
  $('url-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>('url');
    const btn = (e.target as HTMLFormElement).querySelector<HTMLButtonElement>('button[type="submit"]')!;
    if (!input.value.trim()) {
      input.focus();
      $('camera-result').replaceChildren(h('p', { class: 'bad-line' }, 'Type the camera address first, for example https://192.168.1.50/'));
      return;
    }
    void testCamera(input.value.trim(), undefined, btn);
  });
  wireHelpdesk();
  call('profile')
    .then((p) => {
      renderProfile(p);
      if (p.ok) void refreshStatus();
    })
    .catch((e: unknown) => renderProfile({ ok: false, error: sentence(e) }));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
