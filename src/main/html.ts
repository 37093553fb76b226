// Text into HTML and XML (reports, the intranet page, the UI's redirect file, SOAP requests, Apple
// profiles): every value from a file, a camera or a person is escaped here, for element text and quoted
// attributes alike.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Text for XML (SOAP, plist): escaped, and without the characters XML 1.0 forbids (they can't be escaped). */
export function escXml(s: string): string {
  return s.replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
