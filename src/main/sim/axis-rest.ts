// The simulated camera's Device Configuration API front end: GET /config/discover and the certificate
// management REST API (cert v1, or v1beta on firmware where it was still beta). JSON in {"data": ...},
// JSON out {"status":"success","data"?} or {"status":"error","error":{"code","message"}} with a 4xx.
// Sources and what is inferred: see the header of camera.ts.
import { toPem } from '../cert/read.js';
import { DeviceError, KEYSTORE, parseSans, parseSubject, type AxisDevice } from './axis-device.js';

export interface SimReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export interface Route {
  /** The operation, for the camera's knobs (hang, reboot, malformed answers). */
  op: string;
  run(): Promise<SimReply>;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** A route whose failures (DeviceError and the like) become the front end's own error reply. */
export function routeOf(op: string, fn: () => Promise<SimReply> | SimReply, onError: (e: unknown) => SimReply): Route {
  return {
    op,
    run: async () => {
      try {
        return await fn();
      } catch (e) {
        return onError(e);
      }
    },
  };
}

export function jsonReply(status: number, doc: unknown): SimReply {
  return { status, headers: JSON_TYPE, body: JSON.stringify(doc) };
}

const ok = (data?: unknown, status = 200) => jsonReply(status, data === undefined ? { status: 'success' } : { status: 'success', data });
const fail = (status: number, code: number, message: string) => jsonReply(status, { status: 'error', error: { code, message } });

/** DeviceError → HTTP status and error code (1 and 5 as recorded from AXIS OS 12; the others inferred). */
function failFrom(e: unknown): SimReply {
  if (!(e instanceof DeviceError)) throw e;
  if (e.kind === 'not-found') return fail(404, 1, e.message);
  if (e.kind === 'conflict') return fail(409, 4, e.message);
  return fail(400, 5, e.message);
}

export type Firmware = 'axis-os-12' | 'axis-os-11-beta' | 'axis-os-10' | 'firmware-6';

export function certApiBase(fw: Firmware): string | undefined {
  return fw === 'axis-os-12' ? '/config/rest/cert/v1' : fw === 'axis-os-11-beta' ? '/config/rest/cert/v1beta' : undefined;
}

/** /config/discover as AXIS OS lists its Device Configuration APIs (a subset: cert and virtualhost). */
function discover(fw: Firmware): unknown {
  const api = (id: string, major: string, rest: string, state: string, version: string) => ({
    [major]: {
      doc: `/config/discover/apis/${id}/${major}/doc.md`,
      model: `/config/discover/apis/${id}/${major}/model.json`,
      rest_api: rest,
      rest_openapi: `/config/discover/apis/${id}/${major}/openapi.json`,
      state,
      version,
    },
  });
  return {
    apis: {
      cert: fw === 'axis-os-12' ? api('cert', 'v1', '/config/rest/cert/v1', 'released', '1.1.2') : api('cert', 'v1', '/config/rest/cert/v1beta', 'beta', '1.0.0-beta.1'),
      virtualhost: api('virtualhost', 'v1', '/config/rest/virtualhost/v1', 'released', '1.2.0'),
    },
  };
}

function parseData(body: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new DeviceError('invalid', 'Invalid JSON in request body');
  }
  if (!doc || typeof doc !== 'object' || !('data' in doc)) throw new DeviceError('invalid', 'Request body must be {"data": ...}');
  return (doc as { data: unknown }).data;
}

function obj(v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DeviceError('invalid', 'Validation error: data must be an object');
  return v as Record<string, unknown>;
}

function str(v: unknown, name: string, optional = false): string | undefined {
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new DeviceError('invalid', `Validation error: ${name} is required`);
  }
  if (typeof v !== 'string') throw new DeviceError('invalid', `Validation error: ${name} must be a string`);
  return v;
}

function strList(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new DeviceError('invalid', `Validation error: ${name} must be a list of strings`);
  return v as string[];
}

