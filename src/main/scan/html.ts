// A small, tolerant HTML tokenizer: just enough of the HTML parsing rules to find the tags and
// attribute values Chrome would request, with their exact offsets so --fix-html can rewrite one
// attribute value in place instead of reserializing the document.

export interface Attr {
  /** Lower-case attribute name. */
  name: string;
  /** Value after character-reference decoding (what the browser sees). */
  value: string;
  /** Offsets of the raw value in the document, without the quotes ([start, end)). */
  start: number;
  end: number;
  quote: '"' | "'" | '';
}

export interface Tag {
  /** Lower-case tag name. */
  name: string;
  closing: boolean;
  attrs: Attr[];
  start: number;
  end: number;
}

/** Contents of a raw-text element the scanner cares about (<style>), with its offset. */
export interface RawText {
  element: string;
  text: string;
  start: number;
}

export interface Tokens {
  tags: Tag[];
  styles: RawText[];
}

// Elements whose contents are not markup. <noscript> is raw text too: Chrome runs scripts, so
// images inside <noscript> are never requested.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'noembed', 'noframes', 'plaintext']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', tab: '\t', newline: '\n', sol: '/', colon: ':', equals: '=', num: '#', percnt: '%', quest: '?', commat: '@', lpar: '(', rpar: ')', comma: ',', period: '.' };
// The legacy names the HTML spec still decodes without a semicolon.
const LEGACY = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp']);

/** Decodes character references in an attribute value (the HTML spec's rules, for the common names). */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*)(;?)(.?)/g, (whole, ref: string, semi: string, next: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const ch = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
      return ch + next;
    }
    const name = ref;
    if (semi && NAMED[name] !== undefined) return NAMED[name]! + next;
    // Without ';', attributes keep "&ampx" / "&amp=" as written (HTML spec, attribute value state).
    if (!semi && LEGACY.has(name) && !/[a-zA-Z0-9=]/.test(next)) return NAMED[name]! + next;
    return whole;
  });
}

/** Encodes a value for an attribute quoted with `quote` (or unquoted: then it must be quoted). */
export function encodeAttr(value: string, quote: '"' | "'"): string {
  const s = value.replace(/&/g, '&amp;');
  return quote === '"' ? s.replace(/"/g, '&quot;') : s.replace(/'/g, '&#39;');
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f';
}

export function tokenize(html: string): Tokens {
  const tags: Tag[] = [];
  const styles: RawText[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    i = lt;
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const c1 = html[i + 1];
    if (c1 === '!' || c1 === '?') {
      const end = html.indexOf('>', i + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const closing = c1 === '/';
    const nameStart = closing ? i + 2 : i + 1;
    if (!/[a-zA-Z]/.test(html[nameStart] ?? '')) {
      i++;
      continue;
    }
    let j = nameStart;
    while (j < n && !isSpace(html[j]) && html[j] !== '/' && html[j] !== '>') j++;
    const name = html.slice(nameStart, j).toLowerCase();
    const attrs: Attr[] = [];
    // attributes
    for (;;) {
      while (j < n && (isSpace(html[j]) || html[j] === '/')) j++;
      if (j >= n || html[j] === '>') break;
      const an = j;
      j++; // a name may start with '=' (HTML spec); it is then part of the name
      while (j < n && !isSpace(html[j]) && html[j] !== '/' && html[j] !== '>' && html[j] !== '=') j++;
      const attrName = html.slice(an, j).toLowerCase();
      let k = j;
      while (k < n && isSpace(html[k])) k++;
      if (html[k] !== '=') {
        if (!closing && !attrs.some((a) => a.name === attrName)) attrs.push({ name: attrName, value: '', start: j, end: j, quote: '' });
        continue;
      }
      k++;
      while (k < n && isSpace(html[k])) k++;
      let vs: number;
      let ve: number;
      let quote: Attr['quote'] = '';
      if (html[k] === '"' || html[k] === "'") {
        quote = html[k] as '"' | "'";
        vs = k + 1;
        const close = html.indexOf(quote, vs);
        ve = close < 0 ? n : close;
        j = close < 0 ? n : close + 1;
      } else {
        vs = k;
        while (k < n && !isSpace(html[k]) && html[k] !== '>') k++;
        ve = k;
        j = k;
      }
      // Duplicate attributes: the first one wins (HTML spec).
      if (!closing && !attrs.some((a) => a.name === attrName)) attrs.push({ name: attrName, value: decodeEntities(html.slice(vs, ve)), start: vs, end: ve, quote });
    }
    const end = j < n ? j + 1 : n;
    tags.push({ name, closing, attrs, start: i, end });
    i = end;
    if (!closing && RAW_TEXT.has(name)) {
      const re = new RegExp(`</${name}[\\s/>]`, 'ig');
      re.lastIndex = i;
      const m = re.exec(html);
      const close = m ? m.index : n;
      if (name === 'style') styles.push({ element: name, text: html.slice(i, close), start: i });
      i = close;
    }
  }
  return { tags, styles };
}

/** 1-based line number of an offset (for messages). */
export function lineOf(html: string, offset: number): number {
  let line = 1;
  for (let p = html.indexOf('\n'); p >= 0 && p < offset; p = html.indexOf('\n', p + 1)) line++;
  return line;
}

export interface SrcsetCandidate {
  url: string;
  /** Offset of the URL inside the (decoded) attribute value. */
  at: number;
}

/** The URLs of a srcset value (HTML spec "parse a srcset attribute", descriptors ignored). */
export function parseSrcset(value: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && (isSpace(value[i]) || value[i] === ',')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(value[i])) i++;
    let url = value.slice(start, i);
    let inDescriptors = true;
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
      inDescriptors = false;
    }
    if (url) out.push({ url, at: start });
    if (inDescriptors) {
      // skip descriptors up to the next comma outside parentheses
      let depth = 0;
      while (i < n) {
        const c = value[i];
        if (c === '(') depth++;
        else if (c === ')') depth = Math.max(0, depth - 1);
        else if (c === ',' && depth === 0) break;
        i++;
      }
    }
  }
  return out;
}

export interface CssUrl {
  url: string;
  /** Offset of the URL text inside the CSS (without quotes). */
  at: number;
  /** Length of the URL text as written in the CSS. */
  length: number;
}

/** url(...) references in CSS text (comments skipped; CSS escapes are rare in camera URLs and kept as written). */
export function cssUrls(css: string): CssUrl[] {
  const out: CssUrl[] = [];
  const stripped = css.replace(/\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
  const re = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^'")\s]*))\s*\)/gi;
  for (let m = re.exec(stripped); m; m = re.exec(stripped)) {
    const text = m[1] ?? m[2] ?? m[3] ?? '';
    if (!text) continue;
    const q = m[1] !== undefined || m[2] !== undefined ? 1 : 0;
    const inner = m[0].indexOf(q ? (m[1] !== undefined ? '"' : "'") : text, 4);
    out.push({ url: text, at: m.index + inner + q, length: text.length });
  }
  return out;
}
