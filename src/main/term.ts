// Terminal colours for human output (reports in probe/, truststore/ and the CLI); plain text when
// stdout is not a terminal or NO_COLOR is set.
const tty = process.stdout.isTTY && !process.env.NO_COLOR;

export const color = {
  red: (s: string) => (tty ? `\x1b[31m${s}\x1b[0m` : s),
  green: (s: string) => (tty ? `\x1b[32m${s}\x1b[0m` : s),
  yellow: (s: string) => (tty ? `\x1b[33m${s}\x1b[0m` : s),
  dim: (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s),
  bold: (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s),
};
