// lantrust test: what Chrome will say about each camera, why, and what to do about it.
import { UserError } from '../errors.js';
import { loadAnchors, testUrls } from '../probe/index.js';
import { renderHtml } from '../probe/report-html.js';
import { formatReport, progressBar } from '../probe/report-text.js';
import { parseResolve, parseTarget } from '../probe/target.js';
import { readUrlFile } from '../probe/urls-file.js';
import { intOption, parse, readSecretFile } from './args.js';
import { writeFileAtomic } from '../fsutil.js';

export const help = `lantrust test: what Chrome will say about a camera (net::OK or the exact net::ERR_...), why, and the fix.

Examples:
  lantrust test https://192.168.1.50/ --root ca/root.pem
  lantrust test https://cam1.cams.example.com/ --root ca/root.pem --resolve cam1.cams.example.com:443:192.168.1.50
  lantrust test --from cameras.txt --root ca/root.pem --html report.html
  lantrust test --from cameras.csv --chrome-policy /etc/opt/chrome/policies/managed/lantrust.json --json > verdicts.json
  lantrust test https://192.168.1.50/axis-cgi/mjpg/video.cgi --root ca/root.pem --frame --user viewer --password-file pw.txt
  lantrust test https://192.168.1.50/ --system        what this PC's own store says (no --root: "does it work here?")

Options:
  --root FILE            trust this root (PEM/DER; repeatable)
  --chrome-policy FILE   trust the roots in a Chrome policy JSON (CACertificates, CACertificatesWithConstraints)
  --system               also trust this machine's system store
  --from FILE            URLs to test: one a line (# comments), or a CSV with a "url" column
  --resolve H:P:ADDR     connect to ADDR for host H port P, like curl (repeatable)
  --timeout MS           per camera, default 5000: lookup, handshake, AIA downloads and --frame all within it;
                         a hung camera costs one timeout, in parallel with the rest
  --concurrency N        cameras at once, default 32
  --frame                after a good verdict, fetch the first JPEG of the stream (MJPEG or single image)
  --frame-dir DIR        save first frames there
  --user U --password-file F   credentials for --frame (Basic or Digest)
  --json                 one JSON document {"results": [...]} on stdout
  --html FILE            a self-contained report (summary, details, thumbnails) to attach to a ticket

Exit codes: 0 every URL would load (net::OK), 1 at least one would fail, 2 usage error.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('test', args, {
    root: { type: 'string', multiple: true },
    'chrome-policy': { type: 'string' },
    system: { type: 'boolean' },
    from: { type: 'string' },
    resolve: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    concurrency: { type: 'string' },
    frame: { type: 'boolean' },
    'frame-dir': { type: 'string' },
    user: { type: 'string' },
    'password-file': { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
  });
  const urls = [...positionals, ...(values.from ? await readUrlFile(values.from) : [])];
  if (!urls.length) throw new UserError('give at least one camera URL, e.g. `lantrust test https://192.168.1.50/ --root ca/root.pem`, or --from cameras.txt.');
  for (const u of urls) {
    const t = parseTarget(u);
    if ('error' in t) throw new UserError(`${t.error}; write it like https://192.168.1.50/ or https://cam1.example.com/.`);
  }
  const timeoutMs = intOption(values.timeout, 'timeout', 1, 600_000) ?? 5000;
  const concurrency = intOption(values.concurrency, 'concurrency', 1, 1024) ?? 32;
  const resolve = values.resolve ?? [];
  parseResolve(resolve); // validates before any connection
  if (values['password-file'] && values.user === undefined) throw new UserError('--password-file needs --user too.');
  if ((values.user !== undefined || values['frame-dir']) && !values.frame) throw new UserError('--user and --frame-dir are for --frame; add --frame.');
  const password = values['password-file'] ? await readSecretFile(values['password-file'], 'password') : undefined;
  const anchors = await loadAnchors({ ...(values.root ? { roots: values.root } : {}), ...(values['chrome-policy'] ? { chromePolicy: values['chrome-policy'] } : {}), ...(values.system ? { system: true } : {}) });

  const tty = process.stderr.isTTY && !values.json && urls.length > 3;
  const results = await testUrls(
    urls,
    {
      anchors,
      resolve,
      timeoutMs,
      concurrency,
      ...(values.frame ? { frame: true, keepFrame: Boolean(values.html) } : {}),
      ...(values['frame-dir'] ? { frameDir: values['frame-dir'] } : {}),
      ...(values.user !== undefined ? { user: values.user, password: password ?? '' } : {}),
    },
    tty ? (d, n) => process.stderr.write(`\r${progressBar(d, n)}${d === n ? '\r\x1b[K' : ''}`) : undefined,
  );
  if (values.html) {
    await writeFileAtomic(values.html, renderHtml(results));
  }
  if (values.json) {
    const out = results.map(({ stream, ...r }) => ({ ...r, stream: { ...stream, frameBase64: undefined } }));
    process.stdout.write(`${JSON.stringify({ results: out }, null, 2)}\n`);
  } else {
    if (!anchors.length) process.stdout.write('(no --root, --chrome-policy or --system given: testing as a PC that trusts nothing extra)\n');
    process.stdout.write(formatReport(results));
    if (values.html) process.stdout.write(`Report written to ${values.html}\n`);
  }
  return results.every((r) => r.chrome.error === 'net::OK') ? 0 : 1;
}
