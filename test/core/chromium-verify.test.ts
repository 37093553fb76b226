// The Electron app's Chromium-verified camera checks, with a stand-in for Electron's Session (its binary
// can't run here; the real one runs in test/windows/electron-app.test.ts). The stand-in does what
// Electron documents: the verify proc is called for each verification the network service hasn't
// cached, its answer is cached per session ("The result of this procedure is cached by the network
// service"), and a refused certificate makes fetch reject with the net:: error.
import { describe, expect, it } from 'vitest';
import { chromiumVerifier, type VerifySession } from '../../src/main/chromium-verify.js';

type Proc = Parameters<VerifySession['setCertificateVerifyProc']>[0];

/** What Chromium would decide for each host right now (changes when the root is installed). */
const world = new Map<string, string>();
/** Extra milliseconds a host takes to answer. */
const slowness = new Map<string, number>();

class FakeSession implements VerifySession {
  proc: Proc = null;
  cache = new Map<string, string>();
  released = false;
  running = new Map<string, number>();
  maxSameHost = 0;
  opened = 0;
  constructor(readonly partition: string) {}
  setCertificateVerifyProc(p: Proc): void {
    this.proc = p;
    if (p === null) this.released = true;
  }
  async fetch(url: string): Promise<{ status: number; body: { cancel(): Promise<void> } | null }> {
    const host = new URL(url).hostname;
    this.running.set(host, (this.running.get(host) ?? 0) + 1);
    this.maxSameHost = Math.max(this.maxSameHost, this.running.get(host)!);
    try {
      await new Promise((r) => setTimeout(r, 5));
      let verdict = this.cache.get(host);
      if (verdict === undefined) {
        verdict = world.get(host) ?? 'net::ERR_NAME_NOT_RESOLVED';
        this.proc?.({ hostname: host, verificationResult: verdict }, () => undefined);
        this.cache.set(host, verdict);
      }
      await new Promise((r) => setTimeout(r, 5 + (slowness.get(host) ?? 0)));
      if (verdict !== 'net::OK') throw new Error(`${verdict} (fetching ${url})`);
      this.opened++;
      return { status: 200, body: { cancel: async () => undefined } };
    } finally {
      this.running.set(host, this.running.get(host)! - 1);
    }
  }
  async closeAllConnections(): Promise<void> {}
  async clearHostResolverCache(): Promise<void> {}
}

function setup() {
  const sessions: FakeSession[] = [];
  const verify = chromiumVerifier((partition) => {
    const s = new FakeSession(partition);
    sessions.push(s);
    return s;
  });
  return { sessions, verify };
}

describe('Chromium-verified camera checks (Electron app)', () => {
  it('one session serves every check while trust is unchanged; each check gets its own host’s verdict', async () => {
    world.clear();
    for (let i = 1; i <= 30; i++) world.set(`192.168.1.${i}`, i % 3 === 0 ? 'net::ERR_CERT_AUTHORITY_INVALID' : 'net::OK');
    const { sessions, verify } = setup();
    for (let round = 0; round < 3; round++) {
      const urls = [...world.keys()].map((h) => `https://${h}/axis-cgi/mjpg/video.cgi`);
      const got = await Promise.all(urls.map((u) => verify(u, 'nss ~/.pki/nssdb')));
      expect(got.map((g) => g.error)).toEqual([...world.values()]);
    }
    expect(sessions.map((s) => s.partition)).toEqual(['lantrust-verify-1']);
    expect(sessions[0]!.released).toBe(false);
  });

  it('checks of one host run one at a time (the proc names only the host)', async () => {
    world.clear();
    world.set('127.0.0.1', 'net::ERR_CERT_AUTHORITY_INVALID');
    const { sessions, verify } = setup();
    const got = await Promise.all([1, 2, 3, 4].map((p) => verify(`https://127.0.0.1:${8440 + p}/`, '')));
    expect(got.every((g) => g.error === 'net::ERR_CERT_AUTHORITY_INVALID')).toBe(true);
    expect(sessions[0]!.maxSameHost).toBe(1);
  });

  it('when trust changes (the root was installed), the next check gets a fresh session: no cached verdict from before', async () => {
    world.clear();
    world.set('cam1.cams.acme.example', 'net::ERR_CERT_AUTHORITY_INVALID');
    const { sessions, verify } = setup();
    const url = 'https://cam1.cams.acme.example/';
    expect((await verify(url, '')).error).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    world.set('cam1.cams.acme.example', 'net::OK'); // installed into Windows' store
    // The same session would still answer from its cache (what Electron documents)...
    expect((await verify(url, '')).error).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    // ...so the verdict is asked in the session for the new trust state.
    expect(await verify(url, 'windows-user Cert:\\CurrentUser\\Root')).toEqual({ error: 'net::OK', detail: 'HTTP 200' });
    expect(sessions.map((s) => [s.partition, s.released])).toEqual([
      ['lantrust-verify-1', true],
      ['lantrust-verify-2', false],
    ]);
    world.set('cam1.cams.acme.example', 'net::ERR_CERT_AUTHORITY_INVALID'); // uninstalled
    expect((await verify(url, '')).error).toBe('net::ERR_CERT_AUTHORITY_INVALID');
    expect(sessions).toHaveLength(3);
  });

  it('a session being retired is released only after its running checks end', async () => {
    world.clear();
    world.set('192.168.1.50', 'net::OK');
    world.set('192.168.1.51', 'net::OK');
    const { sessions, verify } = setup();
    slowness.set('192.168.1.50', 300);
    const slow = verify('https://192.168.1.50/', 'a');
    const other = verify('https://192.168.1.51/', 'b'); // trust changed while the first still runs
    expect((await other).error).toBe('net::OK');
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.released).toBe(false);
    expect((await slow).error).toBe('net::OK');
    expect(sessions[0]!.released).toBe(true);
    expect(sessions[1]!.released).toBe(false);
  });
});
