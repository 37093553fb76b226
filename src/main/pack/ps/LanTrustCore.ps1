# LanTrustCore: find, add and remove ONE pinned root in Cert:\<Scope>\Root, plus the browser policies.
# The single source of truth for every generated script and for the installer engine (lantrust install).
# Windows PowerShell 5.1 compatible; ASCII only. Works in PowerShell 7 and in pwsh on Linux (CurrentUser).
#
# Data comes from the block renderCore() (src/main/pack/powershell.ts) puts in front of this file:
#   $LanTrustRootBase64       base64 DER of the root
#   $LanTrustSha256           pinned SHA-256 of the DER (hex, any case, ':' allowed)
#   $LanTrustCompany          company name (decoded from base64 at run time, never spliced into code)
#   $LanTrustConstraintsJson  Chrome/Edge CACertificatesWithConstraints JSON, or '' when none
# Every function also accepts -RootBase64 / -Sha256 explicitly.
#
# Usage (after the data block):
#   Test-LanTrustRoot   -Scope CurrentUser               -> $true / $false
#   Add-LanTrustRoot    -Scope CurrentUser [-WhatIf]     -> 'added' | 'present' | 'whatif'
#   Remove-LanTrustRoot -Scope CurrentUser [-WhatIf]     -> number of certificates removed (0 = was absent)
#   Get-LanTrustStatus  -Scope CurrentUser               -> object: Scope, Present, Count, Thumbprint, Sha256, Subject
#   Set-LanTrustBrowserPolicy    -Scope LocalMachine     -> list of policy values written (Windows only)
#   Remove-LanTrustBrowserPolicy -Scope LocalMachine     -> list of policy values removed (Windows only)
#   Get-LanTrustBrowserPolicyStatus -Scope LocalMachine  -> compressed JSON: per hive and browser, is the root listed
# Every failure is thrown as one sentence (a pin mismatch throws before any store is opened).

function Test-LanTrustWindows {
    # $IsWindows does not exist in Windows PowerShell 5.1; the platform id works everywhere.
    return ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT)
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

function Write-LanTrustLog {
    param([string]$Message)
    $path = $null
    if (Test-Path variable:LanTrustLogPath) { $path = $LanTrustLogPath }
    if ($path) {
        $line = ('{0} {1}' -f (Get-Date).ToString('s'), $Message)
        # ASCII so the log reads the same in every editor; a failing log never stops the work.
        try { Add-Content -LiteralPath $path -Value $line -Encoding ASCII -ErrorAction Stop } catch { Write-Verbose ('cannot write log: ' + $_.Exception.Message) }
    }
    Write-Verbose $Message
}

# The end of every pack script: one line to the log and to the caller (GPO, Intune, an RMM read it),
# and the exit code that says whether it worked.
function Exit-LanTrustScript {
    param([string]$Message, [int]$Code)
    Write-LanTrustLog $Message
    Write-Output $Message
    exit $Code
}

# The one line for a failure: the error's own sentence, on one line.
function Format-LanTrustFailure {
    param($ErrorRecord)
    return ('LanTrust: FAILED: ' + ($ErrorRecord.Exception.Message -replace '[\r\n]+', ' '))
}

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

