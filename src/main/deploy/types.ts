// The shapes `lantrust deploy` works with and reports. JSON-ready: {results} is what --json prints.
import type { CheckedDevice } from '../ca/index.js';

/** One camera to deploy to, its names already checked against the CA. */
export interface DeployTarget {
  device: CheckedDevice;
  /** Where to connect (the address column, else the first IP, else the first DNS name). */
  address: string;
  /** The host written in the URL and sent as SNI/Host (the first IP or name, or the URL's host). */
  host: string;
  port: number;
  /** https://HOST:PORT/ as reported. */
  url: string;
  user?: string;
  password?: string;
  /** A stream or image path to fetch one frame from after the switch (default: Axis's single-JPEG path). */
  streamPath?: string;
  /** Line in devices.csv, when it came from one. */
  line?: number;
}

export type DeployAction = 'deployed' | 'renewed' | 'up-to-date' | 'refused' | 'failed' | 'skipped';

export interface CertSummary {
  sha256: string;
  notAfter: string;
  issuer: string;
}

export interface DeployResult {
  label: string;
  url: string;
  line?: number;
  action: DeployAction;
  /** With --dry-run: what a real run would do ("deploy", "renew", "up-to-date"). */
  plan?: 'deploy' | 'renew' | 'up-to-date';
  /** Why that plan (expires in N days, not from the company CA, ...). */
  reason?: string;
  /** The protocol the camera was reached with: "axis-rest-v1", "axis-rest-v1beta", "axis-soap". */
  api?: string;
  /** The certificate served when lantrust arrived, and when it left. */
  before?: CertSummary;
  after?: CertSummary;
  /** Chrome's verdict with the company root trusted ("net::OK", "net::ERR_..."), for the certificate served at the end. */
  verdict?: string;
  cause?: string;
  fix?: string;
  /** One sentence: what went wrong and what to do (refused and failed cameras). */
  error?: string;
  /** A failed switch was undone: the previous certificate is served again. */
  rolledBack?: boolean;
  /** The alias lantrust created and left bound (deployed/renewed). */
  alias?: string;
  /** Older aliases lantrust had created there and removed after this success. */
  removed?: string[];
  /** First frame fetched after the switch. */
  frame?: { bytes: number; ms: number } | { error: string };
  ms: number;
}

export interface DeploySummary {
  total: number;
  deployed: number;
  renewed: number;
  upToDate: number;
  refused: number;
  failed: number;
  skipped: number;
  ms: number;
}
