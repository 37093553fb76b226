// Plain-English cause and fix for a verdict, written for THIS camera (its name, its certificate).
import type { ParsedCert, PublicKeyInfo } from '../cert/describe.js';
import type { NetError } from './net-errors.js';
import type { CertVerdict } from './verdict.js';
import type { Fault } from './rules.js';

export interface Words {
  cause: string;
  fix: string;
}

/** The name the admin gave the camera's certificate: the leaf's CN, else the host's first label. */
export function labelOf(leaf: ParsedCert | undefined, host: string): string {
  const cn = leaf?.info.commonName?.trim();
  const base = cn && /^[\w.-]+$/.test(cn) ? cn : host.split('.')[0]!.replace(/^\[|\]$/g, '');
  return base.replace(/[^\w.-]/g, '_') || 'camera';
}

function who(path: ParsedCert[], at: number): string {
  const c = path[at];
  if (!c) return 'a certificate';
  const name = c.info.commonName ?? c.info.subject;
  if (at === 0) return `the camera's certificate (${name})`;
  return at === path.length - 1 && c.info.selfIssued ? `the root "${name}"` : `the intermediate "${name}"`;
}

function day(iso: string | undefined): string {
  return (iso ?? '').slice(0, 10);
}

function faultWords(f: Fault, v: CertVerdict, host: string, label: string, anchorsGiven: number): Words {
  const path = v.path.certs;
  const c = path[f.at];
  const leaf = path[0];
  switch (f.id) {
    case 'untrusted-self-signed':
      return {
        cause: `the camera presents a self-signed certificate (${leaf?.info.commonName ?? leaf?.info.subject ?? '?'}), probably the factory one, which no browser trusts`,
        fix: `put a company certificate on it: lantrust deploy --dir ca --from devices.csv --trust-current-cert (Axis cameras listed in devices.csv), or lantrust ca issue --dir ca --name ${label} --${/^[\d.]+$|:/.test(host) ? 'ip' : 'dns'} ${host} and upload ${label}.chain.pem with its key`,
      };
    case 'untrusted-root':
      return anchorsGiven
        ? { cause: `the camera's certificate chains to "${c?.info.commonName ?? c?.info.subject}", which is not one of the trusted roots`, fix: `issue the camera a certificate from the company CA and upload ${label}.chain.pem, or check that you gave the right root` }
        : { cause: `this PC doesn't trust the root "${c?.info.commonName ?? c?.info.subject}" that the camera's certificate chains to`, fix: 'run the company root installer on this PC (or test with --root root.pem to see the verdict once it is trusted)' };
    case 'missing-intermediate': {
      const issuer = c?.info.issuer ?? '?';
      if (!anchorsGiven) return { cause: `this PC doesn't trust the company root that issued the camera's certificate (issuer "${issuer}")`, fix: 'run the company root installer on this PC (or test with --root root.pem to see the verdict once it is trusted)' };
      const tried = v.aia.filter((a) => a.for === c?.info.subject);
      const fetch = tried.length
        ? `; Chrome tried to download it from ${tried.map((a) => `${a.url}, which ${a.error ?? 'gave no issuer that leads to a trusted root'}`).join('; and from ')}`
        : c?.info.caIssuers?.length
          ? ''
          : ', and the certificate names no address to download it from (AIA)';
      return {
        cause: `the camera sends only ${f.at === 0 ? 'its own certificate' : 'part of its chain'}, issued by "${issuer}", which is not a trusted root${fetch}`,
        fix: `if "${issuer}" is your company's intermediate, upload ${label}.chain.pem (certificate plus intermediates) to the camera; otherwise re-issue the camera's certificate from the company CA`,
      };
    }
    case 'issuer-name':
      return { cause: `${who(path, f.at)} names the issuer "${c?.info.issuer}", but the certificate above it in the chain is "${path[f.at + 1]?.info.subject}"${v.path.fetched?.get(path[f.at + 1]!) ? ` (downloaded from ${v.path.fetched.get(path[f.at + 1]!)})` : ''}`, fix: `upload ${label}.chain.pem with the right intermediate to the camera` };
    case 'bad-signature':
      return { cause: `${who(path, f.at)} was not signed by the certificate above it in the chain (wrong or re-made CA)`, fix: `re-issue ${label}'s certificate from the current company CA and upload ${label}.chain.pem` };
    case 'policy-constraints':
      return { cause: `Chrome's policy (CACertificatesWithConstraints) allows this root only for other names; the camera's certificate names ${f.detail}`, fix: `add ${f.detail} to the policy's permitted_dns_names/permitted_cidrs, or give the camera a name inside them` };
    case 'name-constraints':
      return { cause: `the camera's certificate names ${f.detail ?? 'a name'} outside what ${who(path, f.at)} may vouch for (its name constraints)`, fix: `give the camera a name/address inside the root's constraints and re-issue its certificate, or make a root whose constraints cover it` };
    case 'not-a-ca':
      return { cause: `${who(path, f.at)} is not a CA certificate (basicConstraints CA:FALSE or missing), so it may not sign other certificates`, fix: `issue the camera's certificate from a proper CA (lantrust ca) and upload ${label}.chain.pem` };
    case 'path-length':
      return { cause: `${who(path, f.at)} allows at most ${f.detail} CA certificate(s) below it (pathLen), and this chain has more`, fix: `issue the camera's certificate directly from the root, or from an intermediate the root allows` };
    case 'no-keycertsign':
      return { cause: `${who(path, f.at)} has a keyUsage without keyCertSign, so it may not sign certificates`, fix: 're-make that CA certificate with keyUsage keyCertSign, cRLSign' };
    case 'eku':
      return f.at === 0
        ? { cause: `the camera's certificate is not for web servers: its extended key usage is ${f.detail ?? 'without serverAuth'}`, fix: `re-issue ${label}'s certificate with extendedKeyUsage serverAuth (lantrust ca issue does)` }
        : { cause: `${who(path, f.at)} restricts its extended key usage and serverAuth is not among them`, fix: 'make that CA with no extendedKeyUsage, or one that includes serverAuth' };
    case 'unknown-critical-extension':
      return { cause: `${who(path, f.at)} has a critical extension Chrome doesn't understand (${f.detail})`, fix: 're-issue that certificate without the extension, or mark it non-critical' };
    case 'expired':
      return f.at === 0
        ? { cause: `the camera's certificate expired on ${day(f.detail)}`, fix: `renew it: lantrust deploy --dir ca --from devices.csv renews every Axis camera that is due (or lantrust ca issue --dir ca --name ${label} with the same names, and upload the new ${label}.chain.pem)` }
        : { cause: `${who(path, f.at)} expired on ${day(f.detail)}`, fix: f.at === path.length - 1 ? 'make a new root, trust it everywhere, and re-issue the cameras from it' : 'renew the intermediate and re-issue the camera certificates from it' };
    case 'not-yet-valid':
      return { cause: `${who(path, f.at)} is not valid until ${day(f.detail)}; the camera's or this PC's clock is probably wrong`, fix: "set the camera's and the PC's clocks (NTP), or re-issue with a start date in the past" };
    case 'sha1':
      return { cause: `${who(path, f.at)} is signed with SHA-1 (${f.detail}), which Chrome refuses`, fix: `re-issue it with SHA-256 (lantrust ca issue --dir ca --name ${label}) and upload ${label}.chain.pem` };
    case 'weak-key':
      return { cause: `${who(path, f.at)} has a key too weak for Chrome (${f.detail}; Chrome needs RSA 1024+ or EC)`, fix: `make a new key on the camera (EC P-256 or RSA 2048+) and re-issue ${label}'s certificate` };
    case 'name-mismatch': {
      const san = leaf?.info.subjectAltName;
      const names = san ? [...san.dns, ...san.ip.map((i) => `IP ${i}`)].join(', ') : '';
      const why = v.host.ok ? '' : v.host.why;
      const cause =
        why === 'no-san'
          ? `the camera's certificate has no subjectAltName; Chrome ignores the common name${leaf?.info.commonName ? ` (${leaf.info.commonName})` : ''}`
          : why === 'ip-not-listed'
            ? `the camera is opened by IP ${host}, and its certificate doesn't list that address as an IP SAN (it lists ${names || 'nothing'})`
            : why === 'wildcard-too-broad'
              ? `the certificate's wildcard (${names}) covers a whole top-level domain, which Chrome never accepts`
              : `the camera is opened as ${host}, and its certificate is for ${names || 'other names'}`;
      return { cause, fix: `re-issue ${label}'s certificate with --${/^[\d.]+$|:/.test(host) ? 'ip' : 'dns'} ${host.replace(/^\[|\]$/g, '')}, or open the camera by a name it has` };
    }
  }
}

