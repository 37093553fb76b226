// Stand-ins for what only Windows has, kept as thin as possible: they replace the core's few
// primitives (open one physical store, read/write one registry value, write one event-log entry, the
// GroupPolicy cmdlets) and nothing else, so every decision the scripts make still runs for real under pwsh.
// They are spliced into a copy of a generated script right before its top-level `try {`, i.e. after
// the core's own definitions, which they override.

/**
 * Physical stores: CurrentUser .Default is .NET's real CurrentUser\Root (what pwsh on Linux writes);
 * every other location is another real .NET CurrentUser store named "LanTrustFake<location>".
 */
export const FAKE_STORES = `
function Open-LanTrustPhysicalStore {
    param($Location, [switch]$ReadWrite)
    $name = 'Root'
    if (-not ($Location.Ours -and $Location.Flags -eq 0x10000)) { $name = 'LanTrustFake' + $Location.Name }
    $s = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList $name, ([System.Security.Cryptography.X509Certificates.StoreLocation]::CurrentUser)
    if ($ReadWrite) { $s.Open('ReadWrite') } else { $s.Open('ReadOnly') }
    return $s
}
`;

/** A registry: one JSON file (key|name -> value), so it survives between script runs. */
export function fakeRegistry(file: string): string {
  const f = `'${file.replace(/'/g, "''")}'`;
  return `
function Test-LanTrustRegistry { return $true }
function Read-FakeReg { $h = @{}; if (Test-Path -LiteralPath ${f}) { $o = Get-Content -Raw -LiteralPath ${f} | ConvertFrom-Json; foreach ($p in $o.PSObject.Properties) { $h[$p.Name] = $p.Value } }; return $h }
function Save-FakeReg { param($h) ConvertTo-Json -InputObject $h -Depth 3 -Compress | Set-Content -LiteralPath ${f} }
function Get-LanTrustRegistryValue { param([string]$Path, [string]$Name) $h = Read-FakeReg; $k = $Path + '|' + $Name; if ($h.ContainsKey($k)) { return $h[$k] }; return $null }
function Get-LanTrustRegistryValueNames { param([string]$Path) $h = Read-FakeReg; return @($h.Keys | Where-Object { $_.StartsWith($Path + '|') } | ForEach-Object { $_.Substring($Path.Length + 1) }) }
function Set-LanTrustRegistryValue { param([string]$Path, [string]$Name, $Value, [string]$Kind = 'String') $h = Read-FakeReg; $h[$Path + '|' + $Name] = $Value; Save-FakeReg $h }
function Remove-LanTrustRegistryValue { param([string]$Path, [string]$Name) $h = Read-FakeReg; $h.Remove($Path + '|' + $Name); Save-FakeReg $h }
function Test-LanTrustRegistryKey { param([string]$Path) $h = Read-FakeReg; return @($h.Keys | Where-Object { $_.StartsWith($Path + '|') }).Count -gt 0 }
function Remove-LanTrustRegistryKey { param([string]$Path) $h = Read-FakeReg; foreach ($k in @($h.Keys)) { if ($k.StartsWith($Path + '|') -or $k.StartsWith($Path + '\\')) { $h.Remove($k) } }; Save-FakeReg $h }
`;
}

/** The event log: each entry appended to a JSON-lines file instead. */
export function fakeEventLog(file: string): string {
  return `
function Write-LanTrustEventLog {
    param([string]$Text, [string]$EntryType, [int]$EventId)
    Add-Content -LiteralPath '${file.replace(/'/g, "''")}' -Value (ConvertTo-Json -Compress -InputObject @{ text = $Text; type = $EntryType; id = $EventId })
    return $true
}
`;
}

/**
 * The GroupPolicy module and the AD lookups New-LanTrustGpo makes: GPO registry values live in a JSON
 * file; `calls` records every write. `state` sets who the caller is and what the ACLs say.
 */
