// The CA key's passphrase for every verb that signs: from --passphrase-file, else asked on a terminal
// without echo, else one sentence saying how to give it.
import { caKeyIsEncrypted } from '../ca/index.js';
import { UserError } from '../errors.js';
import { readSecretFile } from './args.js';

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const rlAny = rl as unknown as { _writeToOutput: (s: string) => void };
  let muted = false;
  rlAny._writeToOutput = (s: string) => {
    if (!muted || s.includes('\n') || s.includes('\r')) process.stderr.write(muted ? '\n' : s);
  };
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    muted = true;
  });
}

function noTty(what: string): UserError {
  return new UserError(`${what}, but stdin is not a terminal so lantrust cannot ask; give it with --passphrase-file FILE.`);
}

export async function passphraseForInit(file: string | undefined, none: boolean | undefined): Promise<string | null> {
  if (file && none) throw new UserError('give either --passphrase-file or --no-passphrase, not both.');
  if (none) return null;
  if (file) return readSecretFile(file, 'passphrase');
  if (!process.stdin.isTTY) throw noTty('the CA key needs a passphrase (or --no-passphrase for a throwaway lab)');
  const a = await promptHidden('Passphrase for the CA key (8+ characters): ');
  const b = await promptHidden('Same passphrase again: ');
  if (a !== b) throw new UserError('the two passphrases differ; run the command again.');
  return a;
}

export async function passphraseForUse(dir: string, file: string | undefined): Promise<string | null> {
  if (!(await caKeyIsEncrypted(dir))) return null;
  if (file) return readSecretFile(file, 'passphrase');
  if (!process.stdin.isTTY) throw noTty(`the CA key in ${dir} is encrypted`);
  return promptHidden(`Passphrase for the CA key in ${dir}: `);
}
