// lantrust scan-page: check an intranet page the way Chrome loads it.
import { UserError } from '../errors.js';
import { parse } from './args.js';
import { color } from './format.js';

export const help = `lantrust scan-page: which camera pictures on this page will Chrome show, and why not?

Examples:
  lantrust scan-page https://intranet.example.com/cameras.html --root ca/root.pem
  lantrust scan-page https://intranet.example.com/cameras.html --chrome-policy /etc/opt/chrome/policies/managed/lantrust.json
  lantrust scan-page https://intranet:8443/cams --resolve intranet:8443:192.168.1.10 --root ca/root.pem
  lantrust scan-page https://intranet/cams --root ca/root.pem --fix-html cams-fixed.html
  lantrust scan-page http://intranet/cams --root ca/root.pem --json > scan.json
  lantrust scan-page https://intranet/cams --root ca/root.pem --html scan-report.html

What it checks, for every img/srcset, picture source, video/audio (and poster), iframe, object,
embed and CSS url() on the page, as Chrome 142+ does:
  - http:// on an https page: public IP hosts are blocked as mixed content; private IPs, .local
    names and localhost load over plain http; other names are upgraded to https with no fallback
  - Local Network Access: a page on a public address reaching a private one needs a permission
  - everything on https: the certificate verdict of \`lantrust test\` with the same roots

Options:
  --root FILE            trust this root (repeatable), as Chrome would once it is installed
  --chrome-policy FILE   trust the roots in a Chrome managed-policy JSON file
  --system               also trust this machine's system store
  --resolve HOST:PORT:ADDR  connect to ADDR for HOST:PORT, like curl (repeatable)
  --timeout MS           per request (default 5000)
  --page-space SPACE     public, local or loopback: where employees reach the page from, when its
                         address doesn't say it (reverse proxy, NAT)
  --json                 one JSON document {"page": {...}, "results": [...]}
  --html FILE            also write a self-contained HTML report
  --fix-html OUT         write the page with sources switched to https where that would load

Exit codes: 0 Chrome shows the page and every source, 1 something won't show, 2 unusable input.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('scan-page', args, {
    root: { type: 'string', multiple: true },
    'chrome-policy': { type: 'string' },
    system: { type: 'boolean' },
    resolve: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    'page-space': { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
    'fix-html': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UserError('give exactly one page address, e.g. `lantrust scan-page https://intranet/cams.html --root ca/root.pem`.');
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UserError(`--timeout ${values.timeout} is not a number of milliseconds; try --timeout 5000.`);
  const space = values['page-space'];
  if (space !== undefined && space !== 'public' && space !== 'local' && space !== 'loopback') throw new UserError(`--page-space ${space} is not public, local or loopback.`);

  const { scanPage } = await import('../scan/index.js');
  const { formatHuman, formatHtml } = await import('../scan/report.js');
  const { rewriteDocument, writeAtomically } = await import('../scan/fix.js');
  const { report, doc } = await scanPage(positionals[0]!, {
    roots: values.root,
    chromePolicy: values['chrome-policy'],
    system: values.system,
    resolve: values.resolve,
    timeoutMs,
    pageSpace: space,
  });
  const write = async (path: string, text: string, encoding: BufferEncoding, what: string) => {
    try {
      await writeAtomically(path, text, encoding);
    } catch (e) {
      throw new UserError(`cannot write the ${what} ${path} (${(e as { code?: string }).code ?? 'error'}); check that its folder exists and is writable.`);
    }
  };
  if (values.html) await write(values.html, formatHtml(report), 'utf8', 'HTML report');
  let fixNote = '';
  if (values['fix-html']) {
    const { text, changed } = rewriteDocument(doc, report.results);
    await write(values['fix-html'], text, doc.encoding, 'fixed page');
    fixNote = changed ? `Wrote ${values['fix-html']} with ${changed} source${changed === 1 ? '' : 's'} switched to https.` : `Wrote ${values['fix-html']} unchanged: no source has an https form that would load yet.`;
  }
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(formatHuman(report, color));
    if (fixNote) process.stdout.write(`${fixNote}\n`);
    if (values.html) process.stdout.write(`Report: ${values.html}\n`);
  }
  return report.page.loads && report.results.every((r) => r.loads) ? 0 : 1;
}
