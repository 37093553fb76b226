// Chrome's rules for a page's subresources: mixed content (block / auto-upgrade / local-network
// exemption) and Local Network Access. Observed on Chromium 156 (test/scan/chromium.test.ts):
// - on an https page, http://<public IP> images are blocked: IP hosts are never auto-upgraded;
// - http://<private IP>, http://NAME.local, http://localhost, http://127.x are not upgraded either
//   ("a local network request") but are NOT blocked: they load over plain http, subject to LNA;
// - http://hostname images/audio/video (and CSS images) are upgraded to https (port 80 -> 443,
//   others kept) with no fallback; http frames/objects to names or public IPs are blocked.
// - Local Network Access (Chrome 142+): a page from a public address loading a private or loopback
//   address (or a private page loading loopback) needs the user's permission or the
//   LocalNetworkAccessAllowedForUrls policy.
import { isIP } from 'node:net';
import { ipToBytes, ipInCidr, parseCidr } from '../constraints/cidr.js';
import type { Category } from './sources.js';

/** Chrome's IP address spaces, most private first. */
export type AddressSpace = 'loopback' | 'local' | 'public';

const LOOPBACK = ['127.0.0.0/8', '::1/128'].map(parseCidr);
// Chromium's private ranges (services/network/public/cpp/ip_address_space_util.cc).
const LOCAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10'].map(parseCidr);

/** The address space of an IP address (IPv4-mapped IPv6 is judged as its IPv4 address). */
export function addressSpaceOf(ip: string): AddressSpace {
  let b = ipToBytes(ip);
  if (!b) return 'public';
  if (b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) b = b.subarray(12);
  if (b.length === 4 && b.every((x) => x === 0)) return 'loopback'; // 0.0.0.0 reaches this machine
  if (LOOPBACK.some((c) => c.addr.length === b!.length && ipInCidr(b!, c))) return 'loopback';
  if (LOCAL.some((c) => c.addr.length === b!.length && ipInCidr(b!, c))) return 'local';
  return 'public';
}

const RANK: Record<AddressSpace, number> = { public: 0, local: 1, loopback: 2 };

/** True when a page in `page` space needs a Local Network Access permission to reach `target`. */
export function needsLocalNetworkAccess(page: AddressSpace, target: AddressSpace): boolean {
  return RANK[target] > RANK[page];
}

/** Host of a URL without IPv6 brackets, lower case. */
export function bareHost(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** What a host name alone says about its address space (IP literals, localhost, .local). */
export function hostSpace(host: string): AddressSpace | undefined {
  if (isIP(host)) return addressSpaceOf(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return undefined;
}

/** A host Chrome calls "a local network request" from the URL alone (so it isn't upgraded). */
function isLocalNetworkHost(host: string): boolean {
  if (isIP(host)) return addressSpaceOf(host) !== 'public';
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local');
}

/** Chrome's treatment of one source before any network traffic. */
export type Treatment =
  /** Requested as written (https, or http on an http page). */
  | { kind: 'as-is'; request: string }
  /** http on an https page, not upgraded, allowed: loopback / private IP / .local (no padlock for the page). */
  | { kind: 'http-local'; request: string }
  /** Rewritten to https by Chrome (auto-upgrade, or the page's upgrade-insecure-requests). */
  | { kind: 'upgraded'; request: string; why: 'autoupgrade' | 'upgrade-insecure-requests' }
  /** Never requested: mixed content. */
  | { kind: 'blocked-mixed'; reason: string }
  /** Not an http(s) URL Chrome would fetch for this element. */
  | { kind: 'unsupported'; reason: string };

/** https form of an http URL as Chrome builds it when upgrading: scheme https, port 80 becomes 443. */
export function httpsForm(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:') return u.href;
  const port = u.port;
  u.protocol = 'https:';
  if (port && port !== '80') u.port = port;
  return u.href;
}

export function treat(pageUrl: string, sourceUrl: string, category: Category, upgradeInsecure: boolean): Treatment {
  const page = new URL(pageUrl);
  const src = new URL(sourceUrl);
  if (src.protocol !== 'http:' && src.protocol !== 'https:') return { kind: 'unsupported', reason: `${src.protocol} URLs are not checked` };
  if (page.protocol !== 'https:' || src.protocol === 'https:') return { kind: 'as-is', request: src.href };
  if (upgradeInsecure) return { kind: 'upgraded', request: httpsForm(src.href), why: 'upgrade-insecure-requests' };
  const host = bareHost(src);
  const ip = isIP(host) !== 0;
  if (isLocalNetworkHost(host)) return { kind: 'http-local', request: src.href };
  if (ip) return { kind: 'blocked-mixed', reason: `Chrome blocks http:// from an https page, and never upgrades an IP address like ${host} to https` };
  if (category === 'image' || category === 'media') return { kind: 'upgraded', request: httpsForm(src.href), why: 'autoupgrade' };
  return { kind: 'blocked-mixed', reason: `Chrome blocks an http:// ${category === 'frame' ? 'frame' : 'object'} on an https page (only images, audio and video are upgraded)` };
}
