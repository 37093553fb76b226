// DNS names under RFC 5280 name-constraint rules (as Chrome/BoringSSL and NSS apply them).
import { UserError } from '../errors.js';

/**
 * Does `name` (a SAN dNSName, possibly a wildcard) fall within the constraint `base`?
 * "" matches every name; ".example.com" matches only names below it; "example.com" matches
 * itself and every name below it.
 */
export function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

/**
 * Does an excluded subtree `base` rule out `name`? As `dnsWithin`, and a wildcard is also ruled out when
 * one of the names it stands for is excluded: "*.cams.example.com" under an exclusion of
 * "secret.cams.example.com" (BoringSSL's WILDCARD_PARTIAL_MATCH, which Chrome applies to exclusions only;
 * measured on Chromium 156: ERR_CERT_INVALID).
 */
export function dnsExcludedBy(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (n.startsWith('*.') && n.length > 2) {
    const dot = b.indexOf('.');
    if (dot >= 0 && b.slice(dot + 1) === n.slice(2)) return true;
  }
  return dnsWithin(n, b);
}

/** Is the whole subtree `inner` contained in `outer`? */
export function dnsSubtreeWithin(inner: string, outer: string): boolean {
  const i = inner.toLowerCase().replace(/^\./, '');
  if (outer === '') return true;
  if (outer.startsWith('.')) return i.endsWith(outer.toLowerCase()) || false;
  return dnsWithin(i, outer);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Validates a domain given as a constraint (--permit-dns); returns it lower-cased. */
export function parseDnsConstraint(text: string): string {
  const s = text.trim().toLowerCase().replace(/\.$/, '');
  const body = s.startsWith('.') ? s.slice(1) : s;
  if (!body || body.includes('*') || !body.split('.').every((l) => LABEL.test(l))) {
    throw new UserError(`"${text}" is not a domain name; write it like cams.example.com (no wildcard, no scheme).`);
  }
  return s;
}

/** Validates a host name for a certificate SAN (wildcards allowed as the whole first label). */
export function parseDnsName(text: string): string {
  const s = text.trim().toLowerCase().replace(/\.$/, '');
  const labels = s.split('.');
  const ok = labels.length >= 1 && labels.every((l, i) => (i === 0 && l === '*' && labels.length > 2) || LABEL.test(l));
  if (!s || !ok) throw new UserError(`"${text}" is not a valid DNS name; write it like cam1.cams.example.com.`);
  return s;
}
