// lantrust ca init | issue | sign | list: the company CA. Thin: the work is in src/main/ca/.
import { checkDevice, initCa, issueCertificate, issueFromCsv, listIssued, parseDevicesCsv, signCsr, parseKeyType, EXPIRY_WARNING_DAYS } from '../ca/index.js';
import { UserError } from '../errors.js';
import { intOption, parse, readSecretFile } from './args.js';
import { passphraseForInit, passphraseForUse } from './passphrase.js';
import { color } from './format.js';

export const help = `lantrust ca: a name-constrained company root and a unique certificate per device.

Examples:
  # once: the root employees will trust (only your names and ranges), key encrypted with a passphrase
  lantrust ca init --dir ca --name "Acme Ltd" --permit-dns cams.acme.example --permit-cidr 192.168.0.0/16
  lantrust ca init --dir ca --name "Acme Ltd" --permit-cidr 10.20.0.0/16 --intermediate --passphrase-file pass.txt

  # a camera: files in ca/devices/ (LABEL.crt, .key, .chain.pem, .server.pem and .p12)
  lantrust ca issue --dir ca --name lobby-cam --ip 192.168.1.50 --dns lobby.cams.acme.example --p12-pass-file p12.txt
  lantrust ca issue --dir ca lobby.cams.acme.example 192.168.1.50      (names as arguments, like mkcert)

  # the whole fleet: devices.csv has the header name,ip,dns (several values in a cell separated by spaces)
  lantrust ca issue --dir ca --from devices.csv --out certs/

  # a device that keeps its own key (Axis: create_certificate, then get_csr)
  lantrust ca sign --dir ca --csr lobby-cam.csr --out lobby-cam.crt

  # what was issued, soonest expiry first
  lantrust ca list --dir ca
  lantrust ca list --dir ca --json

Options:
  --dir DIR                the CA folder (default: ./ca)
  init:   --name NAME  --permit-dns DOMAIN...  --permit-cidr CIDR...  [--exclude-dns D] [--exclude-cidr C]
          [--key ec-p256|ec-p384|rsa-2048|rsa-3072|rsa-4096] [--years 10] [--intermediate]
  issue:  [--name LABEL] [--ip IP]... [--dns NAME]... [--from devices.csv] [--days 397] [--key ec-p256]
          [--out DIR (default DIR/devices)] [--p12-pass-file F] [--json]
  sign:   --csr FILE [--name LABEL] [--days 397] [--out FILE (default: print)] [--json]
  list:   [--all] [--json]
  --passphrase-file F      the CA key's passphrase (first line of F); without it lantrust asks on a terminal
  --no-passphrase          init only: store the CA key unencrypted (demos and throwaway labs only)

Only names inside the root's constraints are issued: anything else is refused (exit 1) and no file is written.
Exit codes: 0 done, 1 a device was refused, 2 unusable input.
`;

const common = {
  dir: { type: 'string' },
  'passphrase-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'init':
      return runInit(rest);
    case 'issue':
      return runIssue(rest);
    case 'sign':
      return runSign(rest);
    case 'list':
      return runList(rest);
    default:
      throw new UserError(sub ? `"ca ${sub}" is not a ca command; use ca init, ca issue, ca sign or ca list (see \`lantrust ca --help\`).` : 'say what to do: ca init, ca issue, ca sign or ca list (see `lantrust ca --help`).');
  }
}

const out = (s: string) => process.stdout.write(`${s}\n`);

// ---------- verbs ----------

