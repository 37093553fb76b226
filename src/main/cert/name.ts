// Distinguished names as short strings ("CN=Acme Root, O=Acme").
import { children, decodeOid, readOne, TAG } from './der.js';
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

export function parseName(der: Buffer): NameAttr[] {
  const out: NameAttr[] = [];
  for (const rdn of children(readOne(der))) {
    for (const atv of children(rdn)) {
      const [oid, val] = children(atv);
      if (!oid || !val) continue;
      out.push({ type: oidName(decodeOid(oid.value)), value: decodeString(val.tag, val.value) });
    }
  }
  return out;
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
