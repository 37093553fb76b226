// The shapes `lantrust test` produces and the app/UI and scan-page consume. Keep them JSON-ready:
// `JSON.stringify({results})` is exactly what `lantrust test --json` prints.

/** A certificate a verdict may end at: a root from --root, a policy file, the OS store or an NSS db. */
export interface TrustAnchor {
  der: Buffer;
  /** Where it came from, in words: "ca/root.pem", "Chrome policy (CACertificatesWithConstraints)", "system store". */
  source: string;
  /**
   * Constraints Chrome adds from policy CACertificatesWithConstraints, checked against the leaf's SANs.
   * Absent for plain roots. A list that is present but empty means "no name of this type is allowed".
   */
  policyConstraints?: { permittedDnsNames?: string[]; permittedCidrs?: string[] };
}

export interface TestOptions {
  /** Trust anchors given directly (roots read from an NSS db, a profile, an installer's payload...). */
  anchors?: TrustAnchor[];
  /** Root certificate files (PEM/DER, one or many certificates each). */
  roots?: string[];
  /** A Chrome managed-policy JSON file (CACertificates, CACertificatesWithConstraints). */
  chromePolicy?: string;
  /** Also trust this machine's system store (Node's tls.rootCertificates + the OS bundle). */
  system?: boolean;
  /** curl-style "HOST:PORT:ADDR" overrides (ADDR may be [v6]). */
  resolve?: string[];
  /** Per-URL budget in ms: name lookup, handshake, AIA downloads and the first frame all within it. Default 5000. */
  timeoutMs?: number;
  /** How many cameras are probed at once. Default 32. */
  concurrency?: number;
  /** After a good verdict, fetch the first JPEG of the stream. */
  frame?: boolean;
  /** Where to save first frames (one file per URL); not saved when absent. */
  frameDir?: string;
  /** Credentials for --frame (Basic or Digest, whichever the camera asks for). */
  user?: string;
  password?: string;
  /** Keep the first frame's bytes in the result (for thumbnails in --html / the UI). */
  keepFrame?: boolean;
  /** The time "now" for validity checks (tests). */
  now?: Date;
}

/** One certificate as the server sent it (or as the path built it: the anchor). */
export interface ChainCert {
  /** Position in what the server sent, 0 = leaf; absent for an anchor the server didn't send. */
  index?: number;
  /** "leaf", "intermediate", "root" (self-issued), or "anchor" (added from the trust store). */
  role: 'leaf' | 'intermediate' | 'root' | 'anchor';
  subject: string;
  issuer: string;
  /** DNS names and IP addresses of the subjectAltName (IPs prefixed "IP "). */
  san: string[];
  notBefore: string;
  notAfter: string;
  /** "EC P-256", "RSA 2048" */
  key: string;
  signatureAlgorithm: string;
  /** SHA-256 over the DER, colon-separated upper-case hex. */
  sha256: string;
  /** This certificate is one of the trust anchors in use. */
  trusted: boolean;
  /** Not sent by the camera: Chrome downloads it from this AIA caIssuers URL. */
  fetchedFrom?: string;
  /** Sent, but Chrome can't read it (and leaves it out of the chain): why. */
  unreadable?: string;
  /** PEM of the certificate (public data; handy for "save the chain"). */
  pem: string;
}

export interface Finding {
  /** Stable id, e.g. "rsa-1024", "expires-soon", "sends-root", "validity-over-825-days". */
  id: string;
  severity: 'warning' | 'info';
  message: string;
  fix: string;
}

export interface ChromeVerdict {
  /** Chrome's own string: "net::OK", "net::ERR_CERT_AUTHORITY_INVALID", ... */
  error: string;
  /** Chrome's numeric net error code (0 for OK), e.g. -202. */
  code: number;
  /** Plain-English cause of the verdict for THIS camera. */
  cause: string;
  /** What to do about it, for THIS camera. */
  fix: string;
  /** Other faults that Chrome would report once the first is fixed (most important first). */
  alsoWrong?: { error: string; cause: string }[];
  /**
   * What kind of trouble, the same for every camera that has it (a fault id like "missing-intermediate",
   * "name-mismatch", or the error itself for connection failures): what --html and the summary group by.
   */
  reason: string;
}

export interface TlsInfo {
  /** "TLSv1.3", "TLSv1.2", "TLSv1" ... as negotiated (absent when no handshake). */
  protocol?: string;
  /** OpenSSL name of the cipher, e.g. "TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256". */
  cipher?: string;
  /** Key exchange family: "ECDHE", "DHE", "RSA" (TLS 1.2 and below) or "TLS1.3". */
  kx?: string;
  /** Server name sent in SNI (absent for IP hosts). */
  sni?: string;
  /** Address actually connected to (after --resolve / DNS). */
  address?: string;
  port: number;
  /** Only a legacy handshake (TLS 1.0/1.1 or weak ciphers) succeeded; what it found. */
  legacyOnly?: { protocol: string; cipher: string };
  /** Milliseconds to TCP connect and to handshake end. */
  connectMs?: number;
  handshakeMs?: number;
  /**
   * The camera asked for a client certificate (HTTPS client authentication): "required" when it refuses
   * a browser without one, "optional" when it answers anyway.
   */
  clientAuth?: 'required' | 'optional';
}

/** One AIA caIssuers download Chrome makes for this camera's chain. */
export interface AiaInfo {
  url: string;
  /** Subject of the certificate whose issuer was downloaded. */
  for: string;
  /** Certificates the URL delivered. */
  certs: number;
  /** Why it gave nothing usable. */
  error?: string;
}

export interface StreamInfo {
  /** Was the stream fetched (--frame after a good verdict)? */
  fetched: boolean;
  status?: number;
  contentType?: string;
  /** "mjpeg" (multipart/x-mixed-replace) or "jpeg" (single image) or "other". */
  kind?: 'mjpeg' | 'jpeg' | 'other';
  boundary?: string;
  /** Which auth the camera asked for and whether it was used. */
  auth?: 'none' | 'basic' | 'digest';
  frameBytes?: number;
  /** Ms from sending the request to the end of the first JPEG. */
  firstFrameMs?: number;
  /** Where the frame was saved (--frame-dir). */
  savedTo?: string;
  /** First frame as base64 (only with keepFrame), for thumbnails. */
  frameBase64?: string;
  /** Why no frame came (401 without credentials, not a JPEG, timeout...). */
  error?: string;
}

export interface TestResult {
  /** The URL exactly as given. */
  url: string;
  /** Host and port probed (after parsing the URL). */
  host: string;
  port: number;
  chrome: ChromeVerdict;
  tls: TlsInfo;
  /**
   * The certificates as presented (leaf first, in the order sent), then those Chrome downloads (AIA) and
   * the anchor that closes the path when it wasn't sent.
   */
  chain: ChainCert[];
  /** AIA caIssuers downloads Chrome would make (absent when none). */
  aia?: AiaInfo[];
  findings: Finding[];
  stream: StreamInfo;
  /** Total ms spent on this URL. */
  ms: number;
}