/** Words for a certificate verdict. */
export function explainVerdict(v: CertVerdict, host: string, label: string, anchorsGiven: number): Words & { also: { error: string; cause: string }[] } {
  if (v.error === 'OK') {
    const a = v.path.anchor;
    const fetched = [...(v.path.fetched ?? [])].map(([c, url]) => `"${c.info.commonName ?? c.info.subject}" downloaded from ${url}`);
    const via = fetched.length ? ` through the intermediate ${fetched.join(' and ')} (the camera doesn't send it)` : '';
    return { cause: `the certificate chains to the trusted root "${a?.cert.info.commonName ?? a?.cert.info.subject ?? '?'}" (${a?.anchor.source ?? '?'})${via} and names ${v.host.ok ? v.host.by : host}`, fix: 'nothing to do', also: [] };
  }
  const [first, ...rest] = v.faults;
  const w = faultWords(first!, v, host, label, anchorsGiven);
  const seen = new Set([first!.id]);
  const also = rest
    .filter((f) => !seen.has(f.id) && (seen.add(f.id), true))
    .map((f) => ({ error: `net::${STATUS_ERR[f.status] ?? 'ERR_CERT_INVALID'}`, cause: faultWords(f, v, host, label, anchorsGiven).cause }));
  return { ...w, also };
}

