// Distinguished names as short strings ("CN=Acme Root, O=Acme").
import { children, decodeOid, DerError, readOne, TAG } from './der.js';
import { oidName } from './oids.js';

function decodeString(tag: number, v: Buffer): string {
  if (tag === 0x1e) {
    // BMPString (UTF-16BE)
    let s = '';
    for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode(v.readUInt16BE(i));
    return s;
  }
  return tag === TAG.UTF8 ? v.toString('utf8') : v.toString('latin1');
}

export interface NameAttr {
  type: string;
  value: string;
}

/** Parses a Name (RDNSequence) strictly, as Chromium does: SET OF SEQUENCE { OID, value }, nothing else. */
export function parseName(der: Buffer): NameAttr[] {
  const out: NameAttr[] = [];
  const seq = readOne(der);
  if (seq.tag !== TAG.SEQUENCE) throw new DerError('a Name that is not a SEQUENCE');
  for (const rdn of children(seq)) {
    if (rdn.tag !== TAG.SET) throw new DerError('a name part (RDN) that is not a SET');
    const atvs = children(rdn);
    if (!atvs.length) throw new DerError('an empty name part (RDN)');
    for (const atv of atvs) {
      const parts = atv.tag === TAG.SEQUENCE ? children(atv) : [];
      const [oid, val] = parts;
      if (parts.length !== 2 || oid!.tag !== TAG.OID) throw new DerError('a name attribute that is not SEQUENCE { OID, value }');
      out.push({ type: oidName(decodeOid(oid!.value)), value: decodeString(val!.tag, val!.value) });
    }
  }
  return out;
}

/**
 * A name in the form Chromium compares issuer and subject names (BoringSSL's NormalizeName): the text of
 * PrintableString/UTF8String/BMPString values folded to lower case with white space collapsed, other
 * values kept as bytes.
 */
export function normalizedName(der: Buffer): string {
  const rdns: string[] = [];
  for (const rdn of children(readOne(der))) {
    const atvs = children(rdn).map((atv) => {
      const [oid, val] = children(atv);
      const text = val!.tag === TAG.UTF8 || val!.tag === TAG.PRINTABLE || val!.tag === 0x1e ? decodeString(val!.tag, val!.value).replace(/\s+/g, ' ').trim().toLowerCase() : `#${val!.tag}:${val!.value.toString('hex')}`;
      return `${oid!.value.toString('hex')}=${text}`;
    });
    rdns.push(atvs.sort().join('+'));
  }
  return rdns.join(',');
}

export function formatName(der: Buffer): string {
  try {
    return parseName(der)
      .map((a) => `${a.type}=${a.value}`)
      .join(', ');
  } catch {
    return '(unreadable name)';
  }
}
