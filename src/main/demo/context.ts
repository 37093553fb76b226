// Shared state of `lantrust demo`: each step reads what earlier steps made and adds its own.
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
