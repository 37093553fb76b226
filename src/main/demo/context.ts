// Shared state of `lantrust demo`: each step reads what earlier steps made and adds its own.
import { join as joinPath } from 'node:path';
import type { SimCamera } from '../sim/camera.js';

export interface DemoContext {
  /** Temp folder holding everything the demo makes. */
  dir: string;
  company: string;
  /** Constraints of the demo root. */
  permitDns: string[];
  permitCidr: string[];
  /** Files made by the CA step. */
  caDir: string;
  rootPem: string;
  /** The camera's certificate files (key, chain). */
  cameraKey: string;
  cameraChain: string;
  cameraLabel: string;
  /** The running simulated camera, once started. */
  camera?: SimCamera;
  /** The camera's administrator account (deploy uses it; the password only ever sits in this file). */
  cameraUser: string;
  cameraPasswordFile: string;
  /** A DNS name for the camera, mapped to 127.0.0.1 via --resolve. */
  cameraHost: string;
  /** Skip anything that opens a browser or waits for the user. */
  noOpen: boolean;
  /** Print a line of demo output. */
  say(text: string): void;
  /** Things to undo at the end (stop servers, ...), run in reverse order. */
  cleanup: (() => Promise<void> | void)[];
  /** Free-form results steps pass along (e.g. verdicts before/after). */
  results: Record<string, unknown>;
}

export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}

/** The demo company in `dir`: used by `lantrust demo` and by `lantrust ui` without --config. */
export function newDemoContext(dir: string, opts: { noOpen: boolean; say: (text: string) => void }): DemoContext {
  const join = (...p: string[]) => joinPath(dir, ...p);
  return {
    dir,
    company: 'Demo Company',
    permitDns: ['cams.demo.test'],
    permitCidr: ['127.0.0.0/8'],
    caDir: join('ca'),
    rootPem: join('ca', 'root.pem'),
    cameraKey: join('ca', 'lobby-cam.key'),
    cameraChain: join('ca', 'lobby-cam.chain.pem'),
    cameraLabel: 'lobby-cam',
    cameraHost: 'lobby.cams.demo.test',
    cameraUser: 'root',
    cameraPasswordFile: join('camera-password.txt'),
    noOpen: opts.noOpen,
    say: opts.say,
    cleanup: [],
    results: {},
  };
}
