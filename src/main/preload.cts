// Electron preload (sandboxed, so CommonJS — hence .cts): exposes ONLY the operation table's
// functions as window.lantrust, each a single IPC invoke. No ipcRenderer, no Node, nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import type { Bridge, OpName } from './api.js';

// Same names as api.ts OP_NAMES (a sandboxed preload can't import it at run time); the types below
// fail the build if the two lists ever differ.
const names = ['profile', 'status', 'install', 'uninstall', 'testCamera', 'testAll', 'diagnostics', 'exportReport', 'writeSite'] as const satisfies readonly OpName[];
type Unlisted = Exclude<OpName, (typeof names)[number]>;
const complete: [Unlisted] extends [never] ? true : never = true;
void complete;

const bridge = Object.fromEntries(names.map((n) => [n, (arg?: unknown) => ipcRenderer.invoke('lantrust', n, arg ?? {})])) as unknown as Bridge;
contextBridge.exposeInMainWorld('lantrust', Object.freeze(bridge));
