// Where the installer puts the company profile, shared by the staging code and the Electron app.
// electron-builder copies extraResources next to app.asar, so at run time they sit under process.resourcesPath.
import { join } from 'node:path';

/** Folder under the app's resources (process.resourcesPath) holding the baked-in profile and root. */
export const BUNDLED_DIR = 'lantrust';
export const BUNDLED_PROFILE = 'lantrust.json';
export const BUNDLED_ROOT = 'root.pem';

/** In the staged app folder, the files electron-builder copies to resources/lantrust/. */
export const STAGED_RESOURCES = join('resources', BUNDLED_DIR);

/** The profile inside an installed app: `bundledProfilePath(process.resourcesPath)`; pass it to loadProfile. */
export function bundledProfilePath(resourcesPath: string): string {
  return join(resourcesPath, BUNDLED_DIR, BUNDLED_PROFILE);
}
