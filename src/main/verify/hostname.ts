// Does a certificate's SAN cover the host in the URL? Chrome's rules (X509Certificate::VerifyHostname):
// SAN only (the subject CN is ignored), IP hosts match only iPAddress entries, a wildcard is a whole
// leftmost label, never matches an IP, and never covers a registry ("*.com", and "*.lan" under an
// unknown top-level domain, which Chrome treats as a registry).
import { ipToBytes } from '../constraints/cidr.js';

// Multi-label public suffixes commonly met on company networks; one-label ones are all refused anyway.
const MULTI_LABEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'co.jp', 'com.br', 'com.cn', 'co.za', 'com.mx', 'co.in', 'com.tr', 'com.sg', 'home.arpa', 'in-addr.arpa']);

export interface SanNames {
  dns: string[];
  ip: string[];
}

export type HostMatch = { ok: true; by: string } | { ok: false; why: 'no-san' | 'ip-not-listed' | 'name-not-listed' | 'wildcard-too-broad' };

function canonicalHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

export function matchHost(host: string, san: SanNames | undefined): HostMatch {
  if (!san || (san.dns.length === 0 && san.ip.length === 0)) return { ok: false, why: 'no-san' };
  const h = canonicalHost(host);
  const ip = ipToBytes(h);
  if (ip) {
    for (const s of san.ip) if (ipToBytes(s)?.equals(ip)) return { ok: true, by: `IP ${s}` };
    return { ok: false, why: 'ip-not-listed' };
  }
  let tooBroad = false;
  for (const raw of san.dns) {
    const d = raw.toLowerCase().replace(/\.$/, '');
    if (d === h) return { ok: true, by: raw };
    if (d.startsWith('*.')) {
      const rest = d.slice(2);
      const hostRest = h.slice(h.indexOf('.') + 1);
      if (!h.includes('.') || hostRest !== rest) continue;
      if (!rest.includes('.') || MULTI_LABEL_SUFFIXES.has(rest)) {
        tooBroad = true;
        continue;
      }
      if (h.split('.')[0] === '') continue;
      return { ok: true, by: raw };
    }
  }
  return { ok: false, why: tooBroad ? 'wildcard-too-broad' : 'name-not-listed' };
}
