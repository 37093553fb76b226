// What a helpdesk reads first: the cameras that fail, grouped by what is wrong with them (one fix per
// group, the biggest group first), then the ones that work. Shared by the terminal summary and --html.
import type { TestResult } from './types.js';

export interface FailureGroup {
  /** The verdict shared by the group: "net::ERR_TIMED_OUT". */
  error: string;
  /** The kind of trouble (ChromeVerdict.reason). */
  reason: string;
  /** What is wrong, for every camera in the group: "the handshake never finished". */
  title: string;
  /** What to do about all of them. */
  fix: string;
  results: TestResult[];
}

// Words for a whole group; a camera's own cause and fix (with its names and labels) stay in its row.
const GROUP_WORDS: Record<string, { title: string; fix: string }> = {
  'untrusted-self-signed': { title: 'the camera shows its factory self-signed certificate', fix: 'put a company certificate on each camera: lantrust deploy --dir ca --from devices.csv --trust-current-cert (Axis), or lantrust ca issue --from devices.csv and upload them' },
  'untrusted-root': { title: 'the certificate chains to a root this PC does not trust', fix: 'run the company root installer on the PCs, or re-issue these cameras from the company CA' },
  'root-not-installed': { title: "this PC doesn't trust the company root", fix: 'run the company root installer on this PC (or test with --root root.pem to see the verdicts once it is trusted)' },
  'missing-intermediate': { title: "the certificate's issuer is neither sent by the camera nor trusted, and Chrome can't download it", fix: 'upload LABEL.chain.pem (certificate plus intermediate) to each camera, or re-issue it from the company CA' },
  'bad-signature': { title: 'the certificate was not signed by the CA above it (a re-made CA?)', fix: 're-issue the certificates from the current company CA and upload them' },
  'issuer-name': { title: 'the intermediate above the certificate is not its issuer', fix: 'upload the right chain (LABEL.chain.pem) to each camera' },
  'name-mismatch': { title: "the certificate doesn't name the address the camera is opened by", fix: 're-issue each certificate with the name or IP used in the URL, or open the cameras by a name they have' },
  expired: { title: 'a certificate in the chain has expired', fix: 'renew: lantrust deploy --dir ca --from devices.csv (Axis; run it weekly), or lantrust ca issue --from devices.csv and upload the new chains' },
  'not-yet-valid': { title: 'a certificate is not valid yet (wrong clock?)', fix: "set the cameras' and the PCs' clocks (NTP)" },
  'name-constraints': { title: "the certificate names something outside the root's name constraints", fix: "give the cameras names/addresses inside the root's constraints and re-issue their certificates" },
  'policy-constraints': { title: "the certificate names something outside the Chrome policy's constraints", fix: 'add the names to permitted_dns_names/permitted_cidrs in the policy, or rename the cameras' },
  'not-a-ca': { title: 'a certificate in the chain that signs others is not a CA', fix: 'issue the cameras from a proper CA (lantrust ca) and upload LABEL.chain.pem' },
  'path-length': { title: "the chain is longer than the root's pathLen allows", fix: 'issue the cameras directly from the root, or from an intermediate it allows' },
  'no-keycertsign': { title: 'a CA in the chain may not sign certificates (keyUsage without keyCertSign)', fix: 're-make that CA with keyUsage keyCertSign, cRLSign' },
  eku: { title: 'a certificate in the chain is not for web servers (extended key usage)', fix: 're-issue with extendedKeyUsage serverAuth (lantrust ca issue does)' },
  'unknown-critical-extension': { title: "a certificate has a critical extension Chrome doesn't understand", fix: 're-issue it without the extension, or mark it non-critical' },
  sha1: { title: 'a certificate is signed with SHA-1, which Chrome refuses', fix: 're-issue with SHA-256 (lantrust ca issue) and upload' },
  'weak-key': { title: 'a key in the chain is too weak for Chrome', fix: 'make new keys on the cameras (EC P-256 or RSA 2048+) and re-issue' },
  'key-usage': { title: "the certificate's keyUsage doesn't allow the key exchange Chrome uses", fix: 're-issue with keyUsage digitalSignature (+keyEncipherment for RSA); lantrust ca issue does' },
  'not-der': { title: 'the certificate is not valid DER, and Chrome will not read it', fix: 're-issue the certificates with lantrust ca issue (or ca sign for keys made on the camera) and upload them' },
  'client-auth': { title: 'the camera requires a client certificate: HTTPS client authentication is on', fix: "switch off client certificate authentication in the cameras' HTTPS settings" },
  'speaks-ssh': { title: 'the port speaks SSH, not HTTPS', fix: "use the cameras' HTTPS port in the URLs" },
  'speaks-http': { title: 'the port speaks plain HTTP, not HTTPS', fix: "enable HTTPS on the cameras and use their HTTPS port" },
  'old-tls': { title: 'the camera only speaks TLS 1.0/1.1, which Chrome refuses', fix: "update the cameras' firmware and enable TLS 1.2" },
  'old-cipher': { title: 'the camera offers only cipher suites Chrome no longer accepts', fix: "update the cameras' firmware and enable ECDHE with AES-GCM or TLS 1.3" },
  'unusable-key': { title: "the camera's key type is one Chrome does not accept in TLS", fix: 'make new EC P-256 (or RSA 2048) keys on the cameras and issue certificates for them' },
  'no-certificate': { title: 'the camera sends no certificate', fix: 'configure an HTTPS certificate on the cameras' },
  ERR_TIMED_OUT: { title: 'the handshake never finished', fix: 'restart the cameras; if it persists their web server is hung or the port is not HTTPS' },
  ERR_CONNECTION_TIMED_OUT: { title: 'the camera did not answer', fix: 'check that the cameras are powered and on the network (ping), and that no firewall drops the port' },
  ERR_ADDRESS_UNREACHABLE: { title: 'the camera did not answer', fix: 'check that the cameras are powered and on the network (ping), and that no firewall drops the port' },
  ERR_CONNECTION_REFUSED: { title: 'nothing listens on the port', fix: 'enable HTTPS on the cameras and check the port in the URLs' },
  ERR_CONNECTION_RESET: { title: 'the camera reset the connection during the handshake', fix: 'check for IP filters or connection limits on the cameras, then restart them' },
  ERR_CONNECTION_CLOSED: { title: 'the camera closed the connection without answering the handshake', fix: "check that the port is the cameras' HTTPS port and that HTTPS is on" },
  ERR_NAME_NOT_RESOLVED: { title: 'the name does not resolve', fix: 'add DNS records for the cameras' },
  ERR_SSL_PROTOCOL_ERROR: { title: 'the handshake failed (not TLS, or a broken TLS stack)', fix: 'check that the port is HTTPS; update the firmware' },
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: { title: 'the camera and Chrome share no TLS version or cipher', fix: "update the cameras' firmware and enable TLS 1.2 or 1.3" },
  ERR_INVALID_URL: { title: 'the URL is not valid', fix: 'write URLs like https://192.168.1.50/' },
};

/** Failures grouped by (verdict, reason), biggest group first; then the cameras that load, in input order. */
export function groupResults(results: TestResult[]): { failures: FailureGroup[]; ok: TestResult[] } {
  const groups = new Map<string, FailureGroup>();
  const ok: TestResult[] = [];
  for (const r of results) {
    if (r.chrome.error === 'net::OK') {
      ok.push(r);
      continue;
    }
    const key = `${r.chrome.error}|${r.chrome.reason}`;
    let g = groups.get(key);
    if (!g) {
      const w = GROUP_WORDS[r.chrome.reason] ?? { title: r.chrome.cause, fix: r.chrome.fix };
      g = { error: r.chrome.error, reason: r.chrome.reason, title: w.title, fix: w.fix, results: [] };
      groups.set(key, g);
    }
    g.results.push(r);
  }
  // stable: equal sizes keep the order of first appearance
  const failures = [...groups.values()].sort((a, b) => b.results.length - a.results.length);
  return { failures, ok };
}

/** "3 cameras" / "1 camera" */
export function cameras(n: number): string {
  return `${n} camera${n === 1 ? '' : 's'}`;
}
