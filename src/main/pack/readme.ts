// README.txt for the admin: which file for which channel, with the exact commands.
import type { CertInfo } from '../cert/describe.js';
import type { PolicyConstraints } from './policy.js';
import type { ReplacedRoot, Scope, StoreMode } from './powershell.js';

export interface ReadmeInput {
  company: string;
  info: CertInfo;
  constraints: PolicyConstraints;
  scope: Scope;
  warnings: string[];
  files: { name: string; purpose: string }[];
  storeMode?: StoreMode;
  replaces?: ReplacedRoot[];
}

export function readmeText(r: ReadmeInput): string {
  const c = r.constraints;
  const hasPolicy = c.permitDns.length > 0 || c.permitCidr.length > 0;
  const policyOnly = r.storeMode === 'policy';
  const replaces = r.replaces ?? [];
  const mobile = r.files.find((f) => f.name.endsWith('.mobileconfig'))?.name ?? 'root.mobileconfig';
  const ps = 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File';
  const thumb = r.info.sha1Thumbprint.replace(/:/g, '').toUpperCase();
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
    policyOnly
      ? 'Windows:     Chrome and Edge policy ONLY (the root has no name constraints of its own, so it is not put in the Windows Root store).'
      : 'Windows:     the Root store (Cert:\\LocalMachine\\Root or Cert:\\CurrentUser\\Root), browsers with -Browsers.',
    ...(replaces.length ? ['Replaces:    ' + replaces.map((x) => `SHA-256 ${x.sha256}`).join('\n             ')] : []),
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
    policyOnly
      ? '   It creates or updates the GPO (named after the company) with the Chrome/Edge policy only.'
      : '   It creates or updates the GPO (named after the company) with the root under Computer\n   Configuration > Policies > Windows Settings > Security Settings > Public Key Policies >\n   Trusted Root Certification Authorities, plus the Chrome/Edge/Firefox policies.',
    '   Before writing anything it checks that your account may create the GPO (or edit it, when it',
    '   exists) and link it to -LinkTo; when a right is missing it says which and writes nothing.',
    '   Clients pick it up at the next policy refresh (gpupdate /force to hurry one machine).',
    '   Removing it: the GPO writes registry-based policy under HKLM\\SOFTWARE\\Policies (Set-GPRegistryValue).',
    '   Microsoft documents that Group Policy deletes the entries it applied under the Policies keys when',
    '   the policies affecting a computer change ("Policies" subkey, Windows 2000 Registry Reference);',
    '   so unlinking or deleting the GPO should remove the root and the browser values at the next refresh.',
    '   Unverified: lantrust has not watched this on a real domain. To be sure, remove it on purpose:',
    '   generate a pack for the new root with --replaces and run New-LanTrustGpo.ps1 from it (it deletes',
    `   the old root's Certificates\\<thumbprint> key and its browser entries from the GPO), or delete the`,
    `   key HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates\\${thumb} in the GPO,`,
    '   then check a client with Test-LanTrustRoot.ps1 after gpupdate.',
    '   Two GPOs and CACertificatesWithConstraints: it is ONE registry value per browser (a JSON list), so',
    '   GPOs do not merge it: the GPO applied last wins (precedence: local, site, domain, then OUs from',
    '   the top down, and among GPOs linked to the same place the lowest link order wins; an Enforced',
    '   link wins over all). To trust several roots with constraints, keep them in ONE GPO:',
    '   New-LanTrustGpo.ps1 keeps the other entries already in its own GPO\'s value and replaces only',
    '   this root\'s (run each pack\'s script with the same -Name).',
    ...(policyOnly ? [] : ['   Alternative: a GPO computer startup script running Install-LanTrustRoot.ps1 -Browsers.']),
    '',
    '2. Intune',
    '   a) Remediations (Devices > Scripts and remediations), recommended:',
    '        Detection script:   Test-LanTrustRoot.ps1   (add -Browsers inside if you install with -Browsers:',
    '                            Intune runs the files without parameters, so use the defaults the pack was made with)',
    '        Remediation script: Install-LanTrustRoot.ps1',
    '        Run this script using the logged-on credentials: No   (system context: LocalMachine needs it)',
    '        Enforce script signature check: Yes if you signed the pack (lantrust gen --sign-pfx), else No',
    '        Run script in 64-bit PowerShell: Yes',
    '   b) Win32 app (IntuneWinAppUtil.exe on this folder):',
    `        Install command:   %SystemRoot%\\Sysnative\\WindowsPowerShell\\v1.0\\${ps} .\\Install-LanTrustRoot.ps1${policyOnly ? '' : ' -Browsers'}`,
    `        Uninstall command: %SystemRoot%\\Sysnative\\WindowsPowerShell\\v1.0\\${ps} .\\Uninstall-LanTrustRoot.ps1`,
    '        Install behavior:  System',
    '        Detection rule:    custom script Test-LanTrustRoot.ps1 (installed = exit 0 and one line on',
    '                           standard output); "Run script as 32-bit process on 64-bit clients": No',
    ...(policyOnly
      ? []
      : [
          '                           or a registry rule: Key exists',
          `                           HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\Root\\Certificates\\${thumb}`,
          '                           ("Associated with a 32-bit app on 64-bit clients": No) - lantrust\'s own copy.',
        ]),
    '        Sysnative: the Intune Management Extension is a 32-bit program (it lives under Program Files (x86)),',
    '        so plain powershell.exe there is the 32-bit one (community knowledge; not checked here). The',
    '        scripts open the 64-bit registry view themselves, so install and uninstall agree either way.',
    policyOnly
      ? '   c) Do NOT use a "Trusted certificate" profile for this root: it would put a root without name\n      constraints in the Windows Root store, trusted by every program for every name.'
      : '   c) Without any script: a "Trusted certificate" profile (Devices > Configuration > Windows 10 and\n      later > Templates > Trusted certificate) with root.cer, Destination store "Computer certificate\n      store - Root". Test-LanTrustRoot.ps1 reports such a copy too (which physical store the profile\n      uses is unverified; the script names the one it finds). No browser policies, no rotation.',
    '',
    '3. Configuration Manager (MECM): a configuration item',
    '   Assets and Compliance > Compliance Settings > Configuration Items > Create: Windows Desktops and',
    '   Servers (custom). Setting: type Script, data type String;',
    '     Discovery script:   Windows PowerShell, the contents of Test-LanTrustRoot.ps1',
    '     Remediation script: Windows PowerShell, the contents of Install-LanTrustRoot.ps1',
    '     Run scripts by using the logged on user credentials: off; "Run script as 32-bit process": off.',
    '   Compliance rule: Value, "the value returned by the specified script" Begins with  LanTrust: OK:',
    '   (Test prints "LanTrust: OK: ..." when the root is trusted, another one line when not),',
    '   tick "Run the specified remediation script when this setting is noncompliant". Put the item in a',
    '   baseline and deploy it to a device collection (every device with remediation).',
    '',
    '4. An RMM, or by hand on one PC (elevated PowerShell)',
    `     ${ps} .\\Install-LanTrustRoot.ps1 -WhatIf`,
    `     ${ps} .\\Install-LanTrustRoot.ps1${policyOnly ? '' : ' -Browsers'}`,
    `     ${ps} .\\Test-LanTrustRoot.ps1${policyOnly ? '' : ' -Browsers'}`,
    ...(policyOnly
      ? []
      : [
          '   Without admin rights: -Scope CurrentUser (Windows asks the user to confirm; only that user trusts it).',
          '   Or: certutil -addstore -f Root root.cer   (certutil -user -addstore Root root.cer for the current user)',
        ]),
    '',
    '5. Chrome / Chromium on Linux and macOS',
    '     Linux Chromium: sudo install -m 644 chrome-policy.json /etc/chromium/policies/managed/lantrust.json',
    '     Linux Chrome:   sudo install -m 644 chrome-policy.json /etc/opt/chrome/policies/managed/lantrust.json',
    '     macOS: deploy the same keys (CACertificates / CACertificatesWithConstraints) in a',
    '            com.google.Chrome configuration profile from your MDM.',
    '   Check: chrome://policy shows the policy; restart the browser.',
    '',
    '6. Firefox (where it does not read the Windows store)',
    '   Copy firefox-policies.json to <Firefox install folder>/distribution/policies.json and root.cer',
    '   next to it in a folder Firefox searches, or change "Install" to the absolute path of root.cer.',
    '   On Windows and macOS, Firefox 120+ imports roots from the OS store by default (ImportEnterpriseRoots).',
    '',
    `7. Macs, iPhones, iPads: ${mobile}`,
    '   MDM: upload it as a custom profile. By hand: open it, then System Settings > Privacy & Security >',
    '   Profiles (Mac), or Settings > General > VPN & Device Management (iOS) to install.',
    '   iOS also needs: Settings > General > About > Certificate Trust Settings > enable full trust for the root.',
    '',
    '8. Linux machines (system store)',
    '   Debian/Ubuntu: sudo cp root.pem /usr/local/share/ca-certificates/lantrust.crt && sudo update-ca-certificates',
    '   Fedora/RHEL:   sudo cp root.pem /etc/pki/ca-trust/source/anchors/lantrust.pem && sudo update-ca-trust',
    '',
    'Scripts',
    '-------',
    `  Default scope: ${r.scope} (change with -Scope LocalMachine or -Scope CurrentUser).`,
    '  Every script checks the embedded root against the SHA-256 above before changing anything,',
    '  prints ONE line and exits 0 (done) or 1 (failed, with the reason). All are safe to run twice,',
    '  support -WhatIf (install, uninstall, GPO), and run on Windows PowerShell 5.1 and PowerShell 7,',
    '  64-bit or 32-bit (the HKLM registry is always opened in its 64-bit view).',
    '  Which copy: the Root store a scope sees is several physical stores. lantrust adds to and removes',
    '  from only its own (.Default). A copy managed by Group Policy (.GroupPolicy), published by AD',
    '  (.Enterprise) or, for CurrentUser, a machine-wide copy counts as trusted and is reported by',
    '  Test ("trusted ... present, managed by Group Policy [.GroupPolicy]"), but Install adds no second',
    '  copy and Uninstall never touches it (it says the root is still trusted through it).',
    '  Uninstall removes exactly this root; Install removes exactly the roots it replaces. Neither',
    '  touches any other certificate.',
    '',
    'Logs',
    '----',
    '  Every script appends to %ProgramData%\\LanTrust\\lantrust.log (past 1 MB it moves to lantrust.log.1;',
    '  -LogPath FILE writes elsewhere) and writes an Application event-log entry, source "LanTrust":',
    '  the line, script, scope, root thumbprint and SHA-256, exit code. Event ids: Install 1000,',
    '  Test 2000, Uninstall 3000, New-LanTrustGpo 4000, plus the exit code (1001 = install failed).',
    '  Registering the source needs administrator rights once per machine (the first LocalMachine run',
    '  does it); a run without them skips the event quietly. Collect them from 200 PCs with, e.g.:',
    '    Get-WinEvent -FilterHashtable @{ LogName = \'Application\'; ProviderName = \'LanTrust\' } -MaxEvents 20',
    '',
    'Signed scripts and AllSigned',
    '------------------------------',
    '  Sign the pack when you make it: lantrust gen ... --sign-pfx codesign.pfx --sign-pass-file codesign.pass',
    '  --timestamp http://timestamp.digicert.com (any RFC 3161 server) - with a time stamp the signatures',
    '  stay valid after the code-signing certificate expires; without one they stop validating then.',
    '  Machines with AllSigned (or RemoteSigned for files from the network) run them only when the',
    '  publisher is trusted: put the code-signing certificate (its .cer, no key) in a GPO under Computer',
    '  Configuration > Policies > Windows Settings > Security Settings > Public Key Policies > Trusted',
    '  Publishers, and its root in Trusted Root Certification Authorities when it is your own CA.',
    '  An execution policy set by Group Policy wins over -ExecutionPolicy Bypass on the command line',
    '  (about_Execution_Policies), so on such machines the signature is what makes the scripts run.',
    '  The employee app runs these same scripts from memory after checking their SHA-256, so it does',
    '  not depend on the execution policy.',
    '',
    'Rotating the root',
    '-----------------',
    '  lantrust gen --root new-root.pem --out pack2 --replaces old-root.pem (repeat --replaces for each',
    '  old root, e.g. an old pfSense CA). Deploy pack2 as before: Install adds the new root and removes',
    '  the old ones (by SHA-256) from lantrust\'s copy and from the Chrome/Edge policy entries; copies managed',
    '  by Group Policy are reported, and New-LanTrustGpo.ps1 from pack2 removes them from the GPO.',
    '  The employee app does the same when its lantrust.json lists the old roots under "replaces".',
    '',
    'Verified where',
    '--------------',
    '  On Linux, by lantrust\'s tests: every script parsed by PowerShell 7.6 and checked for syntax',
    '  Windows PowerShell 5.1 lacks; Install/Test/Uninstall, rotation and logs run under pwsh against',
    '  CurrentUser\\Root (other physical stores and the registry stood in for by test doubles); the GPO',
    '  Blob read back by Wine\'s CryptoAPI as a Group Policy root; New-LanTrustGpo\'s rights check and',
    '  rotation against stand-ins for the GroupPolicy cmdlets.',
    '  On a Windows runner (GitHub windows-latest, .github/workflows/windows.yml): LocalMachine install/',
    '  detect/uninstall under AllSigned on Windows PowerShell 5.1 and PowerShell 7, the CurrentUser scope,',
    '  rotation, the event-log entry, a 32-bit PowerShell host, the GPO Blob as Windows reads it, and',
    '  New-LanTrustGpo where the runner has the GroupPolicy module (no domain there).',
    '  Not verified anywhere yet: a real domain (GPO unlink/delete), Intune and MECM themselves.',
    '',
  );
  return lines.join('\n');
}
