// Which picture the intranet page loads to ask "does this browser trust the camera?", and the
// Content-Security-Policy image sources that allow exactly those pictures.
import type { Camera } from '../profile.js';

export interface CameraCheck {
  name: string;
  /** The camera's address as the profile gives it. */
  url: string;
  /** The picture the page loads (https only: over http there is no certificate to judge). */
  still?: string;
  /** Where `still` came from: the profile's stillUrl, or the Axis single-picture path next to its stream. */
  stillFrom?: 'profile' | 'axis-stream';
  /** Why this camera has no check on the page, in words for the employee. */
  skipped?: string;
}

// Axis VAPIX: the MJPEG stream lives at /axis-cgi/mjpg/video.cgi (alias /mjpg/video.mjpg) and one
// JPEG at /axis-cgi/jpg/image.cgi on the same server; `camera` picks the view on multi-sensor devices.
const AXIS_STREAMS = new Set(['/axis-cgi/mjpg/video.cgi', '/mjpg/video.mjpg']);
const AXIS_STILL = '/axis-cgi/jpg/image.cgi';

/** The still picture for one camera: the profile's stillUrl, else Axis's image.cgi beside an Axis stream URL. */
export function cameraCheck(cam: Camera): CameraCheck {
  const base = { name: cam.name, url: cam.url };
  let still: URL;
  let stillFrom: CameraCheck['stillFrom'];
  if (cam.stillUrl) {
    still = new URL(cam.stillUrl);
    stillFrom = 'profile';
  } else {
    const u = new URL(cam.url);
    if (!AXIS_STREAMS.has(u.pathname)) {
      return { ...base, skipped: 'no picture address for this camera in the company profile, so this page cannot check it' };
    }
    still = new URL(AXIS_STILL, u.origin);
    const view = u.searchParams.get('camera');
    if (view) still.searchParams.set('camera', view);
    stillFrom = 'axis-stream';
  }
  if (still.protocol !== 'https:') {
    return { ...base, skipped: 'this camera is reached over plain http, so there is no certificate to check' };
  }
  return { ...base, still: still.href, stillFrom };
}

/**
 * CSP img-src sources for the checks: each camera's exact origin. CSP's host grammar has no IPv6
 * literals, so a camera at an IPv6 address needs the scheme source `https:` (said in `warnings`).
 */
export function imageSources(checks: CameraCheck[]): { sources: string[]; warnings: string[] } {
  const sources = new Set<string>();
  const warnings: string[] = [];
  for (const c of checks) {
    if (!c.still) continue;
    const u = new URL(c.still);
    if (u.hostname.startsWith('[')) {
      sources.add('https:');
      warnings.push(`camera "${c.name}" has an IPv6 address, which a Content-Security-Policy can't name, so the page allows pictures from any https address.`);
    } else {
      sources.add(u.origin);
    }
  }
  return { sources: [...sources].sort(), warnings };
}
