// Which certificates Chrome's verifier can read at all (ParsedCertificate::Create). A leaf it can't read is
// ERR_CERT_INVALID; an intermediate, a downloaded issuer or a trusted root it can't read is left out of
// path building as if it were not there (measured on Chromium 156: an intermediate with a BOOLEAN of 0x01
// or a long-form length in its subject name makes the chain ERR_CERT_AUTHORITY_INVALID).
import { describe, type ParsedCert } from '../cert/describe.js';

export type Readable = { ok: true; cert: ParsedCert } | { ok: false; why: string };

/** Parses a certificate as strictly as Chrome's verifier; `why` says what it can't read. */
export function readAsVerifier(der: Buffer): Readable {
  let cert: ParsedCert;
  try {
    cert = describe(der);
  } catch (e) {
    return { ok: false, why: (e as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '') };
  }
  // nameConstraints that Chrome can't parse (lantrust keeps them readable so check-root can say why)
  const nc = cert.info.nameConstraints;
  if (nc) {
    if (nc.emptyPermitted || nc.emptyExcluded) return { ok: false, why: 'its name constraints have an empty subtree list' };
    if (!nc.permitted.length && !nc.excluded.length) return { ok: false, why: 'its name constraints have no subtree at all' };
    const bad = [...nc.permitted, ...nc.excluded].find((st) => st.minimum !== undefined || st.maximum !== undefined || (st.type === 'ip' && (!st.cidr || st.cidr.prefix < 0)));
    if (bad) return { ok: false, why: `its name constraint ${bad.value} is malformed (${bad.problems[0] ?? 'minimum/maximum present'})` };
  }
  return { ok: true, cert };
}
