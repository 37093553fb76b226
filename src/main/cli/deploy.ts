// lantrust deploy: put each camera's company certificate on the camera. Thin: the work is in src/main/deploy/.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDevicesCsv } from '../ca/index.js';
import { deploy, DEFAULT_RENEW_WITHIN_DAYS, DEFAULT_TIMEOUT_MS, type DeployRow } from '../deploy/index.js';
import { formatDeployLine, formatDeploySummary, renderDeployHtml } from '../deploy/report.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import { progressBar } from '../probe/report-text.js';
import { parseTarget } from '../probe/target.js';
import { intOption, parse, readSecretFile } from './args.js';
import { passphraseForUse } from './passphrase.js';

export const help = `lantrust deploy: put each camera's own company certificate on the camera, switch its HTTPS to it,
check it the way Chrome would, and undo the switch if anything is wrong. Run it again (weekly) to renew.

Examples:
  # the whole fleet (devices.csv: name,ip,dns[,address,port,user,password_file])
  lantrust deploy --dir ca --from devices.csv --user root --password-file cam-pass.txt

  # first contact: cameras still on their factory certificate can't be checked yet
  lantrust deploy --dir ca --from devices.csv --user root --password-file cam-pass.txt --dry-run
  lantrust deploy --dir ca --from devices.csv --user root --password-file cam-pass.txt --trust-current-cert
  lantrust deploy --dir ca --from devices.csv ... --expect-fingerprint lobby-cam=AB:CD:...:EF

  # one camera (the URL's path, if any, must give a frame afterwards)
  lantrust deploy --dir ca https://192.168.1.50/ --name lobby-cam --dns lobby.cams.acme.example --user root --password-file cam-pass.txt

  # the weekly renewal a scheduled task runs (only cameras expiring within 30 days are touched)
  lantrust deploy --dir ca --from devices.csv --user root --password-file cam-pass.txt --passphrase-file ca-pass.txt --renew-within 30 --json

Options:
  --dir DIR                 the CA folder (default ./ca)
  --from FILE               the cameras (devices.csv); or one camera URL as an argument with --name [--dns NAME] [--ip IP]
  --user U                  camera account with administrator rights (or the user column)
  --password-file F         its password, first line of F (or the password_file column, relative to the CSV)
  --only LABEL              only this camera (repeatable)
  --renew-within DAYS       replace company certificates expiring within DAYS (default ${DEFAULT_RENEW_WITHIN_DAYS}); others are left alone
  --key on-device|upload    on-device (default): the camera makes the key, it never leaves it; upload: lantrust makes it
  --trust-current-cert      accept the certificate a camera serves now, on first contact only, and pin it in DIR
  --expect-fingerprint LABEL=SHA256   accept exactly this certificate for LABEL (repeatable)
  --dry-run                 connect, read and print the plan; change nothing
  --concurrency N           cameras at once (default 16)
  --timeout MS              per step with a camera (default ${DEFAULT_TIMEOUT_MS}); a hung camera costs this, not a queue
  --passphrase-file F       the CA key's passphrase (else asked on a terminal)
  --json                    {"results": [...], "summary": {...}} on stdout
  --html FILE               a report page to keep or attach to a ticket

Passwords come only from files, never from the command line, and never appear in output or DIR/deploy.jsonl.
Exit codes: 0 every camera deployed, renewed or up to date and verified; 1 a camera failed or was refused; 2 usage error.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse('deploy', args, {
    dir: { type: 'string' },
    from: { type: 'string' },
    name: { type: 'string' },
    dns: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true },
    user: { type: 'string' },
    'password-file': { type: 'string' },
    only: { type: 'string', multiple: true },
    'renew-within': { type: 'string' },
    key: { type: 'string' },
    'trust-current-cert': { type: 'boolean' },
    'expect-fingerprint': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    'passphrase-file': { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
  });
  const dir = values.dir ?? 'ca';
  const key = values.key ?? 'on-device';
  if (key !== 'on-device' && key !== 'upload') throw new UserError(`--key is on-device or upload, not "${key}".`);
  const renewWithinDays = intOption(values['renew-within'], 'renew-within', 0, 3650) ?? DEFAULT_RENEW_WITHIN_DAYS;
  const concurrency = intOption(values.concurrency, 'concurrency', 1, 1024) ?? 16;
  const timeoutMs = intOption(values.timeout, 'timeout', 100, 600_000) ?? DEFAULT_TIMEOUT_MS;
  const expectFingerprints: Record<string, string> = {};
  for (const e of values['expect-fingerprint'] ?? []) {
    const eq = e.indexOf('=');
    if (eq < 1) throw new UserError(`--expect-fingerprint takes LABEL=SHA256, e.g. lobby-cam=AB:CD:...; got "${e}".`);
    expectFingerprints[e.slice(0, eq)] = e.slice(eq + 1);
  }
  const password = values['password-file'] ? await readSecretFile(values['password-file'], 'password') : undefined;
  if (password !== undefined && values.user === undefined) throw new UserError('--password-file needs --user too (the camera account it belongs to).');

  let rows: DeployRow[];
  if (values.from) {
    if (positionals.length || values.name || values.dns?.length || values.ip?.length) throw new UserError('--from takes every camera from the CSV; drop the URL, --name, --dns and --ip (or drop --from to deploy to one camera).');
    const csv = values.from;
    const text = await readFile(csv, 'utf8').catch(() => {
      throw new UserError(`cannot read ${csv}; give the path of a CSV with the header "name,ip,dns".`);
    });
    const passwords = new Map<string, string>();
    rows = [];
    for (const d of parseDevicesCsv(text, csv)) {
      const { passwordFile, ...row } = d;
      let pw = password;
      if (passwordFile) {
        const file = resolve(dirname(csv), passwordFile);
        if (!passwords.has(file)) passwords.set(file, await readSecretFile(file, `password (line ${d.line} of ${csv})`));
        pw = passwords.get(file);
      }
      const user = row.user ?? values.user;
      rows.push({ ...row, ...(user !== undefined ? { user } : {}), ...(pw !== undefined ? { password: pw } : {}) });
    }
  } else {
    if (positionals.length !== 1) throw new UserError(positionals.length ? 'give one camera URL, or several cameras with --from devices.csv.' : 'say which cameras: --from devices.csv, or one URL like https://192.168.1.50/ --name lobby-cam (see `lantrust deploy --help`).');
    const t = parseTarget(positionals[0]!);
    if ('error' in t) throw new UserError(`${t.error}; write it like https://192.168.1.50/.`);
    if (t.scheme !== 'https') throw new UserError(`deploy talks to the camera over HTTPS; write the URL as https://${t.host}${t.port === 80 ? '' : `:${t.port}`}/.`);
    rows = [
      {
        name: values.name ?? '',
        url: positionals[0]!,
        address: t.host,
        ip: [...(t.isIp ? [t.host] : []), ...(values.ip ?? [])],
        dns: [...(t.isIp ? [] : [t.host]), ...(values.dns ?? [])],
        ...(t.port !== 443 ? { port: t.port } : {}),
        ...(t.path && t.path !== '/' ? { streamPath: t.path } : {}),
        ...(values.user !== undefined ? { user: values.user } : {}),
        ...(password !== undefined ? { password } : {}),
      },
    ];
  }
  if (values.only?.length) {
    const labels = new Set(rows.map((r) => r.name));
    const missing = values.only.filter((o) => !labels.has(o));
    if (missing.length) throw new UserError(`--only ${missing[0]}: no camera has that name in ${values.from ?? 'the command line'}.`);
    rows = rows.filter((r) => values.only!.includes(r.name));
  }

  const dryRun = Boolean(values['dry-run']);
  const passphrase = dryRun ? undefined : await passphraseForUse(dir, values['passphrase-file']);
  const showProgress = Boolean(process.stderr.isTTY) && !values.json && rows.length > 1;
  const report = await deploy({
    dir,
    rows,
    ...(passphrase !== undefined ? { passphrase } : {}),
    key,
    renewWithinDays,
    dryRun,
    concurrency,
    timeoutMs,
    trustCurrentCert: Boolean(values['trust-current-cert']),
    expectFingerprints,
    ...(showProgress ? { onProgress: (d: number, n: number) => process.stderr.write(`\r${progressBar(d, n)}${d === n ? '\r\x1b[K' : ''}`) } : {}),
  });
  if (values.html) await writeFileAtomic(values.html, renderDeployHtml(report.results, report.summary));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ results: report.results, summary: report.summary }, null, 2)}\n`);
  } else {
    const width = Math.min(24, Math.max(8, ...report.results.map((r) => r.label.length)));
    for (const r of report.results) process.stdout.write(`${formatDeployLine(r, width)}\n`);
    process.stdout.write(`\n${formatDeploySummary(report.summary, dryRun, report.journal)}\n`);
    if (values.html) process.stdout.write(`Report written to ${values.html}\n`);
  }
  return report.results.every((r) => ['deployed', 'renewed', 'up-to-date', 'skipped'].includes(r.action)) ? 0 : 1;
}
