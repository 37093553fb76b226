// One section of the intranet page per system: the file to take and the exact steps that system shows.
// Every value from the profile goes through esc(); links are relative, so the page works from a sub-path.
import { esc } from '../html.js';
import { fileSafe } from '../pack/generate.js';
import { SYSTEMS, type SystemId } from '../profile.js';
import type { OfferedFile, OfferedKind, PageInput } from './types.js';

const LABELS: Record<SystemId, string> = {
  windows: 'Windows',
  macos: 'Mac (macOS)',
  ios: 'iPhone and iPad',
  android: 'Android',
  chromeos: 'Chromebook (ChromeOS)',
  linux: 'Linux',
};

const MANAGED_BY: Record<SystemId, string> = {
  windows: 'Group Policy or Intune',
  macos: 'device management (MDM)',
  ios: 'device management (MDM)',
  android: 'device management (MDM)',
  chromeos: 'the Google Admin console',
  linux: 'IT',
};

/** A relative link to an offered file (encoded for the URL, then for HTML). */
export function fileHref(name: string): string {
  return esc(encodeURIComponent(name));
}

function download(f: OfferedFile | undefined, text: string, attr = ' download'): string {
  if (!f) return '';
  return `<p><a class="button" href="${fileHref(f.name)}"${attr}>${esc(text)}</a> <small>${esc(f.name)}, ${esc(size(f.bytes))}</small></p>`;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const restart = 'Close every window of your browser and open it again, come back to this page and press <b>Check again</b>.';

function windows(p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined): string {
  const installers = p.files.filter((f) => f.kind === 'installer');
  const fp = `<code>${esc(p.root.sha256)}</code>`;
  const how = installers.length
    ? `${installers.map((f) => download(f, installers.length > 1 ? `Download ${f.name}` : 'Download the installer')).join('')}
<ol>
<li>Open the downloaded file (Windows may ask whether to run it).</li>
<li>Check that it names <b>${esc(p.company)}</b> and shows the fingerprint ${fp}, the same as on this page, then choose <b>Install</b>. "Just me" needs no administrator.</li>
<li>${restart}</li>
</ol>`
    : `${download(file('cer'), 'Download the certificate')}
<ol>
<li>Open <b>root.cer</b> and choose <b>Install Certificate…</b></li>
<li>Choose <b>Current User</b>, <b>Next</b>, <b>Place all certificates in the following store</b>, <b>Browse…</b>, <b>Trusted Root Certification Authorities</b>, <b>OK</b>, <b>Next</b>, <b>Finish</b>.</li>
<li>Windows asks "Do you want to install this certificate?" and shows a thumbprint (sha1). It must be <code>${esc(p.root.sha1Thumbprint)}</code>; then choose <b>Yes</b>.</li>
<li>${restart}</li>
</ol>`;
  return `${how}
<p>Chrome, Edge and Firefox all use what Windows trusts.</p>
<p class="admin">For IT: Group Policy or Intune can do this for every PC at once (<code>lantrust gen</code> writes the scripts and the GPO).</p>`;
}

function macos(p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined): string {
  return `${download(file('mobileconfig'), 'Download the profile', '')}
<ol>
<li>Open the downloaded profile; macOS says it must be reviewed in System Settings.</li>
<li>Open <b>System Settings › General › Device Management</b> (macOS 13 and 14: <b>Privacy &amp; Security › Profiles</b>), double-click <b>${esc(p.company)} root certificate</b>, choose <b>Install</b> and enter your password.</li>
<li>${restart}</li>
<li>Still "not yet"? Open <b>Keychain Access</b>, find <b>${esc(rootName(p))}</b>, open it, and under <b>Trust</b> set "When using this certificate" to <b>Always Trust</b>.</li>
</ol>
<p>Safari, Chrome, Edge and Firefox all use what macOS trusts.</p>`;
}

function ios(p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined): string {
  return `<p>Open this page in <b>Safari</b>: only Safari can hand the profile to Settings.</p>
${download(file('mobileconfig'), 'Download the profile', '')}
<ol>
<li>Safari asks whether to allow the download: choose <b>Allow</b>, then <b>Close</b>.</li>
<li>Open <b>Settings › General › VPN &amp; Device Management</b> (or tap <b>Profile Downloaded</b> at the top of Settings), tap <b>${esc(p.company)} root certificate</b>, tap <b>Install</b> and enter your passcode.</li>
<li>Then <b>Settings › General › About › Certificate Trust Settings</b>: turn on full trust for <b>${esc(rootName(p))}</b>. Without this step websites and cameras are still not trusted.</li>
<li>Close this Safari tab, open the page again and press <b>Check again</b>.</li>
</ol>`;
}

function android(p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined): string {
  return `${download(file('cer'), 'Download the certificate')}
<ol>
<li>Open <b>Settings</b> and search for <b>CA certificate</b> (often <b>Security &amp; privacy › More security settings › Encryption &amp; credentials › Install a certificate › CA certificate</b>; the names vary by maker).</li>
<li>Choose <b>Install anyway</b>, unlock the phone and pick <b>root.cer</b> from Downloads.</li>
<li>Close Chrome completely, open this page again and press <b>Check again</b>.</li>
</ol>
<p>Android then shows "Network may be monitored": it says that about every certificate you add. This one can vouch for ${esc(p.trusts)}. Chrome trusts certificates added this way; many other apps don't.</p>`;
}

function chromeos(p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined): string {
  void p;
  return `${download(file('cer'), 'Download the certificate')}
<ol>
<li>Open <b>Settings › Privacy and security › Security › Manage certificates</b>.</li>
<li>Under <b>Authorities</b> (newer versions: <b>Local certificates › Custom</b>), choose <b>Import</b> and pick <b>root.cer</b>.</li>
<li>Tick <b>Trust this certificate for identifying websites</b> and choose <b>OK</b>.</li>
<li>Reload this page and press <b>Check again</b>.</li>
</ol>`;
}

function linux(p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined): string {
  // fileSafe() leaves letters, digits and dashes: safe inside the shell commands below.
  const slug = `${fileSafe(p.company)}-root`;
  return `${download(file('pem'), 'Download the certificate')}
<p>Then, in the folder you saved it to:</p>
<pre><code># the right file? this must print ${esc(p.root.sha256)}
openssl x509 -in root.pem -noout -fingerprint -sha256

# Chrome, Chromium and Edge, for you (certutil: libnss3-tools or nss-tools)
certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "${slug}" -i root.pem

# the whole system (curl, wget, ...): Debian, Ubuntu
sudo cp root.pem /usr/local/share/ca-certificates/${slug}.crt &amp;&amp; sudo update-ca-certificates

# the whole system: Fedora, RHEL
sudo cp root.pem /etc/pki/ca-trust/source/anchors/${slug}.pem &amp;&amp; sudo update-ca-trust</code></pre>
<p>Firefox keeps its own list: <b>Settings › Privacy &amp; Security › Certificates › View Certificates › Authorities › Import</b>, pick root.pem and tick "Trust this CA to identify websites". ${restart}</p>`;
}

const BODIES: Record<SystemId, (p: PageInput, file: (k: OfferedKind) => OfferedFile | undefined) => string> = { windows, macos, ios, android, chromeos, linux };

export function rootName(p: PageInput): string {
  return p.root.commonName ?? p.root.subject;
}

/** The six sections as <details>, in a fixed order; the page's script moves the visitor's own to the top. */
export function systemSections(p: PageInput): string {
  const file = (k: OfferedKind) => p.files.find((f) => f.kind === k);
  return SYSTEMS.map((id) => {
    const managed = p.managed.includes(id)
      ? `<p class="managed"><b>On a company ${esc(LABELS[id])} device this is already handled by IT</b> (through ${esc(MANAGED_BY[id])}): there is nothing to install. Use the check below; if a camera says "not yet", restart your browser and then call the helpdesk.</p>
<p>On a device of your own:</p>\n`
      : '';
    return `<details id="sys-${id}" data-system="${id}" data-label="${esc(LABELS[id])}">
<summary>${esc(LABELS[id])}<span class="this" hidden>this device</span></summary>
${managed}${BODIES[id](p, file)}
</details>`;
  }).join('\n');
}
