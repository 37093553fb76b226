// The camera sources of a page: every URL Chrome would request for an image, video, frame or
// object, with where it sits in the document (for messages and for --fix-html).
import { cssUrls, lineOf, parseSrcset, tokenize, type Attr } from './html.js';

/**
 * How Chrome's mixed-content rules see a request: images, audio, video (and CSS images) are
 * "optionally blockable" and get auto-upgraded; frames, objects and embeds are "blockable".
 */
export type Category = 'image' | 'media' | 'frame' | 'object';

/** Where a URL sits in the document text, so it can be replaced without touching anything else. */
export type Location =
  /** The whole (decoded) value of an attribute, or one srcset/url() piece of it at `at`. */
  | { kind: 'attr'; attr: Attr; at: number; length: number }
  /** Raw text of a <style> block: the URL is at document offset `at`. */
  | { kind: 'text'; at: number; length: number };

export interface Source {
  /** How the page writes it (after entity decoding). */
  raw: string;
  /** Absolute URL after <base href> and the page URL; undefined when it can't be parsed. */
  url?: string;
  /** "img src", "img srcset", "source srcset", "video poster", "iframe src", "style url()" ... */
  element: string;
  category: Category;
  line: number;
  loc: Location;
}

const MEDIA_PARENTS = new Set(['picture', 'video', 'audio']);

/** Finds every source Chrome would request on this page (inert <template> content excluded). */
export function findSources(html: string, pageUrl: string): { sources: Source[]; baseHref?: string; upgradeInsecure: boolean } {
  const { tags, styles } = tokenize(html);
  // The document base URL is the first <base href>, wherever it is (HTML spec: frozen base URL).
  const baseTag = tags.find((t) => !t.closing && t.name === 'base' && t.attrs.some((a) => a.name === 'href'));
  const baseHref = baseTag?.attrs.find((a) => a.name === 'href')?.value.trim();
  let base = pageUrl;
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      /* an unparsable base is ignored, as browsers do */
    }
  }
  const resolve = (raw: string): string | undefined => {
    try {
      const u = new URL(raw.trim(), base);
      return u.href;
    } catch {
      return undefined;
    }
  };
  const out: Source[] = [];
  const add = (raw: string, element: string, category: Category, line: number, loc: Location) => {
    if (!raw.trim() || /^(data|blob|javascript|about):/i.test(raw.trim())) return;
    out.push({ raw, url: resolve(raw), element, category, line, loc });
  };
  const fromAttr = (attr: Attr, element: string, category: Category, line: number) => add(attr.value, element, category, line, { kind: 'attr', attr, at: 0, length: attr.value.length });
  const fromSrcset = (attr: Attr, element: string, category: Category, line: number) => {
    for (const c of parseSrcset(attr.value)) add(c.url, element, category, line, { kind: 'attr', attr, at: c.at, length: c.url.length });
  };

  let upgradeInsecure = false;
  let templateDepth = 0;
  const mediaStack: string[] = [];
  for (const t of tags) {
    if (t.name === 'template') {
      templateDepth = Math.max(0, templateDepth + (t.closing ? -1 : 1));
      continue;
    }
    if (templateDepth > 0) continue;
    if (MEDIA_PARENTS.has(t.name)) {
      if (t.closing) {
        const k = mediaStack.lastIndexOf(t.name);
        if (k >= 0) mediaStack.length = k;
      } else mediaStack.push(t.name);
    }
    if (t.closing) continue;
    const line = lineOf(html, t.start);
    const a = (name: string) => t.attrs.find((x) => x.name === name);
    switch (t.name) {
      case 'img': {
        const src = a('src');
        if (src) fromAttr(src, 'img src', 'image', line);
        const srcset = a('srcset');
        if (srcset) fromSrcset(srcset, 'img srcset', 'image', line);
        break;
      }
      case 'source': {
        const parent = mediaStack[mediaStack.length - 1];
        if (parent === 'picture') {
          const srcset = a('srcset');
          if (srcset) fromSrcset(srcset, 'picture source srcset', 'image', line);
        } else if (parent === 'video' || parent === 'audio') {
          const src = a('src');
          if (src) fromAttr(src, `${parent} source src`, 'media', line);
        }
        break;
      }
      case 'video':
      case 'audio': {
        const src = a('src');
        if (src) fromAttr(src, `${t.name} src`, 'media', line);
        const poster = t.name === 'video' ? a('poster') : undefined;
        if (poster) fromAttr(poster, 'video poster', 'image', line);
        break;
      }
      case 'iframe':
      case 'frame': {
        const src = a('src');
        if (src) fromAttr(src, `${t.name} src`, 'frame', line);
        break;
      }
      case 'object': {
        const data = a('data');
        if (data) fromAttr(data, 'object data', 'object', line);
        break;
      }
      case 'embed': {
        const src = a('src');
        if (src) fromAttr(src, 'embed src', 'object', line);
        break;
      }
      case 'input': {
        const src = a('src');
        if (src && a('type')?.value.toLowerCase() === 'image') fromAttr(src, 'input src', 'image', line);
        break;
      }
      case 'meta': {
        // <meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests">
        if (a('http-equiv')?.value.toLowerCase() === 'content-security-policy' && /(^|;)\s*upgrade-insecure-requests\s*(;|$)/i.test(a('content')?.value ?? '')) upgradeInsecure = true;
        break;
      }
    }
    const style = a('style');
    if (style) for (const u of cssUrls(style.value)) add(u.url, `${t.name} style url()`, 'image', line, { kind: 'attr', attr: style, at: u.at, length: u.length });
  }
  for (const s of styles) {
    for (const u of cssUrls(s.text)) add(u.url, 'style url()', 'image', lineOf(html, s.start + u.at), { kind: 'text', at: s.start + u.at, length: u.length });
  }
  out.sort((x, y) => x.line - y.line);
  return { sources: out, baseHref, upgradeInsecure };
}