async function runInit(args: string[]): Promise<number> {
  const { values, positionals } = parse('ca', args, {
    ...common,
    name: { type: 'string' },
    'permit-dns': { type: 'string', multiple: true },
    'permit-cidr': { type: 'string', multiple: true },
    'exclude-dns': { type: 'string', multiple: true },
    'exclude-cidr': { type: 'string', multiple: true },
    key: { type: 'string' },
    years: { type: 'string' },
    intermediate: { type: 'boolean' },
    'no-passphrase': { type: 'boolean' },
  });
  if (positionals.length) throw new UserError(`unexpected "${positionals[0]}"; ca init takes only options (see \`lantrust ca --help\`).`);
  if (!values.name) throw new UserError('give the company name with --name, e.g. --name "Acme Ltd"; it is what employees see.');
  const dir = values.dir ?? 'ca';
  const key = parseKeyType(values.key);
  const years = intOption(values.years, 'years');
  if (!values['permit-dns']?.length && !values['permit-cidr']?.length) {
    throw new UserError('give at least one --permit-dns DOMAIN or --permit-cidr RANGE: the root may vouch only for your own names, e.g. --permit-dns cams.acme.example --permit-cidr 192.168.0.0/16.');
  }
  const passphrase = await passphraseForInit(values['passphrase-file'], values['no-passphrase']);
  const r = await initCa({
    dir,
    name: values.name,
    permitDns: values['permit-dns'] ?? [],
    permitCidr: values['permit-cidr'] ?? [],
    excludeDns: values['exclude-dns'] ?? [],
    excludeCidr: values['exclude-cidr'] ?? [],
    key,
    ...(years !== undefined ? { years } : {}),
    intermediate: Boolean(values.intermediate),
    passphrase,
  });
  if (values.json) {
    out(JSON.stringify({ dir: r.dir, files: r.files, settings: r.settings, sha256: r.root.info.sha256, trusts: r.trusts, findings: r.findings }, null, 2));
    return 0;
  }
  out(color.green(`✓ Made the company root for ${r.settings.name} in ${r.dir}`));
  out(`  Root         ${r.files.root}   (give this to every employee machine)`);
  out(`  Trusts       ${r.trusts}`);
  out(`  SHA-256      ${r.root.info.sha256}`);
  out(`  Valid until  ${r.root.info.notAfter.slice(0, 10)}`);
  if (r.intermediate) {
    out(`  Intermediate ${r.files.intermediate}   (signs devices; ${r.files.rootKey} can now go offline)`);
  }
  out(`  Key          ${r.files.rootKey}   (${r.settings.keyProtection === 'none' ? color.yellow('NOT encrypted: --no-passphrase') : 'encrypted, scrypt + AES-256'}, mode 0600; back up the whole folder)`);
  out('\nNext:');
  out(`  lantrust check-root ${r.files.root}`);
  out(`  lantrust ca issue --dir ${dir} --name lobby-cam --ip ${firstIp(r.settings.constraints.permitCidr)} ${r.settings.constraints.permitDns[0] ? `--dns lobby.${r.settings.constraints.permitDns[0].replace(/^\./, '')}` : ''}`.trimEnd());
  out(`  lantrust gen --root ${r.files.root} --out pack`);
  return 0;
}

function firstIp(cidrs: string[]): string {
  const v4 = cidrs.find((c) => c.includes('.') && !c.startsWith('0.0.0.0'));
  if (!v4) return '192.168.1.50';
  const [addr] = v4.split('/');
  const parts = addr!.split('.').map(Number);
  parts[3] = parts[3]! + 10;
  return parts.join('.');
}

async function readP12Pass(file: string | undefined): Promise<string | undefined> {
  return file ? readSecretFile(file, '.p12 password') : undefined;
}

async function runIssue(args: string[]): Promise<number> {
  const { values, positionals } = parse('ca', args, {
    ...common,
    name: { type: 'string' },
    ip: { type: 'string', multiple: true },
    dns: { type: 'string', multiple: true },
    from: { type: 'string' },
    days: { type: 'string' },
    key: { type: 'string' },
    out: { type: 'string' },
    'p12-pass-file': { type: 'string' },
  });
  const dir = values.dir ?? 'ca';
  const key = parseKeyType(values.key);
  const days = intOption(values.days, 'days');
  const p12Passphrase = await readP12Pass(values['p12-pass-file']);
  const leaf = { key, ...(days !== undefined ? { days } : {}), ...(p12Passphrase !== undefined ? { p12Passphrase } : {}), ...(values.out ? { out: values.out } : {}) };

  if (values.from) {
    if (values.ip?.length || values.dns?.length || values.name || positionals.length) {
      throw new UserError('--from takes every device from the CSV; drop --name/--ip/--dns (or drop --from to issue one device).');
    }
    // Read and check the file before asking for the passphrase: a typo in the path should not cost a prompt.
    const { readFile } = await import('node:fs/promises');
    const csvText = await readFile(values.from, 'utf8').catch(() => {
      throw new UserError(`cannot read ${values.from}; give the path of a CSV with the header "name,ip,dns".`);
    });
    parseDevicesCsv(csvText, values.from);
    const passphrase = await passphraseForUse(dir, values['passphrase-file']);
    const r = await issueFromCsv({ dir, csv: values.from, csvText, passphrase, ...leaf });
    if (values.json) {
      out(JSON.stringify({ out: r.out, issued: r.issued.map(({ certPem: _c, chainPem: _p, ...d }) => d), refused: r.refused }, null, 2));
    } else {
      for (const d of r.issued) out(`${color.green('✓')} ${d.label.padEnd(20)} ${[...d.ip, ...d.dns].join(', ')}`);
      for (const f of r.refused) out(`${color.red('✗')} ${f.label.padEnd(20)} line ${f.line}: ${f.reason}`);
      out(`\n${r.issued.length} issued into ${r.out}${r.refused.length ? color.red(`, ${r.refused.length} refused (nothing written for them)`) : ''} in ${(r.ms / 1000).toFixed(2)} s.`);
    }
    return r.refused.length ? 1 : 0;
  }

  // Names given as arguments are sorted into IPs and DNS names, like mkcert.
  const { isIP } = await import('node:net');
  const ip = [...(values.ip ?? []), ...positionals.filter((p) => isIP(p.replace(/^\[|\]$/g, '')))];
  const dns = [...(values.dns ?? []), ...positionals.filter((p) => !isIP(p.replace(/^\[|\]$/g, '')))];
  if (!ip.length && !dns.length) throw new UserError('give the device\'s names: --ip ADDRESS and/or --dns NAME (or --from devices.csv for many devices).');
  // Check names against the CA before asking for the passphrase: a refusal should not cost a prompt.
  const dev = await checkDevice(dir, { ...(values.name ? { label: values.name } : {}), ip, dns });
  const passphrase = await passphraseForUse(dir, values['passphrase-file']);
  const d = await issueCertificate({ dir, label: dev.label, ip: dev.ip, dns: dev.dns, passphrase, ...leaf });
  if (values.json) {
    const { certPem: _c, chainPem: _p, ...rest } = d;
    out(JSON.stringify(rest, null, 2));
    return 0;
  }
  out(color.green(`✓ Issued ${d.label} for ${[...d.ip, ...d.dns].join(', ')} (valid until ${d.notAfter.slice(0, 10)})`));
  out(`  ${d.files.chain}   certificate + chain: what the device serves`);
  out(`  ${d.files.key}   private key (mode 0600; only for this device)`);
  out(`  ${d.files.crt}   certificate alone`);
  out(`  ${d.files.server}   key + certificate + chain in one file (older Axis firmware, appliances)`);
  if (d.files.p12) out(`  ${d.files.p12}   PKCS#12 for Axis install_from_pkcs12`);
  return 0;
}

