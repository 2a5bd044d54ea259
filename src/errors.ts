/**
 * Exit codes and the error type every command throws. The values are the ones
 * etcdctl uses, so scripts that branch on them keep working.
 */
export const ExitCode = {
  Success: 0,
  Error: 1,
  BadConnection: 2,
  InvalidInput: 3,
  BadFeature: 4,
  Interrupted: 5,
  IO: 6,
  BadArgs: 128,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error that ends the command: printed as `Error: <message>` on stderr,
 * followed by any hint lines, and the process exits with `code`.
 */
export class EtcdctlError extends Error {
  readonly code: number;
  /** Extra lines printed after the `Error:` line (our diagnostics; etcdctl has none). */
  readonly hints: string[];

  /** The failure was already reported; only the exit code is left. */
  readonly silent: boolean;

  constructor(message: string, code: number = ExitCode.Error, hints: string[] = [], silent = false) {
    super(message);
    this.name = 'EtcdctlError';
    this.code = code;
    this.hints = hints;
    this.silent = silent;
  }
}

export function badArgs(message: string): EtcdctlError {
  return new EtcdctlError(message, ExitCode.BadArgs);
}

export function badFeature(message: string): EtcdctlError {
  return new EtcdctlError(message, ExitCode.BadFeature);
}

export function invalidInput(message: string): EtcdctlError {
  return new EtcdctlError(message, ExitCode.InvalidInput);
}
