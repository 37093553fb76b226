// What every device protocol file offers (axis-rest.ts, axis-soap.ts), with the same verbs:
//   detect   does this camera speak it? (static, on the module)
//   inspect  the certificates it holds and which one HTTPS presents
//   install  a new certificate under a new alias (key made on the camera, or uploaded)
//   bind     make HTTPS present a given configuration (the new alias, or the previous one: rollback)
//   remove   delete an alias (one lantrust created)
// and detectProtocol(), which tries them in order and says what a camera that speaks neither is.
import type { SignedCsr } from '../ca/index.js';
import type { CheckedDevice } from '../ca/index.js';
import { sha256Hex } from '../cert/describe.js';
import { UserError } from '../errors.js';
import type { WebServerTls } from './axis-webserver.js';
import { VapixError, type VapixClient } from './vapix.js';

export interface CameraCertificate {
  alias: string;
  /** DER of its certificate, when the camera lists it. */
  der?: Buffer;
}

export interface Inventory {
  certificates: CameraCertificate[];
  caCertificates: string[];
  web: WebServerTls;
}

export interface InstallRequest {
  alias: string;
  device: CheckedDevice;
  /** on-device: the camera makes the key and a CSR; upload: lantrust makes the key and sends it once. */
  key: 'on-device' | 'upload';
  /** Signs a request with the company CA for `device`'s names (the CSR supplies only the key). */
  sign(csr: Buffer): Promise<SignedCsr>;
  /** Intermediate CA certificates (DER) the camera must send after its own. */
  chain: Buffer[];
  /** Says what happened (journal, progress); never given secrets. */
  note(step: string, detail?: Record<string, unknown>): Promise<void>;
}

export interface Installed {
  alias: string;
  /** The signed certificate now on the camera. */
  signed: SignedCsr;
  /** Aliases of the CA certificates to send with it. */
  caAliases: string[];
}

export interface CameraProtocol {
  /** As reported: "axis-rest-v1", "axis-rest-v1beta", "axis-soap". */
  readonly api: string;
  inspect(c: VapixClient): Promise<Inventory>;
  install(c: VapixClient, req: InstallRequest, inv: Inventory): Promise<Installed>;
  bind(c: VapixClient, web: WebServerTls): Promise<void>;
  remove(c: VapixClient, alias: string): Promise<void>;
}

/** Alias of an intermediate installed as a CA certificate: recognisable and the same on every camera. */
export function caAlias(der: Buffer): string {
  return `lantrust-ca-${sha256Hex(der).slice(0, 16)}`;
}

/** Installs the intermediates the camera doesn't have yet (with `add`); their aliases, in chain order. */
export async function installChain(req: InstallRequest, inv: Inventory, add: (alias: string, der: Buffer) => Promise<unknown>): Promise<string[]> {
  const aliases: string[] = [];
  for (const der of req.chain) {
    const alias = caAlias(der);
    if (!inv.caCertificates.includes(alias)) {
      void req.note('add-ca', { alias });
      await add(alias, der);
    }
    aliases.push(alias);
  }
  return aliases;
}

/** Why a camera can't be deployed to automatically; `kind` goes into the report. */
export class NotDeployable extends UserError {
  constructor(
    readonly kind: 'too-old' | 'not-vapix',
    message: string,
  ) {
    super(message, 1);
  }
}

/**
 * The protocol this camera speaks, trying the REST certificate API first (AXIS OS 11.6+), then the
 * SOAP web services (AXIS OS 7-11); else asks param.cgi whether it is an Axis at all.
 */
export async function detectProtocol(c: VapixClient, label: string, detectors: ((c: VapixClient) => Promise<CameraProtocol | undefined>)[]): Promise<CameraProtocol> {
  for (const detect of detectors) {
    const p = await detect(c);
    if (p) return p;
  }
  let brand = '';
  try {
    const r = await c.request('GET', '/axis-cgi/param.cgi?action=list&group=root.Brand.Brand');
    if (r.status === 200) brand = /root\.Brand\.Brand=(.*)/.exec(r.body)?.[1]?.trim() ?? '';
  } catch (e) {
    if (e instanceof VapixError && (e.kind === 'auth' || e.kind === 'no-credentials' || e.kind === 'timeout')) throw e;
  }
  if (/axis/i.test(brand)) {
    throw new NotDeployable('too-old', `this firmware is too old for automatic deploy: upload ${label}.p12 by hand at Settings > System > Security (or update AXIS OS, then run deploy again)`);
  }
  throw new NotDeployable('not-vapix', 'it does not speak VAPIX (no /config/discover, /vapix/services or param.cgi): it is not an Axis camera, or not one lantrust can reach; install its certificate with the vendor\'s tool');
}