export function fakeGroupPolicy(file: string): string {
  const f = `'${file.replace(/'/g, "''")}'`;
  return `
function Read-FakeGp { $o = Get-Content -Raw -LiteralPath ${f} | ConvertFrom-Json; return $o }
function Save-FakeGp { param($o) ConvertTo-Json -InputObject $o -Depth 6 -Compress | Set-Content -LiteralPath ${f} }
function Add-FakeGpCall { param([string]$What) $o = Read-FakeGp; $o.calls = @($o.calls) + @($What); Save-FakeGp $o }
function Get-Module { param([switch]$ListAvailable, [string]$Name) if ((Read-FakeGp).module) { return @{ Name = $Name } }; return $null }
function Import-Module { param([string]$Name) }
function Get-GPO { param([string]$Name, [string]$Domain) $o = Read-FakeGp; if ($o.gpo) { return @{ DisplayName = $Name } }; throw 'GPO not found' }
function New-GPO { param([string]$Name, [string]$Comment, [string]$Domain) Add-FakeGpCall ('New-GPO ' + $Name); $o = Read-FakeGp; $o.gpo = $true; Save-FakeGp $o; return @{ DisplayName = $Name } }
function Get-GPRegistryValue { param([string]$Name, [string]$Key, [string]$ValueName, [string]$Domain) $o = Read-FakeGp; $v = $o.values.($Key + '|' + $ValueName); if ($null -eq $v) { throw 'not set' }; return @{ Value = $v } }
function Set-GPRegistryValue { param([string]$Name, [string]$Key, [string]$ValueName, [string]$Type, $Value, [string]$Domain) Add-FakeGpCall ('Set ' + $Key + '|' + $ValueName); $o = Read-FakeGp; $v = $Value; if ($Value -is [byte[]]) { $v = [Convert]::ToBase64String($Value) }; $o.values | Add-Member -NotePropertyName ($Key + '|' + $ValueName) -NotePropertyValue $v -Force; Save-FakeGp $o }
function Remove-GPRegistryValue { param([string]$Name, [string]$Key, [string]$ValueName, [string]$Domain) Add-FakeGpCall ('Remove ' + $Key + '|' + $ValueName); $o = Read-FakeGp; foreach ($p in @($o.values.PSObject.Properties)) { if (($ValueName -and $p.Name -eq ($Key + '|' + $ValueName)) -or (-not $ValueName -and $p.Name.StartsWith($Key + '|'))) { $o.values.PSObject.Properties.Remove($p.Name) } }; Save-FakeGp $o }
function Get-GPPermission { param([string]$Name, [switch]$All, [string]$Domain) return @((Read-FakeGp).permissions | ForEach-Object { @{ Trustee = @{ Sid = @{ Value = $_.sid } }; Permission = $_.permission; Denied = [bool]$_.denied } }) }
function Get-GPInheritance { param([string]$Target, [string]$Domain) return @{ GpoLinks = @() } }
function New-GPLink { param([string]$Name, [string]$Target, [string]$LinkEnabled, [string]$Domain) Add-FakeGpCall ('Link ' + $Target) }
function Get-LanTrustTokenSids { return @((Read-FakeGp).sids) }
function Get-LanTrustDomainDn { param([string]$Domain) $o = Read-FakeGp; if ($o.domainError) { throw $o.domainError }; return 'DC=corp,DC=example' }
function Get-LanTrustAdAccessRules { param([string]$DistinguishedName, [string]$Domain) return @((Read-FakeGp).acl.($DistinguishedName) | ForEach-Object { New-Object PSObject -Property @{ Sid = $_.sid; Rights = $_.rights; ObjectType = $_.objectType; Allow = [bool]$_.allow } }) }
`;
}

/** A copy of a generated script (CRLF text) with `fakes` defined right before its top-level try. */
export function withFakes(script: string, fakes: string): string {
  const at = script.indexOf('\r\ntry {\r\n');
  if (at < 0) throw new Error('no top-level try in the script');
  return `${script.slice(0, at)}\r\n${fakes.replace(/\r?\n/g, '\r\n')}${script.slice(at)}`;
}