async function runSign(args: string[]): Promise<number> {
  const { values, positionals } = parse('ca', args, {
    ...common,
    csr: { type: 'string' },
    name: { type: 'string' },
    days: { type: 'string' },
    out: { type: 'string' },
  });
  const csr = values.csr ?? positionals[0];
  if (!csr) throw new UserError('give the device\'s certificate request with --csr FILE.');
  const dir = values.dir ?? 'ca';
  const days = intOption(values.days, 'days');
  const passphrase = await passphraseForUse(dir, values['passphrase-file']);
  const r = await signCsr({ dir, csr, passphrase, ...(values.name ? { label: values.name } : {}), ...(days !== undefined ? { days } : {}), ...(values.out ? { out: values.out } : {}) });
  if (values.json) {
    out(JSON.stringify(r, null, 2));
    return 0;
  }
  if (!r.out) {
    process.stdout.write(r.chainPem);
    process.stderr.write(`lantrust: signed ${r.label} for ${[...r.ip, ...r.dns].join(', ')} (valid until ${r.notAfter.slice(0, 10)}).\n`);
  } else {
    out(color.green(`✓ Signed ${r.label} for ${[...r.ip, ...r.dns].join(', ')} (valid until ${r.notAfter.slice(0, 10)})`));
    out(`  ${r.out}   certificate + chain: upload it to the device that made the request`);
  }
  const note = (s: string) => process.stderr.write(`${color.yellow('!')} ${s}\n`);
  if (r.fromCommonName) note('the request had no subjectAltName, so its CN was used as the name.');
  if (r.ignored.length) note(`left out names lantrust does not issue: ${r.ignored.join(', ')}.`);
  return 0;
}

async function runList(args: string[]): Promise<number> {
  const { values } = parse('ca', args, { ...common, all: { type: 'boolean' } }, false);
  const dir = values.dir ?? 'ca';
  const r = await listIssued(dir, { all: Boolean(values.all) });
  if (values.json) {
    out(JSON.stringify(r, null, 2));
    return 0;
  }
  if (r.damagedLines.length) process.stderr.write(`${color.yellow('!')} skipped damaged lines ${r.damagedLines.join(', ')} of ${dir}/issued.jsonl.\n`);
  if (!r.entries.length) {
    out(`Nothing issued yet by ${dir}; issue a device with \`lantrust ca issue --dir ${dir} --name LABEL --ip IP\`.`);
    return 0;
  }
  const rows = r.entries.map((e) => [e.notAfter.slice(0, 10), e.daysLeft < 0 ? 'expired' : `${e.daysLeft} d`, e.label, [...e.ip, ...e.dns].join(' '), e.superseded ? '(renewed)' : ''] as const);
  const w = [10, Math.max(...rows.map((x) => x[1].length)), Math.max(...rows.map((x) => x[2].length))];
  out(color.bold(`${'expires'.padEnd(w[0]!)}  ${'left'.padEnd(w[1]!)}  ${'label'.padEnd(w[2]!)}  names`));
  r.entries.forEach((e, i) => {
    const [d, left, label, names, sup] = rows[i]!;
    const line = `${d}  ${left.padEnd(w[1]!)}  ${label.padEnd(w[2]!)}  ${names} ${sup}`.trimEnd();
    out(e.status === 'expired' ? color.red(line) : e.status === 'expiring' ? color.yellow(line) : line);
  });
  const soon = r.entries.filter((e) => e.status !== 'ok' && !e.superseded);
  if (soon.length) {
    out(color.yellow(`\n! ${soon.length} certificate${soon.length > 1 ? 's' : ''} expired or expiring within ${EXPIRY_WARNING_DAYS} days: renew with \`lantrust ca issue --dir ${dir} --name LABEL ...\` (same label replaces the files).`));
  }
  return 0;
}
