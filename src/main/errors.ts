/**
 * An error the user can act on: its message is one sentence that says what happened and what to do.
 * The CLI prints only the message and exits with `exitCode` (2 = unusable input or usage, 1 = a check failed).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Best short description of any thrown value, for places that must not print a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