const STATUS_ERR: Record<string, NetError> = {
  AUTHORITY_INVALID: 'ERR_CERT_AUTHORITY_INVALID',
  COMMON_NAME_INVALID: 'ERR_CERT_COMMON_NAME_INVALID',
  WEAK_SIGNATURE_ALGORITHM: 'ERR_CERT_WEAK_SIGNATURE_ALGORITHM',
  WEAK_KEY: 'ERR_CERT_WEAK_KEY',
  DATE_INVALID: 'ERR_CERT_DATE_INVALID',
  INVALID: 'ERR_CERT_INVALID',
  path: 'ERR_CERT_INVALID',
};

/** What the handshake showed beyond the error: for causes that name the real trouble. */
export interface ConnectionClues {
  /** A legacy handshake (TLS 1.0+, any cipher) worked: what it negotiated, and the leaf's key. */
  legacy?: { protocol: string; cipher: string; key?: PublicKeyInfo };
  /** The first bytes the server sent. */
  firstBytes?: Buffer;
  /** The RSA key exchange was negotiated (keyUsage needs keyEncipherment rather than digitalSignature). */
  rsaKeyExchange?: boolean;
}

/** A key Chrome never accepts in a TLS handshake (it offers only ECDSA P-256/P-384 and RSA PKCS#1/PSS-with-rsaEncryption signatures), named; else undefined. */
export function unusableKey(k: PublicKeyInfo): string | undefined {
  if (k.type === 'Ed25519' || k.type === 'Ed448' || k.type === 'DSA') return k.type;
  if (k.type === 'RSA' && k.pss) return 'RSA-PSS (id-RSASSA-PSS)';
  if (k.type === 'EC' && k.curve !== 'prime256v1' && k.curve !== 'secp384r1') return `EC ${k.curve === 'secp521r1' ? 'P-521' : (k.curve ?? 'unknown curve')}`;
  return undefined;
}

function legacyWords(l: NonNullable<ConnectionClues['legacy']>): Words {
  const old = l.protocol === 'TLSv1' ? 'TLS 1.0' : l.protocol === 'TLSv1.1' ? 'TLS 1.1' : undefined;
  if (old) return { cause: `the camera only speaks ${old}, which Chrome refuses`, fix: `Chrome refuses ${old}: update the camera's firmware and enable TLS 1.2 in its HTTPS settings` };
  const bad = l.key && unusableKey(l.key);
  if (bad) {
    return { cause: `the camera's certificate has an ${bad} key, which Chrome does not accept in a TLS handshake (it takes EC P-256/P-384 and RSA)`, fix: 'make a new EC P-256 (or RSA 2048) key on the camera and issue it a certificate for that key (lantrust ca sign --csr)' };
  }
  return { cause: `the camera offers only ${l.cipher} (${l.protocol}), a cipher suite Chrome no longer accepts`, fix: "update the camera's firmware and enable ECDHE with AES-GCM (TLS 1.2) or TLS 1.3 in its HTTPS settings" };
}

