// The `lantrust` command: dispatches to one file per verb, loaded lazily so `--help` starts fast.
import { UserError, errorMessage } from '../errors.js';

export interface Verb {
  /** Help text made of examples; printed by `lantrust VERB --help`. */
  help: string;
  run(args: string[]): Promise<number>;
}

interface VerbEntry {
  summary: string;
  load: () => Promise<Verb>;
}

// A variable specifier keeps verbs lazily loaded (and lets a build ship without a verb).
const loadVerb = (file: string): Promise<Verb> => import(`./${file}.js`) as Promise<Verb>;

// One line per verb. Keep summaries short: they are the whole of `lantrust --help`.
const verbs: Record<string, VerbEntry> = {
  demo: { summary: 'the whole flow on a demo company and a simulated camera', load: () => loadVerb('demo') },
  'check-root': { summary: 'is this root fit to hand to every employee?', load: () => loadVerb('check-root') },
  describe: { summary: 'show what is inside a certificate file', load: () => loadVerb('describe') },
  ca: { summary: 'make a name-constrained company root and a certificate per device', load: () => loadVerb('ca') },
  deploy: { summary: "put each camera's certificate on the camera, and renew it", load: () => loadVerb('deploy') },
  test: { summary: 'what Chrome will say about a camera, and why', load: () => loadVerb('test') },
  'scan-page': { summary: 'check an intranet page the way Chrome loads it', load: () => loadVerb('scan-page') },
  gen: { summary: 'the IT pack: PowerShell, GPO and browser policies', load: () => loadVerb('gen') },
  site: { summary: 'the intranet page every employee opens: installer, trust, live check', load: () => loadVerb('site') },
  install: { summary: "trust the root in this machine's stores", load: () => loadVerb('install') },
  status: { summary: 'is the root trusted here? (reads every store fresh)', load: () => loadVerb('status') },
  uninstall: { summary: 'remove exactly that root from the stores', load: () => loadVerb('uninstall') },
  ui: { summary: 'the employee/helpdesk app in your browser (127.0.0.1)', load: () => loadVerb('ui') },
  'build-installer': { summary: 'build the signed employee installer (Windows)', load: () => loadVerb('build-installer') },
  sign: { summary: 'Authenticode-sign .exe, .msi and .ps1 files', load: () => loadVerb('sign') },
};

const usage = `lantrust: get your company's devices trusted by every employee's browser.

Usage: lantrust COMMAND [options]     (lantrust COMMAND --help for examples)

Commands:
${Object.entries(verbs)
  .map(([name, v]) => `  ${name.padEnd(16)} ${v.summary}`)
  .join('\n')}

Start here:
  lantrust demo                              the whole flow, nothing to set up
  lantrust ca init --dir ca --name "Acme" --permit-dns cams.acme.example --permit-cidr 192.168.0.0/16
  lantrust check-root ca/root.pem
  lantrust test https://192.168.1.50/ --root ca/root.pem
  lantrust deploy --dir ca --from devices.csv --user root --password-file cam-pass.txt --trust-current-cert
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] && verbs[rest[0]]) return main([rest[0], '--help']);
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const entry = verbs[name];
  if (!entry) {
    throw new UserError(`"${name}" is not a lantrust command; run \`lantrust --help\` to see them.`);
  }
  let verb: Verb;
  try {
    verb = await entry.load();
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String(errorMessage(e)).includes(`cli/${name}.js`)) {
      throw new UserError(`"${name}" is not available in this build yet.`);
    }
    throw e;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(verb.help.endsWith('\n') ? verb.help : `${verb.help}\n`);
    return 0;
  }
  return verb.run(rest);
}

/** Runs the CLI and turns every failure into one sentence on stderr and an exit code — never a stack trace. */
export async function runCli(argv: string[]): Promise<void> {
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`lantrust: ${e.message}\n`);
      code = e.exitCode;
    } else {
      process.stderr.write(`lantrust: unexpected error: ${oneLine(errorMessage(e))}. Please report it (run with LANTRUST_DEBUG=1 for details).\n`);
      if (process.env.LANTRUST_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
      code = 70;
    }
  }
  process.exitCode = code;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

// `lantrust ca list | head -2`: a reader that goes away early is not an error worth a stack trace.
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const isEntry = process.argv[1] !== undefined && /lantrust(\.js)?$|cli[\\/]index\.js$/.test(process.argv[1]);
if (isEntry) {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  void runCli(process.argv.slice(2));
}
