// A small, strict XML reader for SOAP messages (VAPIX web services): elements with their namespace
// resolved, attributes, text. No DOCTYPE (so no entity expansion), bounded size and depth. Anything
// else throws XmlError, which callers turn into "the camera answered something that is not SOAP".

export class XmlError extends Error {}

export interface XmlElement {
  /** Namespace URI ('' when none is in scope). */
  ns: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (concatenated, entities decoded, not trimmed). */
  text: string;
}

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 64;
const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);|&/g, (m, e: string | undefined) => {
    if (!e) throw new XmlError('a bare "&" in text');
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlError(`bad character reference ${m}`);
    return String.fromCodePoint(code);
  });
}

/** Escapes text for an element or a double-quoted attribute (the one XML escaper, src/main/html.ts). */
export { escXml as escapeXml } from '../html.js';

interface Open {
  el: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

export function parseXml(input: string): XmlElement {
  if (input.length > MAX_BYTES) throw new XmlError('the document is too large');
  let i = 0;
  const stack: Open[] = [];
  let root: XmlElement | undefined;
  const fail = (why: string): never => {
    throw new XmlError(`${why} at offset ${i}`);
  };
  const skipWs = () => {
    while (i < input.length && /\s/.test(input[i]!)) i++;
  };
  const resolve = (prefix: string, scope: Map<string, string>, isAttr: boolean): string => {
    if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
    if (!prefix) return isAttr ? '' : (scope.get('') ?? '');
    const ns = scope.get(prefix);
    if (ns === undefined) fail(`undeclared namespace prefix "${prefix}"`);
    return ns!;
  };
  if (input.charCodeAt(0) === 0xfeff) i = 1;
  while (i < input.length) {
    if (input.startsWith('<?', i)) {
      const end = input.indexOf('?>', i);
      if (end < 0) fail('unclosed processing instruction');
      i = end + 2;
    } else if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i);
      if (end < 0) fail('unclosed comment');
      i = end + 3;
    } else if (input.startsWith('<![CDATA[', i)) {
      const end = input.indexOf(']]>', i);
      if (end < 0) fail('unclosed CDATA');
      if (!stack.length) fail('CDATA outside the root element');
      stack[stack.length - 1]!.el.text += input.slice(i + 9, end);
      i = end + 3;
    } else if (input.startsWith('<!', i)) {
      fail('DOCTYPE and declarations are not accepted');
    } else if (input.startsWith('</', i)) {
      i += 2;
      const m = NAME.exec(input.slice(i, i + 256));
      if (!m) fail('bad end tag');
      i += m![0].length;
      skipWs();
      if (input[i] !== '>') fail('bad end tag');
      i++;
      const top = stack.pop();
      if (!top || top.qname !== m![0]) fail(`end tag </${m![0]}> does not match`);
      if (!stack.length) root = top!.el;
    } else if (input[i] === '<') {
      if (root) fail('content after the root element');
      if (stack.length >= MAX_DEPTH) fail('nested too deeply');
      i++;
      const m = NAME.exec(input.slice(i, i + 256));
      if (!m) fail('bad start tag');
      const qname = m![0];
      i += qname.length;
      const raw: [string, string][] = [];
      for (;;) {
        skipWs();
        if (input.startsWith('/>', i) || input[i] === '>') break;
        const a = NAME.exec(input.slice(i, i + 256));
        if (!a) fail('bad attribute');
        i += a![0].length;
        skipWs();
        if (input[i] !== '=') fail('attribute without a value');
        i++;
        skipWs();
        const q = input[i];
        if (q !== '"' && q !== "'") fail('unquoted attribute value');
        const end = input.indexOf(q!, i + 1);
        if (end < 0) fail('unclosed attribute value');
        const value = input.slice(i + 1, end);
        if (value.includes('<')) fail('"<" in an attribute value');
        raw.push([a![0], decodeEntities(value)]);
        i = end + 1;
      }
      const parentScope = stack.length ? stack[stack.length - 1]!.scope : new Map<string, string>();
      const scope = new Map(parentScope);
      for (const [k, v] of raw) {
        if (k === 'xmlns') scope.set('', v);
        else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
      }
      const [prefix, local] = qname.includes(':') ? (qname.split(':') as [string, string]) : ['', qname];
      const attrs: Record<string, string> = {};
      for (const [k, v] of raw) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
        attrs[k.includes(':') ? k.split(':')[1]! : k] = v;
        if (k.includes(':')) resolve(k.split(':')[0]!, scope, true);
      }
      const el: XmlElement = { ns: resolve(prefix, scope, false), local, attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1]!.el.children.push(el);
      if (input.startsWith('/>', i)) {
        i += 2;
        if (!stack.length) root = el;
      } else {
        i++;
        stack.push({ el, qname, scope });
      }
    } else {
      const end = input.indexOf('<', i);
      const chunk = input.slice(i, end < 0 ? input.length : end);
      if (stack.length) stack[stack.length - 1]!.el.text += decodeEntities(chunk);
      else if (chunk.trim()) fail('text outside the root element');
      i = end < 0 ? input.length : end;
    }
  }
  if (stack.length) fail(`unclosed element <${stack[stack.length - 1]!.qname}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Direct children with this namespace and local name. */
export function childrenOf(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.local === local);
}

export function childOf(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.ns === ns && c.local === local);
}

/** First descendant (depth first) with this namespace and local name. */
export function findXml(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) {
    if (c.ns === ns && c.local === local) return c;
    const d = findXml(c, ns, local);
    if (d) return d;
  }
  return undefined;
}
