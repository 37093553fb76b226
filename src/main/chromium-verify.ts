// Chromium's own verdict for a camera URL in the Electron app: a fetch through an in-memory session
// whose certificate verify proc reports what Chromium decided. Electron caches verify results in the
// network service (docs: setCertificateVerifyProc) and has no call that clears them (electron#41448),
// and a session, once made, lives until the app quits. So one session serves every check for as long
// as this computer's trust in the company root stays the same (`trust`: the stores that hold it); when
// that changes (an install, an uninstall, IT's policy arriving), the next check gets a fresh session and
// the old one is released (proc removed, connections closed). Sessions made = 1 + trust changes seen.
// Checks of one host name run one at a time, so the proc's answer (which names only the host) is theirs.
// No electron import: electron.ts passes session.fromPartition.
import { errorMessage } from './errors.js';

/** The part of Electron's Session used here. */
export interface VerifySession {
  setCertificateVerifyProc(proc: ((request: { hostname: string; verificationResult: string }, callback: (verificationResult: number) => void) => void) | null): void;
  fetch(url: string, init: { signal: AbortSignal; cache: 'no-store' }): Promise<{ status: number; body: { cancel(): Promise<void> } | null }>;
  closeAllConnections(): Promise<void>;
  clearHostResolverCache(): Promise<void>;
}

export interface ChromiumVerdict {
  error: string;
  detail?: string;
}

interface Epoch {
  trust: string;
  ses: VerifySession;
  /** Verdicts by host name for the checks now running in this session. */
  verdicts: Map<string, string | undefined>;
  running: number;
  retired: boolean;
}

const hostOf = (s: string) => s.replace(/^\[|\]$/g, '').toLowerCase();
const NET_ERROR = /net::ERR_[A-Z0-9_]+/;

/** `open(partition)` makes an in-memory session (session.fromPartition). Returns verify(url, trust). */
export function chromiumVerifier(open: (partition: string) => VerifySession, timeoutMs = 8000): (url: string, trust: string) => Promise<ChromiumVerdict> {
  let made = 0;
  let current: Epoch | undefined;
  const lanes = new Map<string, Promise<unknown>>();

  const release = (e: Epoch) => {
    e.ses.setCertificateVerifyProc(null);
    void e.ses.closeAllConnections().catch(() => undefined);
  };

  const epochFor = (trust: string): Epoch => {
    if (current && current.trust === trust) return current;
    const old = current;
    const e: Epoch = { trust, ses: open(`lantrust-verify-${++made}`), verdicts: new Map(), running: 0, retired: false };
    e.ses.setCertificateVerifyProc((req, callback) => {
      const host = hostOf(req.hostname);
      if (e.verdicts.has(host)) e.verdicts.set(host, req.verificationResult);
      callback(-3); // -3: keep Chromium's own result
    });
    current = e;
    if (old) {
      old.retired = true;
      if (old.running === 0) release(old);
    }
    return e;
  };

  async function check(url: string, trust: string): Promise<ChromiumVerdict> {
    const e = epochFor(trust);
    const host = hostOf(new URL(url).hostname);
    e.running++;
    e.verdicts.set(host, undefined);
    try {
      await e.ses.clearHostResolverCache();
      const res = await e.ses.fetch(url, { signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
      await res.body?.cancel().catch(() => undefined); // MJPEG never ends
      const verdict = e.verdicts.get(host);
      return { error: verdict && verdict !== 'net::OK' ? verdict : 'net::OK', detail: `HTTP ${res.status}` };
    } catch (err) {
      const verdict = e.verdicts.get(host);
      const message = errorMessage(err);
      return { error: verdict && verdict !== 'net::OK' ? verdict : (NET_ERROR.exec(message)?.[0] ?? 'unknown'), detail: message };
    } finally {
      e.verdicts.delete(host);
      e.running--;
      if (e.retired && e.running === 0) release(e);
    }
  }

  return (url, trust) => {
    const host = hostOf(new URL(url).hostname);
    const run = (lanes.get(host) ?? Promise.resolve()).then(() => check(url, trust));
    const lane = run.catch(() => undefined);
    lanes.set(host, lane);
    void lane.then(() => {
      if (lanes.get(host) === lane) lanes.delete(host);
    });
    return run;
  };
}
