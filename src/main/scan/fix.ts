// --fix-html: the page with sources rewritten to their https form, where that form would load.
// Only the affected attribute values (or <style> text) change; every other byte stays as it was.
import { encodeAttr, type Attr } from './html.js';
import type { ScannedDocument, SourceResult } from './index.js';
import { writeFileAtomic } from '../fsutil.js';

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The document with each source that has a `rewrite` replaced; returns the text and how many changed. */
export function rewriteDocument(doc: ScannedDocument, results: SourceResult[]): { text: string; changed: number } {
  const byAttr = new Map<Attr, { at: number; length: number; text: string }[]>();
  const edits: Edit[] = [];
  let changed = 0;
  doc.sources.forEach((s, i) => {
    const r = results[i];
    if (!r?.rewrite || r.raw !== s.raw) return;
    // keep the whitespace around the URL as written
    const lead = s.raw.length - s.raw.trimStart().length;
    const core = s.raw.trim().length;
    changed++;
    if (s.loc.kind === 'text') edits.push({ start: s.loc.at + lead, end: s.loc.at + lead + core, text: r.rewrite });
    else {
      const list = byAttr.get(s.loc.attr) ?? [];
      list.push({ at: s.loc.at + lead, length: core, text: r.rewrite });
      byAttr.set(s.loc.attr, list);
    }
  });
  for (const [attr, list] of byAttr) {
    // Most URLs are written without character references: then replace just those characters.
    const rawValue = doc.text.slice(attr.start, attr.end);
    const literal = list.map((e) => ({ e, from: attr.value.slice(e.at, e.at + e.length) }));
    if (literal.every(({ e, from }) => rawValue.split(from).length === 2 && !e.text.includes(attr.quote || ' ') && !/[\s>]/.test(e.text))) {
      for (const { e, from } of literal) {
        const at = attr.start + rawValue.indexOf(from);
        // The new text has the same characters as the old but for the scheme: no re-encoding needed.
        edits.push({ start: at, end: at + from.length, text: e.text });
      }
      continue;
    }
    let value = attr.value;
    for (const e of list.sort((a, b) => b.at - a.at)) value = value.slice(0, e.at) + e.text + value.slice(e.at + e.length);
    const quote = attr.quote || '"';
    const encoded = encodeAttr(value, quote);
    edits.push({ start: attr.start, end: attr.end, text: attr.quote ? encoded : `"${encoded}"` });
  }
  let text = doc.text;
  for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { text, changed };
}

/** Writes `text` to `path` through a temp file in the same folder and a rename: never a half-written file. */
/** Writes the fixed page in its own encoding, never half a file. */
export function writeAtomically(path: string, text: string, encoding: BufferEncoding): Promise<void> {
  return writeFileAtomic(path, Buffer.from(text, encoding));
}