/** Words for failures before any certificate: connection and TLS errors. */
export function explainConnection(error: NetError, host: string, port: number, detail: string | undefined, clues: ConnectionClues = {}): Words {
  const head = clues.firstBytes?.subarray(0, 8).toString('latin1') ?? '';
  if (error === 'ERR_SSL_PROTOCOL_ERROR' && head.startsWith('SSH-')) {
    return { cause: `port ${port} on ${host} speaks SSH, not HTTPS (it greeted with "${clues.firstBytes!.toString('latin1').split('\r')[0]!.replace(/[^\x20-\x7e]/g, '')}")`, fix: "use the camera's HTTPS port in the URL (443 unless it was changed)" };
  }
  if (error === 'ERR_SSL_PROTOCOL_ERROR' && head.startsWith('HTTP/')) {
    return { cause: `port ${port} on ${host} speaks plain HTTP, not HTTPS`, fix: `enable HTTPS on the camera and use its HTTPS port, or use http://${host}:${port}/ if plain HTTP is meant (an https page can't embed it)` };
  }
  switch (error) {
    case 'ERR_CONNECTION_REFUSED':
      return { cause: `nothing is listening on ${host} port ${port} (connection refused)`, fix: `check that HTTPS is enabled on the camera and that ${port} is its HTTPS port` };
    case 'ERR_CONNECTION_RESET':
      return { cause: `${host} reset the connection during the handshake`, fix: 'check the camera is not limiting connections or blocking this PC (firewall, IP filter), then restart it' };
    case 'ERR_CONNECTION_CLOSED':
      return { cause: `${host} closed the connection without answering the TLS handshake`, fix: `check that port ${port} is the camera's HTTPS port and that HTTPS is enabled` };
    case 'ERR_CONNECTION_TIMED_OUT':
    case 'ERR_ADDRESS_UNREACHABLE':
      return { cause: `${host} did not answer on port ${port}`, fix: 'check the camera is powered and on the network (ping it), and that no firewall drops the port' };
    case 'ERR_TIMED_OUT':
      return { cause: `${host} accepted the connection but never finished the TLS handshake`, fix: 'restart the camera; if it persists, its web server is hung or this is not an HTTPS port' };
    case 'ERR_NAME_NOT_RESOLVED':
      return { cause: `the name ${host} does not resolve to an address`, fix: 'add a DNS record for the camera (or use --resolve HOST:PORT:ADDR to test before DNS is ready)' };
    case 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH':
      return clues.legacy ? legacyWords(clues.legacy) : { cause: `the camera and Chrome share no TLS version or cipher (${detail ?? 'handshake refused'})`, fix: "update the camera's firmware and enable TLS 1.2 or 1.3 with modern ciphers" };
    case 'ERR_SSL_KEY_USAGE_INCOMPATIBLE':
      return clues.rsaKeyExchange
        ? { cause: "the camera's certificate has a keyUsage without keyEncipherment, which Chrome requires for the RSA key exchange the camera chose", fix: 're-issue the certificate with keyUsage digitalSignature, keyEncipherment (lantrust ca issue does)' }
        : { cause: "the camera's certificate has a keyUsage without digitalSignature, which Chrome requires for ECDHE and TLS 1.3", fix: 're-issue the certificate with keyUsage digitalSignature (and keyEncipherment for RSA; lantrust ca issue does)' };
    case 'ERR_BAD_SSL_CLIENT_AUTH_CERT':
      return {
        cause: 'the camera requires a client certificate: HTTPS client authentication is on',
        fix: "switch off client certificate authentication in the camera's HTTPS settings, or install on every PC a client certificate the camera accepts (Chrome then asks which one to use)",
      };
    default:
      return { cause: `the TLS handshake with ${host} failed (${detail ?? error})`, fix: 'check that this is an HTTPS port; restart the camera; update its firmware if it persists' };
  }
}

/** Words for a leaf certificate Chrome can't read: at which stage, and why (a DER rule it breaks). */
export function explainUnreadable(error: NetError, why: string, label: string): Words {
  const fix = `re-issue the camera's certificate with a tool that writes DER (lantrust ca issue --name ${label}, or lantrust ca sign --csr for a key made on the camera) and upload it`;
  switch (error) {
    case 'ERR_SSL_PROTOCOL_ERROR':
      return { cause: `the camera's certificate is not valid DER (${why}), so Chrome's TLS code stops reading it during the handshake`, fix };
    case 'ERR_SSL_SERVER_CERT_BAD_FORMAT':
      return { cause: `the camera's certificate is not valid DER (${why}): the handshake completes, but Chrome can't read the certificate`, fix };
    default:
      return { cause: `Chrome's certificate verifier can't read the camera's certificate: ${why}`, fix };
  }
}
