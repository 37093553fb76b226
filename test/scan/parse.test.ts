// The tokenizer, source finder and --fix-html rewrite on hand-written documents (no network).
import { describe, expect, test } from 'vitest';
import { cssUrls, decodeEntities, parseSrcset, tokenize } from '../../src/main/scan/html.js';
import { findSources } from '../../src/main/scan/sources.js';
import { rewriteDocument } from '../../src/main/scan/fix.js';
import { rewriteText, type SourceResult } from '../../src/main/scan/index.js';

const PAGE = 'https://intranet.example.com/cams/index.html';

describe('tokenizer', () => {
  test('quotes, unquoted values, entities, duplicates, comments and raw text', () => {
    const html = `<!-- <img src="http://commented/out.jpg"> --><IMG SRC='http://a/1.jpg?x=1&amp;y=2' alt=a>
<img src=http://b/2.jpg src="http://dup/ignored.jpg"><script>var s = '<img src="http://script/no.jpg">';</script>
<noscript><img src="http://noscript/no.jpg"></noscript><textarea><img src="http://ta/no.jpg"></textarea>`;
    const { tags } = tokenize(html);
    const imgs = tags.filter((t) => t.name === 'img' && !t.closing);
    expect(imgs.map((t) => t.attrs.find((a) => a.name === 'src')!.value)).toEqual(['http://a/1.jpg?x=1&y=2', 'http://b/2.jpg']);
    const first = imgs[0]!.attrs[0]!;
    expect(html.slice(first.start, first.end)).toBe('http://a/1.jpg?x=1&amp;y=2');
    expect(first.quote).toBe("'");
  });

  test('character references as the HTML spec decodes them in attributes', () => {
    expect(decodeEntities('a&amp;b&#38;c&#x26;d&quot;')).toBe('a&b&c&d"');
    expect(decodeEntities('?a=1&amp=2')).toBe('?a=1&amp=2'); // legacy name before "=" stays
    expect(decodeEntities('?a=1&ampb')).toBe('?a=1&ampb');
    expect(decodeEntities('x&amp y')).toBe('x& y');
    expect(decodeEntities('&unknown;')).toBe('&unknown;');
  });

  test('srcset candidates with descriptors and commas inside URLs', () => {
    expect(parseSrcset('http://a/1.jpg 1x, http://a/2.jpg 2x').map((c) => c.url)).toEqual(['http://a/1.jpg', 'http://a/2.jpg']);
    expect(parseSrcset('  http://a/x.jpg?a=1,2 640w,http://a/y.jpg').map((c) => c.url)).toEqual(['http://a/x.jpg?a=1,2', 'http://a/y.jpg']);
    const v = 'a.jpg 1x,b.jpg 2x';
    for (const c of parseSrcset(v)) expect(v.slice(c.at, c.at + c.url.length)).toBe(c.url);
  });

  test('CSS url() in all three spellings, comments skipped', () => {
    const css = `a{background:url(http://a/1.jpg)} b{background:url( "http://a/2.jpg" )} /* url(http://no/) */ c{background-image:url('http://a/3.jpg')}`;
    const urls = cssUrls(css);
    expect(urls.map((u) => u.url)).toEqual(['http://a/1.jpg', 'http://a/2.jpg', 'http://a/3.jpg']);
    for (const u of urls) expect(css.slice(u.at, u.at + u.length)).toBe(u.url);
  });
});