/** The route for a request under /config, or undefined (404). */
export function restRoute(device: AxisDevice, fw: Firmware, method: string, path: string, body: string): Route | undefined {
  if (path === '/config/discover' && method === 'GET') {
    if (fw !== 'axis-os-12' && fw !== 'axis-os-11-beta') return undefined;
    return { op: 'discover', run: async () => jsonReply(200, discover(fw)) };
  }
  const base = certApiBase(fw);
  if (!base || (path !== base && !path.startsWith(`${base}/`))) return undefined;
  const parts = path.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
  const wrap = (op: string, fn: () => Promise<SimReply> | SimReply): Route => routeOf(op, fn, failFrom);
  const item = (alias: string) => ({ alias, certificate: device.pem(alias), keystore: device.certificates.get(alias)!.keystore });
  const list = () => [...device.certificates.keys()].map(item);
  const caList = () => [...device.caCertificates.entries()].map(([alias, der]) => ({ alias, certificate: toPem(der) }));
  const [collection, alias, action] = parts;

  if (!collection) {
    if (method !== 'GET') return undefined;
    return wrap('list', () => ok({ certificates: list(), ca_certificates: caList(), keystores: [KEYSTORE], settings: { keystore: KEYSTORE.id } }));
  }
  if (collection === 'create_certificate' && method === 'POST' && !alias) {
    return wrap('create', async () => {
      const d = obj(parseData(body));
      const seconds = (v: unknown, name: string) => {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new DeviceError('invalid', `Validation error: ${name} must be an integer`);
        return new Date(v * 1000);
      };
      const validFrom = seconds(d.valid_from, 'valid_from');
      const validTo = seconds(d.valid_to, 'valid_to');
      const keystore = str(d.keystore, 'keystore', true);
      if (keystore !== undefined && keystore !== KEYSTORE.id) throw new DeviceError('invalid', `Validation error: Unknown keystore ${keystore}`);
      const keyType = str(d.key_type, 'key_type', true);
      const sans = strList(d.subject_alt_names, 'subject_alt_names');
      await device.createCertificate({
        alias: str(d.alias, 'alias')!,
        subject: parseSubject(str(d.subject, 'subject')!),
        ...(keyType ? { keyType } : {}),
        ...(sans ? { names: parseSans(sans) } : {}),
        ...(validFrom ? { validFrom } : {}),
        ...(validTo ? { validTo } : {}),
      });
      return ok();
    });
  }
  if (collection === 'install_from_pkcs12' && method === 'POST' && !alias) {
    return wrap('pkcs12', () => {
      const d = obj(parseData(body));
      device.installPkcs12(str(d.alias, 'alias')!, str(d.pkcs12, 'pkcs12')!, str(d.passphrase, 'passphrase')!);
      return ok();
    });
  }
  if (collection === 'certificates') {
    if (!alias) {
      if (method === 'GET') return wrap('list', () => ok(list()));
      if (method === 'POST') {
        return wrap('add-cert', async () => {
          const d = obj(parseData(body));
          const { createPrivateKey, X509Certificate } = await import('node:crypto');
          let key, cert;
          try {
            key = createPrivateKey(str(d.private_key, 'private_key')!);
            cert = Buffer.from(new X509Certificate(str(d.certificate, 'certificate')!).raw);
          } catch (e) {
            if (e instanceof DeviceError) throw e;
            throw new DeviceError('invalid', 'Validation error: Invalid certificate or private key');
          }
          device.addWithKey(str(d.alias, 'alias')!, cert, key);
          return ok(undefined, 201);
        });
      }
      return undefined;
    }
    if (action === 'get_csr' && method === 'POST') {
      return wrap('csr', () => {
        const raw = parseData(body);
        const d = raw === null || raw === undefined ? {} : obj(raw);
        const subject = str(d.subject, 'subject', true);
        const sans = strList(d.subject_alt_names, 'subject_alt_names');
        const der = device.csr(alias, subject ? parseSubject(subject) : undefined, sans ? parseSans(sans) : undefined);
        return ok(toPem(der, 'CERTIFICATE REQUEST'));
      });
    }
    if (!action && method === 'GET') return wrap('list', () => (device.certificates.has(alias) ? ok(item(alias)) : fail(404, 1, `Resource not found: certificates/${alias}`)));
    if (!action && method === 'DELETE') return wrap('delete', () => (device.remove(alias), ok()));
    if (method === 'PATCH' && (!action || action === 'certificate')) {
      // Set on the entity ({"data":{"certificate":PEM}}) or on the property ({"data":PEM}).
      return wrap('set-cert', () => {
        const d = parseData(body);
        const pem = action ? str(d, 'certificate')! : str(obj(d).certificate, 'certificate')!;
        device.setCertificate(alias, pem);
        return ok();
      });
    }
    return undefined;
  }
  if (collection === 'ca_certificates') {
    if (!alias && method === 'GET') return wrap('list', () => ok(caList()));
    if (!alias && method === 'POST') {
      return wrap('add-ca', () => {
        const d = obj(parseData(body));
        device.addCaCertificate(str(d.alias, 'alias')!, str(d.certificate, 'certificate')!);
        return ok(undefined, 201);
      });
    }
    if (alias && !action && method === 'DELETE') return wrap('delete-ca', () => (device.removeCaCertificate(alias), ok()));
    return undefined;
  }
  if (collection === 'keystores' && method === 'GET') return wrap('list', () => ok([KEYSTORE]));
  if (collection === 'settings' && method === 'GET') return wrap('list', () => ok({ keystore: KEYSTORE.id }));
  return undefined;
}

export function notFound(path: string): SimReply {
  return fail(404, 1, `Resource not found: ${path}`);
}
