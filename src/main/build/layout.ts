// Where the installer puts the company profile, shared by the staging code and the Electron app.
// The profile and root are staged into the app folder itself, so electron-builder packs them into
// resources/app.asar: Electron checks that archive against the SHA-256 in the signed LanTrust.exe
// (EnableEmbeddedAsarIntegrityValidation fuse) and every file read from it against the archive's
// header, so a profile or root changed after signing stops the app instead of being trusted.
import { join } from 'node:path';

/** Folder inside the app (app.getAppPath(), i.e. resources/app.asar) holding the baked-in profile and root. */
export const BUNDLED_DIR = 'lantrust';
export const BUNDLED_PROFILE = 'lantrust.json';
export const BUNDLED_ROOT = 'root.pem';

/** The staged files, relative to the app folder (electron-builder's "files" lists exactly these). */
export const BUNDLED_FILES = [`${BUNDLED_DIR}/${BUNDLED_PROFILE}`, `${BUNDLED_DIR}/${BUNDLED_ROOT}`] as const;

/** The profile inside an app folder: `bundledProfilePath(app.getAppPath())`; pass it to loadProfile. */
export function bundledProfilePath(appPath: string): string {
  return join(appPath, BUNDLED_DIR, BUNDLED_PROFILE);
}

export interface ProfileChoice {
  packaged: boolean;
  /** app.getAppPath(): resources/app.asar when packaged. */
  appPath: string;
  /** --config FILE from the command line (development only). */
  configArg?: string;
  exists(path: string): boolean;
}

/**
 * Which profile the Electron app loads: a packaged app only ever the one inside its own app.asar
 * (never --config, never a file next to the program); in development --config, else the app
 * folder's, else none (the app then runs the demo company).
 */
export function appProfilePath(c: ProfileChoice): string | undefined {
  const bundled = bundledProfilePath(c.appPath);
  if (c.packaged) return bundled;
  if (c.configArg) return c.configArg;
  return c.exists(bundled) ? bundled : undefined;
}
