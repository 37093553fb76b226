# LanTrustCore: find, add and remove ONE pinned root in the Windows Root store, plus the browser policies.
# The single source of truth for every generated script and for the installer engine (lantrust install).
# Windows PowerShell 5.1 compatible; ASCII only. Works in PowerShell 7 and in pwsh on Linux (CurrentUser).
#
# Data comes from the block renderCore() (src/main/pack/powershell.ts) puts in front of this file:
#   $LanTrustRootBase64       base64 DER of the root
#   $LanTrustSha256           pinned SHA-256 of the DER (hex, any case, ':' allowed)
#   $LanTrustCompany          company name (decoded from base64 at run time, never spliced into code)
#   $LanTrustConstraintsJson  Chrome/Edge CACertificatesWithConstraints JSON, or '' when none
#   $LanTrustStoreMode        'store' (Windows Root store; browsers with -Browsers) or 'policy' (Chrome/Edge
#                             policy only: the root has no name constraints of its own)
#   $LanTrustReplaces         roots this one replaces: 'sha256hex|SHA1HEX' (SHA-1 may be empty)
# Every function also accepts -RootBase64 / -Sha256 explicitly.
#
# Usage (after the data block):
#   Get-LanTrustStatus  -Scope CurrentUser               -> object: Present, Ours, Copies, Where, Thumbprint, ...
#   Test-LanTrustRoot   -Scope CurrentUser               -> $true / $false (any copy this scope sees)
#   Add-LanTrustRoot    -Scope CurrentUser [-WhatIf]     -> 'added' | 'present' | 'elsewhere' | 'whatif'
#   Remove-LanTrustRoot -Scope CurrentUser [-WhatIf]     -> number of certificates removed from lantrust's copy (.Default)
#   Remove-LanTrustReplacedRoots -Scope LocalMachine     -> object: Removed (count), Left (copies lantrust may not touch)
#   Set-LanTrustBrowserPolicy    -Scope LocalMachine     -> list of policy values written (Windows only)
#   Remove-LanTrustBrowserPolicy -Scope LocalMachine     -> list of policy values removed (Windows only)
#   Get-LanTrustBrowserPolicyStatus -Scope LocalMachine  -> compressed JSON: per hive and browser, is the root listed
#   Get-LanTrustBrowserGaps -Scope LocalMachine          -> what -Browsers should have set and is missing
# Every failure is thrown as one sentence (a pin mismatch throws before any store is opened).

if (-not (Test-Path variable:LanTrustStoreMode)) { $LanTrustStoreMode = 'store' }
if (-not (Test-Path variable:LanTrustReplaces)) { $LanTrustReplaces = @() }
if (-not (Test-Path variable:LanTrustLogPath)) { $LanTrustLogPath = $null }
# The log is size-capped: past this it moves to lantrust.log.1 (one old file is kept).
$LanTrustLogMaxBytes = 1048576

function Test-LanTrustWindows {
    # $IsWindows does not exist in Windows PowerShell 5.1; the platform id works everywhere.
    return ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT)
}

function Test-LanTrustRegistry {
    # Is there a Windows registry to read and write? Tests redefine this together with the registry functions below.
    return (Test-LanTrustWindows)
}

function Get-LanTrustSha256Hex {
    param([byte[]]$Bytes)
    $h = [System.Security.Cryptography.SHA256]::Create()
    try {
        return ([System.BitConverter]::ToString($h.ComputeHash($Bytes)).Replace('-', '').ToLowerInvariant())
    } finally {
        $h.Dispose()
    }
}

# ---------------------------------------------------------------- log file and event log

function Get-LanTrustLogFile {
    # -LogPath, else %ProgramData%\LanTrust\lantrust.log on Windows (where IT looks on 200 machines); none elsewhere.
    if ($LanTrustLogPath) { return $LanTrustLogPath }
    if (Test-LanTrustWindows) { return (Join-Path ([System.Environment]::GetFolderPath('CommonApplicationData')) 'LanTrust\lantrust.log') }
    return $null
}

