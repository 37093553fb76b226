// PEM armour, read in one pass over the lines: BEGIN/END markers, base64 bodies, RFC 1421 headers.
// Hostile files stay cheap (a 1 MB file of nested BEGIN lines was ~100 s of CPU with a search per
// block) and the first problem is reported alone, in one short sentence.
import { UserError } from '../errors.js';

export interface PemBlock {
  /** "CERTIFICATE", "PRIVATE KEY", "CERTIFICATE REQUEST", ... */
  type: string;
  der: Buffer;
  /** 1-based line of the BEGIN marker. */
  line: number;
}

/** Blocks a certificate file given by a person may hold: a chain of a dozen is far below it. */
export const MAX_PEM_BLOCKS = 100;

const MARKER = /(-----(?:BEGIN|END) [A-Z0-9 #]{1,40}-----)/;

export function hasPemArmour(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * Every PEM block in `text`, in order. Text outside blocks is ignored (openssl's "subject=" and
 * "Bag Attributes" lines). A block that is nested, unterminated, mismatched or not base64, or more
 * than `maxBlocks` blocks, is a UserError naming `label` and the line.
 */
export function pemBlocks(text: string, label: string, maxBlocks = MAX_PEM_BLOCKS): PemBlock[] {
  const out: PemBlock[] = [];
  let open: { type: string; line: number; body: string[] } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // Markers may share a line with base64 (one-line pastes): split the line around them.
    for (const part of lines[i]!.split(MARKER)) {
      const m = /^-----(BEGIN|END) (.+)-----$/.exec(part);
      if (m?.[1] === 'BEGIN') {
        if (open) throw new UserError(`${label} is damaged: a "${m[2]}" block starts on line ${i + 1}, inside the "${open.type}" block of line ${open.line}; copy the file again.`);
        if (out.length >= maxBlocks) throw new UserError(`${label} has more than ${maxBlocks} PEM blocks, far more than any certificate file; check that this is the right file.`);
        open = { type: m[2]!, line: i + 1, body: [] };
      } else if (m?.[1] === 'END') {
        if (!open || open.type !== m[2]) throw new UserError(`${label} is damaged: the "END ${m[2]}" line ${i + 1} has no matching BEGIN line; copy the file again.`);
        const body = open.body.join('');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new UserError(`${label} has a damaged "${open.type}" block (not base64) on line ${open.line}; copy the file again.`);
        out.push({ type: open.type, der: Buffer.from(body, 'base64'), line: open.line });
        open = undefined;
      } else if (open && !part.includes(':')) {
        open.body.push(part.replace(/\s+/g, '')); // a part with ":" is an RFC 1421 header (Proc-Type, DEK-Info)
      }
    }
  }
  if (open) throw new UserError(`${label} is truncated: its "${open.type}" block on line ${open.line} has no END line; copy the whole file again.`);
  return out;
}

export function toPem(der: Buffer, type = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}