describe('sources', () => {
  const html = `<!doctype html><html><head>
<base href="https://cams.example.com/axis/">
<style>.lobby { background: url("http://192.168.1.51/axis-cgi/jpg/image.cgi") }</style>
</head><body>
<img src="http://192.168.1.50/axis-cgi/mjpg/video.cgi">
<img srcset="snap-1x.jpg 1x, http://cam2.example.com/snap.jpg 2x">
<picture><source srcset="http://cam3.example.com/a.jpg"><img src="rel.jpg"></picture>
<video src="http://cam4.example.com/v.mp4" poster="http://cam4.example.com/p.jpg"><source src="/v2.mp4"></video>
<iframe src="http://192.168.1.60/"></iframe><object data="cam.swf"></object><embed src="http://e/x">
<div style="background-image:url(http://192.168.1.52/x.jpg)"></div>
<template><img src="http://inert/no.jpg"></template>
<img src="data:image/png;base64,AAAA"><source srcset="http://orphan/no.jpg">
</body></html>`;
  const { sources, baseHref } = findSources(html, PAGE);

  test('every element Chrome requests, resolved against <base href>', () => {
    expect(baseHref).toBe('https://cams.example.com/axis/');
    expect(sources.map((s) => [s.element, s.url])).toEqual([
      ['style url()', 'http://192.168.1.51/axis-cgi/jpg/image.cgi'],
      ['img src', 'http://192.168.1.50/axis-cgi/mjpg/video.cgi'],
      ['img srcset', 'https://cams.example.com/axis/snap-1x.jpg'],
      ['img srcset', 'http://cam2.example.com/snap.jpg'],
      ['picture source srcset', 'http://cam3.example.com/a.jpg'],
      ['img src', 'https://cams.example.com/axis/rel.jpg'],
      ['video src', 'http://cam4.example.com/v.mp4'],
      ['video poster', 'http://cam4.example.com/p.jpg'],
      ['video source src', 'https://cams.example.com/v2.mp4'],
      ['iframe src', 'http://192.168.1.60/'],
      ['object data', 'https://cams.example.com/axis/cam.swf'],
      ['embed src', 'http://e/x'],
      ['div style url()', 'http://192.168.1.52/x.jpg'],
    ]);
    expect(sources.find((s) => s.element === 'iframe src')!.category).toBe('frame');
    expect(sources.find((s) => s.element === 'video src')!.category).toBe('media');
  });

  test('meta upgrade-insecure-requests is noticed', () => {
    expect(findSources('<meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests">', PAGE).upgradeInsecure).toBe(true);
    expect(findSources('<meta http-equiv="refresh" content="upgrade-insecure-requests">', PAGE).upgradeInsecure).toBe(false);
  });
});

describe('--fix-html rewrite', () => {
  const fake = (raw: string, rewrite?: string): SourceResult => ({ url: raw, raw, element: 'img src', line: 1, treatment: 'blocked-mixed', chrome: { error: 'x', cause: 'x' }, loads: false, fix: '', rewrite });

  test('only the rewritten values change; entities, quotes and everything else stay byte for byte', () => {
    const html = `<p title="http://192.168.1.50/">keep</p>\n<img class=a src=http://192.168.1.50/a.cgi?x=1&amp;y=2 alt="http://192.168.1.50/">\n<img srcset='http://192.168.1.50/s.jpg 1x, http://10.0.0.9/t.jpg 2x'>\n<style>i{background:url(http://192.168.1.50/b.jpg)}</style>\n<div style="background:url(&quot;http://192.168.1.50/c.jpg&quot;)"></div>`;
    const doc = { text: html, encoding: 'utf8' as const, sources: findSources(html, PAGE).sources };
    const results = doc.sources.map((s) => fake(s.raw, s.raw.includes('10.0.0.9') ? undefined : rewriteText(s.raw)));
    const { text, changed } = rewriteDocument(doc, results);
    expect(changed).toBe(4);
    expect(text).toBe(
      `<p title="http://192.168.1.50/">keep</p>\n<img class=a src="https://192.168.1.50/a.cgi?x=1&amp;y=2" alt="http://192.168.1.50/">\n<img srcset='https://192.168.1.50/s.jpg 1x, http://10.0.0.9/t.jpg 2x'>\n<style>i{background:url(https://192.168.1.50/b.jpg)}</style>\n<div style="background:url(&quot;https://192.168.1.50/c.jpg&quot;)"></div>`,
    );
  });

  test('rewriteText changes only the scheme and a spelled-out :80', () => {
    expect(rewriteText('http://192.168.1.50/axis-cgi/mjpg/video.cgi?resolution=640x480')).toBe('https://192.168.1.50/axis-cgi/mjpg/video.cgi?resolution=640x480');
    expect(rewriteText('HTTP://Cam.example.com:80/x')).toBe('https://Cam.example.com/x');
    expect(rewriteText('http://cam:8080/x')).toBe('https://cam:8080/x');
    expect(rewriteText('http://[fd00::5]:80')).toBe('https://[fd00::5]');
  });
});
