// Argument parsing shared by every verb: node's util.parseArgs, with errors turned into one sentence.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<T extends Options> {
  values: { [K in keyof T]?: T[K] extends { multiple: true } ? (T[K]['type'] extends 'string' ? string[] : boolean[]) : T[K]['type'] extends 'string' ? string : boolean };
  positionals: string[];
}

/** Parses `args` for `verb`; an unknown or malformed option becomes a UserError (exit 2). */
export function parse<T extends Options>(verb: string, args: string[], options: T, allowPositionals = true): Parsed<T> {
  try {
    const r = parseArgs({ args, options, allowPositionals, strict: true });
    return r as unknown as Parsed<T>;
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify.*$/s, '').replace(/\s+/g, ' ').trim();
    throw new UserError(`${msg.replace(/\.$/, '')}; see \`lantrust ${verb} --help\`.`);
  }
}

/** Reads a secret (passphrase, password) from the first line of a file. */
export async function readSecretFile(path: string, what: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`cannot read the ${what} file ${path}; check the path.`);
  }
  // The first line, as the help says: an editor's trailing newline or a note below it is not part of the secret.
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (!line) throw new UserError(`the first line of the ${what} file ${path} is empty; put the ${what} on the first line.`);
  return line;
}

/**
 * A whole-number option: undefined when not given, else a number within [min, max]; anything else is
 * one sentence naming the option (bounds the core checks itself can be left wide).
 */
export function intOption(v: string | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UserError(`--${name} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ''}, not "${v}".`);
  }
  return Number(v);
}