function Write-LanTrustLog {
    param([string]$Message)
    $path = Get-LanTrustLogFile
    if ($path) {
        $line = ('{0} {1}' -f (Get-Date).ToString('s'), $Message)
        # ASCII so the log reads the same in every editor; a failing log never stops the work.
        try {
            $dir = Split-Path -Parent $path
            if ($dir -and -not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
            $f = Get-Item -LiteralPath $path -ErrorAction SilentlyContinue
            if ($f -and $f.Length -gt $LanTrustLogMaxBytes) { Move-Item -LiteralPath $path -Destination ($path + '.1') -Force }
            Add-Content -LiteralPath $path -Value $line -Encoding ASCII -ErrorAction Stop
        } catch {
            Write-Verbose ('cannot write log: ' + $_.Exception.Message)
        }
    }
    Write-Verbose $Message
}

function Write-LanTrustEventLog {
    # One Application event-log entry from source LanTrust. Registering the source needs administrator
    # rights once per machine; without them (and off Windows) this is skipped quietly.
    param([string]$Text, [string]$EntryType, [int]$EventId)
    if (-not (Test-LanTrustWindows)) { return $false }
    try {
        if (-not [System.Diagnostics.EventLog]::SourceExists('LanTrust')) {
            [System.Diagnostics.EventLog]::CreateEventSource('LanTrust', 'Application')
        }
        [System.Diagnostics.EventLog]::WriteEntry('LanTrust', $Text, [System.Diagnostics.EventLogEntryType]$EntryType, $EventId)
        return $true
    } catch {
        Write-Verbose ('no event-log entry: ' + $_.Exception.Message)
        return $false
    }
}

# The end of every pack script: one line to the log, to the event log and to the caller (GPO, Intune,
# an RMM read it), and the exit code that says whether it worked. Event ids: the script's base
# (Install 1000, Test 2000, Uninstall 3000, GPO 4000) plus the exit code.
function Exit-LanTrustScript {
    param([string]$Message, [int]$Code, [string]$Scope = '')
    Write-LanTrustLog $Message
    $script = 'LanTrust'
    $base = 1000
    if (Test-Path variable:LanTrustScriptName) { $script = $LanTrustScriptName }
    if (Test-Path variable:LanTrustEventBase) { $base = $LanTrustEventBase }
    $thumb = 'unknown'
    try { $thumb = (Get-LanTrustRoot).Thumbprint } catch { $thumb = 'unknown (the embedded root is damaged)' }
    $type = 'Information'
    if ($Message.StartsWith('LanTrust: FAILED')) { $type = 'Error' } elseif ($Code -ne 0) { $type = 'Warning' }
    $text = ($Message + "`r`n`r`nScript: " + $script + "`r`nScope: " + $Scope + "`r`nRoot thumbprint: " + $thumb + "`r`nRoot SHA-256: " + $LanTrustSha256 + "`r`nExit code: " + $Code)
    [void](Write-LanTrustEventLog -Text $text -EntryType $type -EventId ($base + $Code))
    Write-Output $Message
    exit $Code
}

# The one line for a failure: the error's own sentence, on one line.
function Format-LanTrustFailure {
    param($ErrorRecord)
    return ('LanTrust: FAILED: ' + ($ErrorRecord.Exception.Message -replace '[\r\n]+', ' '))
}

# ---------------------------------------------------------------- the root and the stores

function Get-LanTrustRoot {
    # Decodes the embedded root and checks it against the pinned SHA-256 before anything else happens.
    [CmdletBinding()]
    param([string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    if (-not $RootBase64) { throw 'No root certificate is embedded in this script; generate it again with lantrust gen.' }
    if (-not $Sha256) { throw 'No SHA-256 pin is embedded in this script; generate it again with lantrust gen.' }
    try {
        $bytes = [System.Convert]::FromBase64String($RootBase64)
    } catch {
        throw 'The embedded root certificate is damaged (not base64); get a fresh copy of this script.'
    }
    $pin = ($Sha256 -replace '[:\s]', '').ToLowerInvariant()
    $actual = Get-LanTrustSha256Hex -Bytes $bytes
    if ($actual -ne $pin) {
        throw ('The embedded root does not match its pinned SHA-256 (expected ' + $pin + ', got ' + $actual + '); the script was altered or damaged, get a fresh copy.')
    }
    $cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(, $bytes)
    return $cert
}

function Assert-LanTrustScope {
    param([string]$Scope)
    if (($Scope -ne 'LocalMachine') -and ($Scope -ne 'CurrentUser')) { throw ('Scope must be LocalMachine or CurrentUser, not ' + $Scope + '.') }
}

function Open-LanTrustStore {
    # The logical Root store (every physical copy together), used only to ADD: Windows puts what is added
    # to a system store into its .Default physical store, and shows its Security Warning for CurrentUser.
    param([string]$Scope, [switch]$ReadWrite)
    Assert-LanTrustScope $Scope
    $location = [System.Security.Cryptography.X509Certificates.StoreLocation]$Scope
    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'Root', $location
    $flags = [System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly
    if ($ReadWrite) { $flags = [System.Security.Cryptography.X509Certificates.OpenFlags]::ReadWrite }
    try {
        $store.Open($flags)
    } catch {
        $why = $_.Exception.Message
        if ($Scope -eq 'LocalMachine' -and $ReadWrite) {
            throw ('Cannot open the LocalMachine Root store for writing (' + $why + '); run as administrator, or use -Scope CurrentUser.')
        }
        throw ('Cannot open the ' + $Scope + ' Root store (' + $why + ').')
    }
    return $store
}

function Get-LanTrustRootLocations {
    # The physical stores behind the logical Root store a scope sees (CryptoAPI system store locations,
    # CERT_SYSTEM_STORE_* flags). lantrust adds and removes only in .Default of its own scope; the others
    # are reported, never touched (Group Policy would put its copy back; a standard user may not touch the machine's).
    param([string]$Scope)
    Assert-LanTrustScope $Scope
    $rows = @(
        @('CurrentUser', '.Default', 0x10000, 'HKCU:\Software\Microsoft\SystemCertificates\Root\Certificates', 'in CurrentUser\Root (lantrust''s copy)'),
        @('CurrentUser', '.GroupPolicy', 0x70000, 'HKCU:\Software\Policies\Microsoft\SystemCertificates\Root\Certificates', 'present, managed by Group Policy (user policy)'),
        @('CurrentUser', '.LocalMachine', 0x20000, 'HKLM:\SOFTWARE\Microsoft\SystemCertificates\Root\Certificates', 'present machine-wide (LocalMachine\Root)'),
        @('CurrentUser', '.LocalMachineGroupPolicy', 0x80000, 'HKLM:\SOFTWARE\Policies\Microsoft\SystemCertificates\Root\Certificates', 'present machine-wide, managed by Group Policy'),
        @('CurrentUser', '.LocalMachineEnterprise', 0x90000, 'HKLM:\SOFTWARE\Microsoft\EnterpriseCertificates\Root\Certificates', 'present machine-wide, published by Active Directory (Enterprise)'),
        @('LocalMachine', '.Default', 0x20000, 'HKLM:\SOFTWARE\Microsoft\SystemCertificates\Root\Certificates', 'in LocalMachine\Root (lantrust''s copy)'),
        @('LocalMachine', '.GroupPolicy', 0x80000, 'HKLM:\SOFTWARE\Policies\Microsoft\SystemCertificates\Root\Certificates', 'present, managed by Group Policy'),
        @('LocalMachine', '.Enterprise', 0x90000, 'HKLM:\SOFTWARE\Microsoft\EnterpriseCertificates\Root\Certificates', 'present, published by Active Directory (Enterprise)')
    )
    $l = @()
    foreach ($r in $rows) {
        if ($r[0] -ne $Scope) { continue }
        $l += New-Object PSObject -Property @{ Name = $r[1]; Flags = $r[2]; Registry = $r[3]; Ours = ($r[1] -eq '.Default'); Where = $r[4] }
    }
    return $l
}

function Get-LanTrustNative {
    # CertOpenStore/CertCloseStore from crypt32.dll, declared at run time through reflection (no compiler,
    # no temp files, Windows PowerShell 5.1 and PowerShell 7 alike). .NET has no API for one physical store.
    if (Test-Path variable:script:LanTrustNativeType) { return $script:LanTrustNativeType }
    $an = New-Object System.Reflection.AssemblyName 'LanTrustNative'
    $ab = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly($an, [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
    $tb = $ab.DefineDynamicModule('LanTrustNative').DefineType('LanTrustNative.Crypt32', [System.Reflection.TypeAttributes]'Public, Class, Abstract, Sealed')
    $dll = [System.Runtime.InteropServices.DllImportAttribute]
    $ctor = $dll.GetConstructor([Type[]]@([string]))
    $fields = [System.Reflection.FieldInfo[]]@($dll.GetField('SetLastError'), $dll.GetField('CharSet'), $dll.GetField('EntryPoint'), $dll.GetField('PreserveSig'))
    $sigs = @(
        @('CertOpenStore', [IntPtr], [Type[]]@([IntPtr], [UInt32], [IntPtr], [UInt32], [string])),
        @('CertCloseStore', [bool], [Type[]]@([IntPtr], [UInt32]))
    )
    foreach ($s in $sigs) {
        $m = $tb.DefineMethod($s[0], [System.Reflection.MethodAttributes]'Public, Static, PinvokeImpl', $s[1], $s[2])
        $attr = New-Object System.Reflection.Emit.CustomAttributeBuilder -ArgumentList $ctor, @('crypt32.dll'), $fields, @($true, [System.Runtime.InteropServices.CharSet]::Unicode, $s[0], $true)
        $m.SetCustomAttribute($attr)
        # The return value is the function's own (a handle, a BOOL), not an HRESULT to turn into an exception.
        $m.SetImplementationFlags([System.Reflection.MethodImplAttributes]::PreserveSig)
    }
    $script:LanTrustNativeType = $tb.CreateType()
    return $script:LanTrustNativeType
}

function Open-LanTrustPhysicalStore {
    # An X509Store over exactly one physical location (CERT_STORE_PROV_SYSTEM_REGISTRY: that registry
    # location and nothing merged in), or $null when it doesn't exist here. Off Windows, .NET's one
    # CurrentUser Root (a folder under ~/.dotnet) stands for CurrentUser .Default; nothing else exists.
    param($Location, [switch]$ReadWrite)
    if (-not (Test-LanTrustWindows)) {
        if ($Location.Flags -ne 0x10000) { return $null }
        $s = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'Root', ([System.Security.Cryptography.X509Certificates.StoreLocation]::CurrentUser)
        if ($ReadWrite) { $s.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadWrite) } else { $s.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly) }
        return $s
    }
    $native = Get-LanTrustNative
    # CERT_STORE_READONLY_FLAG 0x8000, CERT_STORE_OPEN_EXISTING_FLAG 0x4000; provider 13 = CERT_STORE_PROV_SYSTEM_REGISTRY_W.
    $flags = [UInt32]($Location.Flags -bor 0x4000)
    if (-not $ReadWrite) { $flags = [UInt32]($flags -bor 0x8000) }
    $h = $native::CertOpenStore([IntPtr]13, [UInt32]0, [IntPtr]::Zero, $flags, 'Root')
    if ($h -eq [IntPtr]::Zero) {
        $err = [System.Runtime.InteropServices.Marshal]::GetLastWin32Error()
        if ($err -eq 2) { return $null }
        $why = (New-Object System.ComponentModel.Win32Exception -ArgumentList $err).Message
        if ($ReadWrite -and $err -eq 5) { throw ('Cannot open ' + $Location.Where + ' for writing (' + $why + '); run as administrator.') }
        throw ('Cannot open ' + $Location.Where + ' (' + $why + ').')
    }
    try {
        # X509Store(IntPtr) keeps its own duplicate of the handle.
        return [System.Security.Cryptography.X509Certificates.X509Store]::new($h)
    } finally {
        [void]$native::CertCloseStore($h, [UInt32]0)
    }
}

function Find-LanTrustByPin {
    # Certificates in an open store whose SHA-256 over the DER is $Pin (and, when given, whose thumbprint matches).
    param($Store, [string]$Pin, [string]$Thumbprint = '')
    $found = @()
    foreach ($c in $Store.Certificates) {
        if ($Thumbprint -and $c.Thumbprint -ne $Thumbprint) { continue }
        if ((Get-LanTrustSha256Hex -Bytes $c.RawData) -eq $Pin) { $found += $c }
    }
    return $found
}

function Find-LanTrustInStore {
    # Exactly the pinned certificate: same thumbprint AND same SHA-256 over the DER.
    param($Store, $Root)
    return @(Find-LanTrustByPin -Store $Store -Pin (Get-LanTrustSha256Hex -Bytes $Root.RawData) -Thumbprint $Root.Thumbprint)
}

function Get-LanTrustCopies {
    # The physical locations of $Scope's logical Root store that hold the certificate with SHA-256 $Pin.
    param([string]$Scope, [string]$Pin, [string]$Thumbprint = '')
    $copies = @()
    foreach ($loc in @(Get-LanTrustRootLocations -Scope $Scope)) {
        $store = Open-LanTrustPhysicalStore -Location $loc
        if ($null -eq $store) { continue }
        try {
            if (@(Find-LanTrustByPin -Store $store -Pin $Pin -Thumbprint $Thumbprint).Count -gt 0) { $copies += $loc }
        } finally {
            $store.Close()
        }
    }
    return $copies
}

function Get-LanTrustStatus {
    [CmdletBinding()]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    Assert-LanTrustScope $Scope
    $pin = Get-LanTrustSha256Hex -Bytes $root.RawData
    $copies = @(Get-LanTrustCopies -Scope $Scope -Pin $pin -Thumbprint $root.Thumbprint)
    $ours = @($copies | Where-Object { $_.Ours }).Count -gt 0
    $others = @($copies | Where-Object { -not $_.Ours })
    $parts = @()
    foreach ($c in $copies) { $parts += ($c.Where + ' [' + $c.Name + ']') }
    return New-Object PSObject -Property @{
        Scope      = $Scope
        Present    = ($copies.Count -gt 0)
        Ours       = $ours
        Count      = $copies.Count
        Copies     = @($copies | ForEach-Object { $_.Name })
        Others     = @($others | ForEach-Object { $_.Where + ' [' + $_.Name + ']' })
        Where      = ($parts -join '; ')
        Thumbprint = $root.Thumbprint
        Sha256     = $pin
        Subject    = $root.Subject
    }
}

function Test-LanTrustRoot {
    [CmdletBinding()]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $status = Get-LanTrustStatus -Scope $Scope -RootBase64 $RootBase64 -Sha256 $Sha256
    return [bool]$status.Present
}

function Add-LanTrustRoot {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    $status = Get-LanTrustStatus -Scope $Scope -RootBase64 $RootBase64 -Sha256 $Sha256
    if ($status.Ours) {
        Write-LanTrustLog ('already present in ' + $Scope + '\Root: ' + $root.Thumbprint)
        return 'present'
    }
    if ($status.Present) {
        # Trusted already through a copy someone else manages (Group Policy, the machine): a second copy
        # would outlive theirs, and for CurrentUser would make Windows ask the user for nothing.
        Write-LanTrustLog ('already trusted through another copy (' + $status.Where + '): ' + $root.Thumbprint)
        return 'elsewhere'
    }
    if (-not $PSCmdlet.ShouldProcess(($Scope + '\Root'), ('Add root certificate ' + $root.Subject + ' (thumbprint ' + $root.Thumbprint + ')'))) {
        return 'whatif'
    }
    $store = Open-LanTrustStore -Scope $Scope -ReadWrite
    try {
        $store.Add($root)
    } catch {
        $why = $_.Exception.Message
        if ($Scope -eq 'CurrentUser' -and (Test-LanTrustWindows)) {
            throw ('Windows did not add the root to CurrentUser\Root (' + $why + '); answer Yes in the Security Warning, or run as administrator with -Scope LocalMachine.')
        }
        throw ('Cannot add the root to ' + $Scope + '\Root (' + $why + ').')
    } finally {
        $store.Close()
    }
    Write-LanTrustLog ('added to ' + $Scope + '\Root: ' + $root.Thumbprint)
    return 'added'
}

function Remove-LanTrustFromDefault {
    # Removes every certificate with SHA-256 $Pin from $Scope's .Default physical store only; returns the count.
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Scope, [string]$Pin, [string]$Thumbprint = '', [string]$What = 'root certificate')
    $loc = @(Get-LanTrustRootLocations -Scope $Scope | Where-Object { $_.Ours })[0]
    $check = Open-LanTrustPhysicalStore -Location $loc
    if ($null -eq $check) { return 0 }
    try {
        $count = @(Find-LanTrustByPin -Store $check -Pin $Pin -Thumbprint $Thumbprint).Count
    } finally {
        $check.Close()
    }
    if ($count -eq 0) { return 0 }
    if (-not $PSCmdlet.ShouldProcess(($Scope + '\Root'), ('Remove ' + $What + ' (SHA-256 ' + $Pin + ')'))) { return 0 }
    $store = Open-LanTrustPhysicalStore -Location $loc -ReadWrite
    $removed = 0
    try {
        foreach ($c in @(Find-LanTrustByPin -Store $store -Pin $Pin -Thumbprint $Thumbprint)) {
            try {
                $store.Remove($c)
            } catch {
                $why = $_.Exception.Message
                if ($Scope -eq 'CurrentUser' -and (Test-LanTrustWindows)) { throw ('Windows did not remove the ' + $What + ' from CurrentUser\Root (' + $why + '); answer Yes in the Security Warning.') }
                throw ('Cannot remove the ' + $What + ' from ' + $Scope + '\Root (' + $why + '); run as administrator.')
            }
            $removed++
        }
    } finally {
        $store.Close()
    }
    return $removed
}

function Remove-LanTrustRoot {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    Assert-LanTrustScope $Scope
    $removed = Remove-LanTrustFromDefault -Scope $Scope -Pin (Get-LanTrustSha256Hex -Bytes $root.RawData) -Thumbprint $root.Thumbprint -What ('root certificate ' + $root.Subject)
    if ($removed -gt 0) { Write-LanTrustLog ('removed ' + $removed + ' from ' + $Scope + '\Root: ' + $root.Thumbprint) }
    return $removed
}

function Get-LanTrustReplaced {
    # The roots this pack replaces, as objects: Sha256 (hex), Thumbprint (SHA-1 hex, may be empty).
    $list = @()
    foreach ($r in @($LanTrustReplaces)) {
        if (-not $r) { continue }
        $p = ([string]$r).Split('|')
        $list += New-Object PSObject -Property @{ Sha256 = $p[0].ToLowerInvariant(); Thumbprint = ([string]$p[1]).ToUpperInvariant() }
    }
    return $list
}

function Remove-LanTrustReplacedRoots {
    # Root rotation: removes the old roots (by SHA-256) from lantrust's copy (.Default) of this scope and
    # their Chrome/Edge policy entries; copies managed elsewhere (Group Policy, the machine) are reported.
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Scope = 'LocalMachine')
    Assert-LanTrustScope $Scope
    $removed = 0
    $left = @()
    $policies = @()
    $old = @(Get-LanTrustReplaced)
    foreach ($o in $old) {
        $n = Remove-LanTrustFromDefault -Scope $Scope -Pin $o.Sha256 -What 'replaced root'
        if ($n -gt 0) { Write-LanTrustLog ('removed replaced root ' + $o.Sha256 + ' from ' + $Scope + '\Root') }
        $removed += $n
        foreach ($c in @(Get-LanTrustCopies -Scope $Scope -Pin $o.Sha256 | Where-Object { -not $_.Ours })) {
            $left += ('replaced root ' + $o.Sha256.Substring(0, 16) + '... still ' + $c.Where + ' [' + $c.Name + ']')
        }
    }
    if ($old.Count -gt 0 -and (Test-LanTrustRegistry)) {
        $hive = Get-LanTrustPolicyHive -Scope $Scope
        $policies = @(Remove-LanTrustPolicyEntries -Hive $hive -Pins @($old | ForEach-Object { $_.Sha256 }))
        foreach ($o in $old) {
            if (-not $o.Thumbprint) { continue }
            $marker = $hive + '\SOFTWARE\LanTrust\' + $o.Thumbprint
            if ((Test-LanTrustRegistryKey -Path $marker) -and $PSCmdlet.ShouldProcess($marker, 'Remove the replaced root''s marker')) {
                # The old root's install set Firefox ImportEnterpriseRoots: the new root's marker inherits it, so its uninstall removes it.
                if ((Get-LanTrustRegistryValue -Path $marker -Name 'FirefoxImportEnterpriseRoots') -eq 1) { $script:LanTrustInheritFirefox = $true }
                Remove-LanTrustRegistryKey -Path $marker
            }
        }
    }
    return New-Object PSObject -Property @{ Removed = $removed; Left = $left; Policies = $policies }
}

# ---------------------------------------------------------------- the registry (64-bit view, always)

function Split-LanTrustRegistryPath {
    param([string]$Path)
    $i = $Path.IndexOf(':\')
    if ($i -lt 0) { throw ('Not a registry path: ' + $Path) }
    $hive = $Path.Substring(0, $i)
    if ($hive -eq 'HKLM') { $h = [Microsoft.Win32.RegistryHive]::LocalMachine } elseif ($hive -eq 'HKCU') { $h = [Microsoft.Win32.RegistryHive]::CurrentUser } else { throw ('Not a registry path: ' + $Path) }
    return @($h, $Path.Substring($i + 2))
}

function Open-LanTrustRegistryKey {
    # HKLM/HKCU in the 64-bit view, explicitly: a 32-bit PowerShell (Intune's default) would otherwise be
    # redirected to SOFTWARE\WOW6432Node for keys such as SOFTWARE\LanTrust, so install and uninstall
    # could disagree about what was written. Returns $null when the key is missing (and -Create is not given).
    param([string]$Path, [switch]$Write, [switch]$Create)
    if (-not (Test-LanTrustRegistry)) {
        # No registry here (pwsh on Linux/macOS): nothing to read, nowhere to write.
        if ($Create -or $Write) { throw 'There is no Windows registry on this computer.' }
        return $null
    }
    $p = Split-LanTrustRegistryPath -Path $Path
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($p[0], [Microsoft.Win32.RegistryView]::Registry64)
    try {
        if ($Create) { return $base.CreateSubKey($p[1]) }
        return $base.OpenSubKey($p[1], [bool]$Write)
    } finally {
        $base.Close()
    }
}

function Test-LanTrustRegistryKey {
    param([string]$Path)
    $k = Open-LanTrustRegistryKey -Path $Path
    if ($null -eq $k) { return $false }
    $k.Close()
    return $true
}

function Get-LanTrustRegistryValue {
    # One registry value, or $null when the key or value is missing. Tests redefine this (fake registry).
    param([string]$Path, [string]$Name)
    $k = Open-LanTrustRegistryKey -Path $Path
    if ($null -eq $k) { return $null }
    try { return $k.GetValue($Name) } finally { $k.Close() }
}

function Get-LanTrustRegistryValueNames {
    # The value names under a key (empty when the key is missing). Tests redefine this (fake registry).
    param([string]$Path)
    $k = Open-LanTrustRegistryKey -Path $Path
    if ($null -eq $k) { return @() }
    try { return @($k.GetValueNames()) } finally { $k.Close() }
}

function Set-LanTrustRegistryValue {
    param([string]$Path, [string]$Name, $Value, [string]$Kind = 'String')
    $k = Open-LanTrustRegistryKey -Path $Path -Create
    try { $k.SetValue($Name, $Value, [Microsoft.Win32.RegistryValueKind]$Kind) } finally { $k.Close() }
}

function Remove-LanTrustRegistryValue {
    param([string]$Path, [string]$Name)
    $k = Open-LanTrustRegistryKey -Path $Path -Write
    if ($null -eq $k) { return }
    try { $k.DeleteValue($Name, $false) } finally { $k.Close() }
}

function Remove-LanTrustRegistryKey {
    param([string]$Path)
    if (-not (Test-LanTrustRegistry)) { return }
    $p = Split-LanTrustRegistryPath -Path $Path
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($p[0], [Microsoft.Win32.RegistryView]::Registry64)
    try { $base.DeleteSubKeyTree($p[1], $false) } finally { $base.Close() }
}

# ---------------------------------------------------------------- browser policies

function Get-LanTrustPolicyHive {
    param([string]$Scope)
    if ($Scope -eq 'CurrentUser') { return 'HKCU:' }
    return 'HKLM:'
}

function Get-LanTrustMarkerKey {
    # Where we remember which policy values we created, so uninstall removes only those.
    param([string]$Scope, $Root)
    return ((Get-LanTrustPolicyHive -Scope $Scope) + '\SOFTWARE\LanTrust\' + $Root.Thumbprint)
}

$LanTrustBrowserKeys = @(@('Chrome', 'SOFTWARE\Policies\Google\Chrome'), @('Edge', 'SOFTWARE\Policies\Microsoft\Edge'))
$LanTrustFirefoxKey = 'SOFTWARE\Policies\Mozilla\Firefox\Certificates'

function Get-LanTrustConstraintEntries {
    # Parses a CACertificatesWithConstraints JSON value into a list (empty on anything unreadable).
    param($Json)
    $list = @()
    if ($Json -is [array]) { $Json = ($Json -join "`n") }
    if (-not $Json) { return $list }
    try {
        # Assigned first: Windows PowerShell 5.1 emits a JSON array as ONE object, not its items.
        $parsed = ConvertFrom-Json -InputObject ([string]$Json) -ErrorAction Stop
        foreach ($e in @($parsed)) { if ($null -ne $e) { $list += $e } }
    } catch {
        $list = @()
    }
    return $list
}

function Test-LanTrustBase64Is {
    # Does this base64 text decode to a certificate whose SHA-256 is one of $Pin? (Spacing and line breaks ignored.)
    param($Text, [string[]]$Pin)
    if (-not ($Text -is [string]) -or -not $Text) { return $false }
    try {
        $bytes = [System.Convert]::FromBase64String(($Text -replace '\s', ''))
    } catch {
        return $false
    }
    return ($Pin -contains (Get-LanTrustSha256Hex -Bytes $bytes))
}

function Remove-LanTrustPolicyEntries {
    # Drops the entries whose certificate has one of these SHA-256s from Chrome's and Edge's
    # CACertificatesWithConstraints in $Hive; other admins' entries stay. Returns the values changed.
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Hive, [string[]]$Pins)
    $changed = @()
    foreach ($b in $LanTrustBrowserKeys) {
        $path = $Hive + '\' + $b[1]
        $existing = Get-LanTrustRegistryValue -Path $path -Name 'CACertificatesWithConstraints'
        if (-not $existing) { continue }
        $all = @(Get-LanTrustConstraintEntries -Json $existing)
        $rest = @($all | Where-Object { -not (Test-LanTrustBase64Is -Text $_.certificate -Pin $Pins) })
        if ($rest.Count -eq $all.Count) { continue }
        if ($PSCmdlet.ShouldProcess($path, 'Remove roots from CACertificatesWithConstraints')) {
            if ($rest.Count -eq 0) {
                Remove-LanTrustRegistryValue -Path $path -Name 'CACertificatesWithConstraints'
            } else {
                Set-LanTrustRegistryValue -Path $path -Name 'CACertificatesWithConstraints' -Value (ConvertTo-Json -InputObject @($rest) -Depth 6 -Compress)
            }
            $changed += ($path + '\CACertificatesWithConstraints')
        }
    }
    return $changed
}

function Set-LanTrustBrowserPolicy {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [string]$Scope = 'LocalMachine',
        [string]$ConstraintsJson = $LanTrustConstraintsJson,
        [string]$RootBase64 = $LanTrustRootBase64,
        [string]$Sha256 = $LanTrustSha256,
        [switch]$NoFirefox
    )
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    if (-not (Test-LanTrustRegistry)) { throw 'Browser policies here are Windows registry settings; on Linux and macOS use chrome-policy.json and firefox-policies.json.' }
    $hive = Get-LanTrustPolicyHive -Scope $Scope
    $marker = Get-LanTrustMarkerKey -Scope $Scope -Root $root
    $pin = Get-LanTrustSha256Hex -Bytes $root.RawData
    $written = @()
    if ($ConstraintsJson) {
        $ours = @(Get-LanTrustConstraintEntries -Json $ConstraintsJson)
        foreach ($b in $LanTrustBrowserKeys) {
            $path = $hive + '\' + $b[1]
            $existing = Get-LanTrustRegistryValue -Path $path -Name 'CACertificatesWithConstraints'
            # Keep other admins' entries; replace ours.
            $merged = @()
            foreach ($e in @(Get-LanTrustConstraintEntries -Json $existing)) { if (-not (Test-LanTrustBase64Is -Text $e.certificate -Pin @($pin))) { $merged += $e } }
            $merged += $ours
            $value = ConvertTo-Json -InputObject @($merged) -Depth 6 -Compress
            if ($value -eq $existing) { continue }
            if ($PSCmdlet.ShouldProcess($path, 'Set CACertificatesWithConstraints')) {
                Set-LanTrustRegistryValue -Path $path -Name 'CACertificatesWithConstraints' -Value $value
                $written += ($path + '\CACertificatesWithConstraints')
            }
        }
    }
    $inherit = (Test-Path variable:script:LanTrustInheritFirefox) -and $script:LanTrustInheritFirefox
    if (-not $NoFirefox) {
        $ff = $hive + '\' + $LanTrustFirefoxKey
        $had = Get-LanTrustRegistryValue -Path $ff -Name 'ImportEnterpriseRoots'
        if ($had -ne 1) {
            if ($PSCmdlet.ShouldProcess($ff, 'Set ImportEnterpriseRoots = 1')) {
                Set-LanTrustRegistryValue -Path $ff -Name 'ImportEnterpriseRoots' -Value 1 -Kind DWord
                $inherit = $true
                $written += ($ff + '\ImportEnterpriseRoots')
            }
        }
        if ($inherit -and $PSCmdlet.ShouldProcess($marker, 'Remember that lantrust set ImportEnterpriseRoots')) {
            Set-LanTrustRegistryValue -Path $marker -Name 'FirefoxImportEnterpriseRoots' -Value 1 -Kind DWord
        }
    }
    Write-LanTrustLog ('browser policies written: ' + ($written -join ', '))
    return $written
}

function Remove-LanTrustBrowserPolicy {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    $removed = @()
    if (-not (Test-LanTrustRegistry)) { return $removed }
    $hive = Get-LanTrustPolicyHive -Scope $Scope
    $marker = Get-LanTrustMarkerKey -Scope $Scope -Root $root
    $removed += @(Remove-LanTrustPolicyEntries -Hive $hive -Pins @(Get-LanTrustSha256Hex -Bytes $root.RawData))
    if (Test-LanTrustRegistryKey -Path $marker) {
        if ((Get-LanTrustRegistryValue -Path $marker -Name 'FirefoxImportEnterpriseRoots') -eq 1) {
            $ff = $hive + '\' + $LanTrustFirefoxKey
            if ($PSCmdlet.ShouldProcess($ff, 'Remove ImportEnterpriseRoots')) {
                Remove-LanTrustRegistryValue -Path $ff -Name 'ImportEnterpriseRoots'
                $removed += ($ff + '\ImportEnterpriseRoots')
            }
        }
        if ($PSCmdlet.ShouldProcess($marker, 'Remove LanTrust marker')) { Remove-LanTrustRegistryKey -Path $marker }
    }
    Write-LanTrustLog ('browser policies removed: ' + ($removed -join ', '))
    return $removed
}

function Get-LanTrustBrowserRows {
    # Per hive and browser: is the root in CACertificatesWithConstraints (a REG_SZ holding JSON) or in
    # CACertificates\<n>? Never throws on what other admins wrote there.
    param([string[]]$Scope, $Root)
    $pin = Get-LanTrustSha256Hex -Bytes $Root.RawData
    $rows = @()
    foreach ($s in $Scope) {
        $hive = Get-LanTrustPolicyHive -Scope $s
        foreach ($b in $LanTrustBrowserKeys) {
            $path = $hive + '\' + $b[1]
            $row = [ordered]@{ scope = $s; browser = $b[0]; path = $path; constrained = $false; plain = $false; unreadable = $false; dns = @(); cidrs = @() }
            $json = Get-LanTrustRegistryValue -Path $path -Name 'CACertificatesWithConstraints'
            if ($json -is [array]) { $json = ($json -join "`n") }
            if ($null -ne $json -and ([string]$json).Trim()) {
                $entries = $null
                try {
                    # Assigned first: Windows PowerShell 5.1 emits a JSON array as ONE object, not its items.
                    $entries = ConvertFrom-Json -InputObject ([string]$json) -ErrorAction Stop
                } catch {
                    $row.unreadable = $true
                }
                foreach ($e in @($entries)) {
                    if ($null -eq $e -or -not ($e -is [System.Management.Automation.PSCustomObject])) { continue }
                    if (Test-LanTrustBase64Is -Text $e.certificate -Pin @($pin)) {
                        $row.constrained = $true
                        $c = $e.constraints
                        if ($c -is [System.Management.Automation.PSCustomObject]) {
                            $row.dns = @(@($c.permitted_dns_names) | Where-Object { $_ -is [string] })
                            $row.cidrs = @(@($c.permitted_cidrs) | Where-Object { $_ -is [string] })
                        }
                    }
                }
            }
            $list = $path + '\CACertificates'
            foreach ($n in @(Get-LanTrustRegistryValueNames -Path $list)) {
                if (Test-LanTrustBase64Is -Text (Get-LanTrustRegistryValue -Path $list -Name $n) -Pin @($pin)) { $row.plain = $true }
            }
            $rows += New-Object PSObject -Property $row
        }
    }
    return $rows
}

function Get-LanTrustBrowserPolicyStatus {
    [CmdletBinding()]
    param([string[]]$Scope = @('LocalMachine'), [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    return (ConvertTo-Json -InputObject @(Get-LanTrustBrowserRows -Scope $Scope -Root $root) -Depth 4 -Compress)
}

function Get-LanTrustBrowserGaps {
    # What Install -Browsers sets, checked: Chrome and Edge list the root (when the pack has constraints,
    # or always in policy mode), and Firefox imports the Windows roots (store mode). Returns what is missing.
    [CmdletBinding()]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    $missing = @()
    if ($LanTrustConstraintsJson -or $LanTrustStoreMode -eq 'policy') {
        foreach ($r in @(Get-LanTrustBrowserRows -Scope @($Scope) -Root $root)) {
            if ($r.unreadable) { $missing += ($r.browser + ' policy (CACertificatesWithConstraints is not valid JSON)') }
            elseif (-not ($r.constrained -or $r.plain)) { $missing += ($r.browser + ' policy') }
        }
    }
    if ($LanTrustStoreMode -ne 'policy') {
        $ff = (Get-LanTrustPolicyHive -Scope $Scope) + '\' + $LanTrustFirefoxKey
        if ((Get-LanTrustRegistryValue -Path $ff -Name 'ImportEnterpriseRoots') -ne 1) { $missing += 'Firefox ImportEnterpriseRoots' }
    }
    return $missing
}
