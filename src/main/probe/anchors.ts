// Trust anchors for a verdict: root files, a Chrome managed-policy JSON, the system store, raw DER.
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { pemCertificates, readCertificatesFromFile } from '../cert/read.js';
import { UserError } from '../errors.js';
import { parseCidr } from '../constraints/cidr.js';
import type { TrustAnchor } from './types.js';

interface PolicyFile {
  CACertificates?: unknown;
  CACertificatesWithConstraints?: unknown;
}

function b64Der(v: unknown, file: string, where: string): Buffer {
  if (typeof v !== 'string') throw new UserError(`${file}: ${where} is not a base64 certificate string; fix the policy file.`);
  const der = Buffer.from(v.replace(/\s+/g, ''), 'base64');
  try {
    new X509Certificate(der);
  } catch {
    throw new UserError(`${file}: ${where} is not a valid base64 DER certificate; fix the policy file.`);
  }
  return der;
}

/** Roots from a Chrome policy JSON (CACertificates and CACertificatesWithConstraints). */
export async function anchorsFromPolicy(file: string): Promise<TrustAnchor[]> {
  let doc: PolicyFile;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as PolicyFile;
  } catch (e) {
    throw new UserError(`cannot read ${file} as a Chrome policy JSON (${(e as Error).message.split('\n')[0]}); give the file from /etc/opt/chrome/policies/managed/.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UserError(`${file} is not a Chrome policy file (it holds ${doc === null ? 'null' : Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}, not an object with CACertificates); give the file from /etc/opt/chrome/policies/managed/.`);
  const out: TrustAnchor[] = [];
  if (doc.CACertificates !== undefined) {
    if (!Array.isArray(doc.CACertificates)) throw new UserError(`${file}: CACertificates must be a list of base64 certificates.`);
    doc.CACertificates.forEach((c, i) => out.push({ der: b64Der(c, file, `CACertificates[${i}]`), source: `${file} (CACertificates)` }));
  }
  if (doc.CACertificatesWithConstraints !== undefined) {
    if (!Array.isArray(doc.CACertificatesWithConstraints)) throw new UserError(`${file}: CACertificatesWithConstraints must be a list.`);
    doc.CACertificatesWithConstraints.forEach((e: unknown, i) => {
      const where = `CACertificatesWithConstraints[${i}]`;
      const entry = (e ?? {}) as { certificate?: unknown; constraints?: { permitted_dns_names?: unknown; permitted_cidrs?: unknown } };
      const c = entry.constraints ?? {};
      const list = (v: unknown, what: string): string[] | undefined => {
        if (v === undefined) return undefined;
        if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new UserError(`${file}: ${where}.constraints.${what} must be a list of strings.`);
        return v as string[];
      };
      const dns = list(c.permitted_dns_names, 'permitted_dns_names');
      const cidrs = list(c.permitted_cidrs, 'permitted_cidrs');
      cidrs?.forEach((s) => parseCidr(s));
      // Chrome ignores an entry without any constraint (it must not become an unconstrained root).
      if (!dns?.length && !cidrs?.length) return;
      out.push({
        der: b64Der(entry.certificate, file, `${where}.certificate`),
        source: `${file} (CACertificatesWithConstraints)`,
        policyConstraints: { ...(dns?.length ? { permittedDnsNames: dns } : {}), ...(cidrs?.length ? { permittedCidrs: cidrs } : {}) },
      });
    });
  }
  if (!out.length) throw new UserError(`${file} has no CACertificates or CACertificatesWithConstraints entry; nothing to trust.`);
  return out;
}

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/** The OS's root store where we can read it (Linux bundles), else Node's bundled Mozilla roots. */
export async function systemAnchors(): Promise<TrustAnchor[]> {
  for (const f of SYSTEM_BUNDLES) {
    try {
      const pem = await readFile(f, 'latin1');
      const ders = pemCertificates(pem);
      if (ders.length) return ders.map((der) => ({ der, source: `system store (${f})` }));
    } catch {
      /* try the next */
    }
  }
  return rootCertificates.map((pem) => ({ der: Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'), source: 'system store (Node bundle)' }));
}

export async function loadAnchors(opts: { roots?: string[]; chromePolicy?: string; system?: boolean; rootDers?: Buffer[] }): Promise<TrustAnchor[]> {
  const out: TrustAnchor[] = [];
  for (const f of opts.roots ?? []) {
    const { certs } = await readCertificatesFromFile(f);
    for (const c of certs) out.push({ der: c.der, source: f });
  }
  if (opts.chromePolicy) out.push(...(await anchorsFromPolicy(opts.chromePolicy)));
  if (opts.system) out.push(...(await systemAnchors()));
  for (const der of opts.rootDers ?? []) out.push({ der, source: 'given root' });
  return out;
}
