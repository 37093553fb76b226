// From a URL as the user typed it to an address to connect to: curl-style --resolve, then DNS.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UserError } from '../errors.js';

export interface Target {
  url: string;
  scheme: 'https' | 'http';
  /** Host without brackets, lower-case. */
  host: string;
  port: number;
  path: string;
  isIp: boolean;
}

export function parseTarget(url: string): Target | { error: string } {
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
  } catch {
    return { error: `"${url}" is not a URL` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { error: `"${url}" is not an http(s) URL` };
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  return { url, scheme, host, port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80, path: `${u.pathname}${u.search}`, isIp: isIP(host) !== 0 };
}

/** "HOST:PORT:ADDR" (ADDR may be [v6]) → key "host:port" → address. */
export function parseResolve(entries: string[] = []): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of entries) {
    const r = /^(\[[^\]]+\]|[^:]+):(\d+):(.+)$/.exec(e.trim());
    const addr = r?.[3]?.replace(/^\[|\]$/g, '');
    if (!r || !addr || !isIP(addr)) throw new UserError(`--resolve "${e}" is not HOST:PORT:ADDR; write it like cam1.example.com:443:192.168.1.50.`);
    m.set(`${r[1]!.replace(/^\[|\]$/g, '').toLowerCase()}:${r[2]}`, addr);
  }
  return m;
}

/** Address to connect to, or undefined when the name doesn't resolve. */
export async function addressOf(t: Target, resolve: Map<string, string>, deadline: number): Promise<string | undefined> {
  const forced = resolve.get(`${t.host}:${t.port}`) ?? resolve.get(`${t.host}:*`);
  if (forced) return forced;
  if (t.isIp) return t.host;
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), Math.max(1, deadline - Date.now())).unref());
  return Promise.race([lookup(t.host).then((a) => a.address).catch(() => undefined), timeout]);
}
