// README.txt for the admin: which file for which channel, with the exact commands.
import type { CertInfo } from '../cert/describe.js';
import type { PolicyConstraints } from './policy.js';
import type { Scope } from './powershell.js';

export interface ReadmeInput {
  company: string;
  info: CertInfo;
  constraints: PolicyConstraints;
  scope: Scope;
  warnings: string[];
  files: { name: string; purpose: string }[];
}

export function readmeText(r: ReadmeInput): string {
  const c = r.constraints;
  const hasPolicy = c.permitDns.length > 0 || c.permitCidr.length > 0;
  const mobile = r.files.find((f) => f.name.endsWith('.mobileconfig'))?.name ?? 'root.mobileconfig';
  const ps = 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File';
  const lines = [
    `LanTrust IT pack for ${r.company}`,
    '='.repeat(Math.min(72, 'LanTrust IT pack for '.length + r.company.length)),
    '',
    `Root:        ${r.info.subject}`,
    `SHA-256:     ${r.info.sha256}`,
    `Thumbprint:  ${r.info.sha1Thumbprint} (SHA-1, as Windows shows it)`,
    `Valid until: ${r.info.notAfter.slice(0, 10)}`,
    hasPolicy
      ? `Browser policy limits it to: ${[...c.permitDns, ...c.permitCidr].join(', ')}`
      : 'Browser policy: plain CACertificates (no extra limits; the root\'s own name constraints still apply).',
    '',
    'Compare the SHA-256 above with `lantrust describe root.pem` on the CA machine before you deploy.',
    '',
  ];
  if (r.warnings.length) {
    lines.push('WARNINGS', '--------', ...r.warnings.map((w) => `* ${w}`), '');
  }
  lines.push(
    'Files',
    '-----',
    ...r.files.map((f) => `  ${f.name.padEnd(34)} ${f.purpose}`),
    '  README.txt                         this file',
    '',
    'Which file for which channel',
    '----------------------------',
    '',
    '1. Active Directory (Group Policy), recommended for domain-joined PCs',
    '   On a machine with the GroupPolicy module (domain controller or RSAT), as a domain admin:',
    '     .\\New-LanTrustGpo.ps1 -WhatIf',
    '     .\\New-LanTrustGpo.ps1 -LinkTo "OU=Workstations,DC=corp,DC=example,DC=com"',
    '   It creates or updates the GPO (named after the company) with the root under Computer',
    '   Configuration > Policies > Windows Settings > Security Settings > Public Key Policies >',
    '   Trusted Root Certification Authorities, plus the Chrome/Edge/Firefox policies.',
    '   Clients pick it up at the next policy refresh (gpupdate /force to hurry one machine).',
    '   Unlinking the GPO does not remove the root: clients keep it until the setting is removed.',
    '   Alternative: a GPO computer startup script running Install-LanTrustRoot.ps1 -Browsers.',
    '',
    '2. Intune (Win32 app) or an RMM',
    `   Install command:   ${ps} .\\Install-LanTrustRoot.ps1 -Browsers -LogPath C:\\Windows\\Temp\\lantrust.log`,
    `   Uninstall command: ${ps} .\\Uninstall-LanTrustRoot.ps1`,
    '   Detection rule:    custom script Test-LanTrustRoot.ps1 (exit 0 and one line = installed)',
    '   Run as SYSTEM (install behaviour: System): LocalMachine needs admin rights and shows no dialog.',
    '   Intune alternative without scripts: a "Trusted certificate" profile with root.cer,',
    '   destination store "Computer certificate store - Root".',
    '',
    '3. By hand on one PC (elevated PowerShell)',
    `     ${ps} .\\Install-LanTrustRoot.ps1 -WhatIf`,
    `     ${ps} .\\Install-LanTrustRoot.ps1 -Browsers`,
    `     ${ps} .\\Test-LanTrustRoot.ps1`,
    '   Without admin rights: -Scope CurrentUser (Windows asks the user to confirm; only that user trusts it).',
    '   Or: certutil -addstore -f Root root.cer   (certutil -user -addstore Root root.cer for the current user)',
    '',
    '4. Chrome / Chromium on Linux and macOS',
    '     Linux Chromium: sudo install -m 644 chrome-policy.json /etc/chromium/policies/managed/lantrust.json',
    '     Linux Chrome:   sudo install -m 644 chrome-policy.json /etc/opt/chrome/policies/managed/lantrust.json',
    '     macOS: deploy the same keys (CACertificates / CACertificatesWithConstraints) in a',
    '            com.google.Chrome configuration profile from your MDM.',
    '   Check: chrome://policy shows the policy; restart the browser.',
    '',
    '5. Firefox (where it does not read the Windows store)',
    '   Copy firefox-policies.json to <Firefox install folder>/distribution/policies.json and root.cer',
    '   next to it in a folder Firefox searches, or change "Install" to the absolute path of root.cer.',
    '   On Windows and macOS, Firefox 120+ imports roots from the OS store by default (ImportEnterpriseRoots).',
    '',
    `6. Macs, iPhones, iPads: ${mobile}`,
    '   MDM: upload it as a custom profile. By hand: open it, then System Settings > Privacy & Security >',
    '   Profiles (Mac), or Settings > General > VPN & Device Management (iOS) to install.',
    '   iOS also needs: Settings > General > About > Certificate Trust Settings > enable full trust for the root.',
    '',
    '7. Linux machines (system store)',
    '   Debian/Ubuntu: sudo cp root.pem /usr/local/share/ca-certificates/lantrust.crt && sudo update-ca-certificates',
    '   Fedora/RHEL:   sudo cp root.pem /etc/pki/ca-trust/source/anchors/lantrust.pem && sudo update-ca-trust',
    '',
    'Scripts',
    '-------',
    `  Default scope: ${r.scope} (change with -Scope LocalMachine or -Scope CurrentUser).`,
    '  Every script checks the embedded root against the SHA-256 above before changing anything,',
    '  prints one line and exits 0 (done) or 1 (failed, with the reason). All are safe to run twice,',
    '  support -WhatIf (install, uninstall, GPO), and run on Windows PowerShell 5.1 and PowerShell 7.',
    '  If your execution policy requires signed scripts, sign them: lantrust sign *.ps1 --pfx codesign.pfx --pass-file codesign.pass',
    '',
  );
  return lines.join('\n');
}