function Open-LanTrustStore {
    param([string]$Scope, [switch]$ReadWrite)
    if (($Scope -ne 'LocalMachine') -and ($Scope -ne 'CurrentUser')) { throw ('Scope must be LocalMachine or CurrentUser, not ' + $Scope + '.') }
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

function Find-LanTrustInStore {
    # Exactly the pinned certificate: same thumbprint AND same SHA-256 over the DER.
    param($Store, $Root)
    $pin = Get-LanTrustSha256Hex -Bytes $Root.RawData
    $found = @()
    foreach ($c in $Store.Certificates) {
        if ($c.Thumbprint -eq $Root.Thumbprint) {
            if ((Get-LanTrustSha256Hex -Bytes $c.RawData) -eq $pin) { $found += $c }
        }
    }
    return $found
}

function Get-LanTrustStatus {
    [CmdletBinding()]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    $store = Open-LanTrustStore -Scope $Scope
    try {
        $found = @(Find-LanTrustInStore -Store $store -Root $root)
    } finally {
        $store.Close()
    }
    return New-Object PSObject -Property @{
        Scope      = $Scope
        Present    = ($found.Count -gt 0)
        Count      = $found.Count
        Thumbprint = $root.Thumbprint
        Sha256     = (Get-LanTrustSha256Hex -Bytes $root.RawData)
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
    $check = Open-LanTrustStore -Scope $Scope
    try {
        $present = @(Find-LanTrustInStore -Store $check -Root $root).Count -gt 0
    } finally {
        $check.Close()
    }
    if ($present) {
        Write-LanTrustLog ('already present in ' + $Scope + '\Root: ' + $root.Thumbprint)
        return 'present'
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

function Remove-LanTrustRoot {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Scope = 'LocalMachine', [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    $check = Open-LanTrustStore -Scope $Scope
    try {
        $count = @(Find-LanTrustInStore -Store $check -Root $root).Count
    } finally {
        $check.Close()
    }
    if ($count -eq 0) { return 0 }
    if (-not $PSCmdlet.ShouldProcess(($Scope + '\Root'), ('Remove root certificate ' + $root.Subject + ' (thumbprint ' + $root.Thumbprint + ')'))) {
        return 0
    }
    $store = Open-LanTrustStore -Scope $Scope -ReadWrite
    $removed = 0
    try {
        foreach ($c in @(Find-LanTrustInStore -Store $store -Root $root)) {
            $store.Remove($c)
            $removed++
        }
    } finally {
        $store.Close()
    }
    Write-LanTrustLog ('removed ' + $removed + ' from ' + $Scope + '\Root: ' + $root.Thumbprint)
    return $removed
}

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

function Get-LanTrustConstraintEntries {
    # Parses a CACertificatesWithConstraints JSON value into a list (empty on anything unreadable).
    param([string]$Json)
    $list = @()
    if (-not $Json) { return $list }
    try {
        $parsed = ConvertFrom-Json -InputObject $Json -ErrorAction Stop
        foreach ($e in @($parsed)) { if ($null -ne $e) { $list += $e } }
    } catch {
        $list = @()
    }
    return $list
}

function Set-LanTrustBrowserPolicy {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [string]$Scope = 'LocalMachine',
        [string]$ConstraintsJson = $LanTrustConstraintsJson,
        [string]$RootBase64 = $LanTrustRootBase64,
        [string]$Sha256 = $LanTrustSha256
    )
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    if (-not (Test-LanTrustWindows)) { throw 'Browser policies here are Windows registry settings; on Linux and macOS use chrome-policy.json and firefox-policies.json.' }
    $hive = Get-LanTrustPolicyHive -Scope $Scope
    $marker = Get-LanTrustMarkerKey -Scope $Scope -Root $root
    $written = @()
    $b64 = [System.Convert]::ToBase64String($root.RawData)
    if ($ConstraintsJson) {
        $ours = @(Get-LanTrustConstraintEntries -Json $ConstraintsJson)
        foreach ($k in @('SOFTWARE\Policies\Google\Chrome', 'SOFTWARE\Policies\Microsoft\Edge')) {
            $path = $hive + '\' + $k
            $existing = $null
            if (Test-Path -LiteralPath $path) { $existing = (Get-ItemProperty -LiteralPath $path -ErrorAction SilentlyContinue).CACertificatesWithConstraints }
            # Keep other admins' entries; replace ours.
            $merged = @()
            foreach ($e in @(Get-LanTrustConstraintEntries -Json $existing)) { if ($e.certificate -ne $b64) { $merged += $e } }
            $merged += $ours
            $value = ConvertTo-Json -InputObject @($merged) -Depth 6 -Compress
            if ($PSCmdlet.ShouldProcess($path, 'Set CACertificatesWithConstraints')) {
                if (-not (Test-Path -LiteralPath $path)) { New-Item -Path $path -Force | Out-Null }
                New-ItemProperty -LiteralPath $path -Name 'CACertificatesWithConstraints' -Value $value -PropertyType String -Force | Out-Null
                $written += ($path + '\CACertificatesWithConstraints')
            }
        }
    }
    $ff = $hive + '\SOFTWARE\Policies\Mozilla\Firefox\Certificates'
    $had = $null
    if (Test-Path -LiteralPath $ff) { $had = (Get-ItemProperty -LiteralPath $ff -ErrorAction SilentlyContinue).ImportEnterpriseRoots }
    if ($had -ne 1) {
        if ($PSCmdlet.ShouldProcess($ff, 'Set ImportEnterpriseRoots = 1')) {
            if (-not (Test-Path -LiteralPath $ff)) { New-Item -Path $ff -Force | Out-Null }
            New-ItemProperty -LiteralPath $ff -Name 'ImportEnterpriseRoots' -Value 1 -PropertyType DWord -Force | Out-Null
            if (-not (Test-Path -LiteralPath $marker)) { New-Item -Path $marker -Force | Out-Null }
            New-ItemProperty -LiteralPath $marker -Name 'FirefoxImportEnterpriseRoots' -Value 1 -PropertyType DWord -Force | Out-Null
            $written += ($ff + '\ImportEnterpriseRoots')
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
    if (-not (Test-LanTrustWindows)) { return $removed }
    $hive = Get-LanTrustPolicyHive -Scope $Scope
    $marker = Get-LanTrustMarkerKey -Scope $Scope -Root $root
    $b64 = [System.Convert]::ToBase64String($root.RawData)
    foreach ($k in @('SOFTWARE\Policies\Google\Chrome', 'SOFTWARE\Policies\Microsoft\Edge')) {
        $path = $hive + '\' + $k
        if (-not (Test-Path -LiteralPath $path)) { continue }
        $existing = (Get-ItemProperty -LiteralPath $path -ErrorAction SilentlyContinue).CACertificatesWithConstraints
        if (-not $existing) { continue }
        $all = @(Get-LanTrustConstraintEntries -Json $existing)
        $rest = @()
        foreach ($e in $all) { if ($e.certificate -ne $b64) { $rest += $e } }
        if ($rest.Count -eq $all.Count) { continue }
        if ($PSCmdlet.ShouldProcess($path, 'Remove this root from CACertificatesWithConstraints')) {
            if ($rest.Count -eq 0) {
                Remove-ItemProperty -LiteralPath $path -Name 'CACertificatesWithConstraints' -ErrorAction SilentlyContinue
            } else {
                $value = ConvertTo-Json -InputObject @($rest) -Depth 6 -Compress
                New-ItemProperty -LiteralPath $path -Name 'CACertificatesWithConstraints' -Value $value -PropertyType String -Force | Out-Null
            }
            $removed += ($path + '\CACertificatesWithConstraints')
        }
    }
    if (Test-Path -LiteralPath $marker) {
        $m = Get-ItemProperty -LiteralPath $marker -ErrorAction SilentlyContinue
        if ($m.FirefoxImportEnterpriseRoots -eq 1) {
            $ff = $hive + '\SOFTWARE\Policies\Mozilla\Firefox\Certificates'
            if ($PSCmdlet.ShouldProcess($ff, 'Remove ImportEnterpriseRoots')) {
                Remove-ItemProperty -LiteralPath $ff -Name 'ImportEnterpriseRoots' -ErrorAction SilentlyContinue
                $removed += ($ff + '\ImportEnterpriseRoots')
            }
        }
        if ($PSCmdlet.ShouldProcess($marker, 'Remove LanTrust marker')) { Remove-Item -LiteralPath $marker -Recurse -Force -ErrorAction SilentlyContinue }
    }
    Write-LanTrustLog ('browser policies removed: ' + ($removed -join ', '))
    return $removed
}

function Get-LanTrustRegistryValue {
    # One registry value, or $null when the key or value is missing. Tests redefine this (fake registry).
    param([string]$Path, [string]$Name)
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $item = Get-ItemProperty -LiteralPath $Path -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $null }
    return $item.$Name
}

function Get-LanTrustRegistryValueNames {
    # The value names under a key (empty when the key is missing). Tests redefine this (fake registry).
    param([string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return @() }
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $key) { return @() }
    return @($key.GetValueNames())
}

function Test-LanTrustBase64Is {
    # Does this base64 text decode to a certificate with the pinned SHA-256? (Spacing and line breaks ignored.)
    param($Text, [string]$Pin)
    if (-not ($Text -is [string]) -or -not $Text) { return $false }
    try {
        $bytes = [System.Convert]::FromBase64String(($Text -replace '\s', ''))
    } catch {
        return $false
    }
    return ((Get-LanTrustSha256Hex -Bytes $bytes) -eq $Pin)
}

function Get-LanTrustBrowserPolicyStatus {
    # Reads the Chrome and Edge policy keys of each hive: is the root in CACertificatesWithConstraints
    # (a REG_SZ holding JSON) or in CACertificates\<n>? Never throws on what other admins wrote there.
    [CmdletBinding()]
    param([string[]]$Scope = @('LocalMachine'), [string]$RootBase64 = $LanTrustRootBase64, [string]$Sha256 = $LanTrustSha256)
    $root = Get-LanTrustRoot -RootBase64 $RootBase64 -Sha256 $Sha256
    $pin = Get-LanTrustSha256Hex -Bytes $root.RawData
    $rows = @()
    foreach ($s in $Scope) {
        $hive = Get-LanTrustPolicyHive -Scope $s
        foreach ($b in @(@('Chrome', 'SOFTWARE\Policies\Google\Chrome'), @('Edge', 'SOFTWARE\Policies\Microsoft\Edge'))) {
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
                    if (Test-LanTrustBase64Is -Text $e.certificate -Pin $pin) {
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
                if (Test-LanTrustBase64Is -Text (Get-LanTrustRegistryValue -Path $list -Name $n) -Pin $pin) { $row.plain = $true }
            }
            $rows += New-Object PSObject -Property $row
        }
    }
    return (ConvertTo-Json -InputObject @($rows) -Depth 4 -Compress)
}
