// Non-blocking warnings about a camera's TLS set-up, each with the fix for this camera.
import type { ParsedCert } from '../cert/describe.js';
import type { Finding } from './types.js';

const DAY = 86_400_000;

export function findingsFor(sent: ParsedCert[], label: string, tls: { protocol?: string }, now: Date, anchorsGiven: boolean): Finding[] {
  const out: Finding[] = [];
  const leaf = sent[0];
  if (!leaf) return out;
  const k = leaf.info.publicKey;
  if (k.type === 'RSA' && (k.bits ?? 0) >= 1024 && (k.bits ?? 0) < 2048) {
    out.push({ id: 'rsa-weak', severity: 'warning', message: `the camera's key is RSA ${k.bits}: Chrome still accepts it, but it is weak and other clients refuse it`, fix: `make a new EC P-256 key on the camera and re-issue ${label}'s certificate` });
  }
  const left = new Date(leaf.info.notAfter).getTime() - now.getTime();
  if (left > 0 && left < 30 * DAY) {
    out.push({ id: 'expires-soon', severity: 'warning', message: `the camera's certificate expires in ${Math.ceil(left / DAY)} day(s), on ${leaf.info.notAfter.slice(0, 10)}`, fix: `renew it now: lantrust ca issue --dir ca --name ${label} with the same names, and upload the new ${label}.chain.pem` });
  }
  const lifetime = (new Date(leaf.info.notAfter).getTime() - new Date(leaf.info.notBefore).getTime()) / DAY;
  if (lifetime > 825) {
    out.push({ id: 'validity-over-825-days', severity: 'warning', message: `the camera's certificate is valid for ${Math.round(lifetime)} days; iPhones, iPads and Macs refuse server certificates valid for more than 825 days`, fix: `re-issue ${label}'s certificate for at most 825 days (lantrust ca issue uses 397)` });
  }
  const roots = sent.slice(1).filter((c) => c.info.selfIssued);
  if (roots.length) {
    out.push({ id: 'sends-root', severity: 'info', message: `the camera also sends the root "${roots[0]!.info.commonName ?? roots[0]!.info.subject}"; browsers ignore it (trust comes from the PC's store)`, fix: `harmless; upload ${label}.chain.pem without the root to save a few hundred bytes per connection` });
  }
  if (leaf.info.selfIssued && sent.length === 1 && anchorsGiven) {
    // covered by the verdict; no extra finding
  }
  if (!leaf.info.subjectAltName && leaf.info.commonName) {
    out.push({ id: 'cn-only', severity: 'info', message: `the certificate names the camera only in its common name (${leaf.info.commonName}); Chrome ignores it`, fix: `re-issue ${label}'s certificate with a subjectAltName` });
  }
  if (tls.protocol === 'TLSv1.2') {
    out.push({ id: 'tls12-only', severity: 'info', message: 'the camera speaks TLS 1.2 but not 1.3', fix: "fine for now; enable TLS 1.3 when the camera's firmware offers it" });
  }
  return out;
}
