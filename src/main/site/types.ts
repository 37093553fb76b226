// What the intranet page is made from: the checked profile, the files it offers and the camera checks.
import type { CertInfo } from '../cert/describe.js';
import type { Helpdesk, SystemId } from '../profile.js';
import type { CameraCheck } from './cameras.js';

export type OfferedKind = 'installer' | 'mobileconfig' | 'cer' | 'pem';

/** A file the page links to, with the SHA-256 of its bytes (lower-case hex, as sha256sum prints it). */
export interface OfferedFile {
  name: string;
  kind: OfferedKind;
  bytes: number;
  sha256: string;
  /** What it is for, in a few words. */
  purpose: string;
}

export interface PageInput {
  company: string;
  root: CertInfo;
  /** describeConstraints() of the root: "only names under ... and addresses in ...". */
  trusts: string;
  /** The root carries name constraints of its own. */
  constrained: boolean;
  /** The profile's Chrome/Edge policy constraints (shown only for a root without its own). */
  policy?: { permitDns: string[]; permitCidr: string[] };
  helpdesk?: Helpdesk;
  files: OfferedFile[];
  cameras: CameraCheck[];
  managed: SystemId[];
  /** CSP img-src sources for the camera checks. */
  imageSources: string[];
  generated: Date;
}
