/** Errors that end a command, with the exit code scripts see. */

/** Exit codes: 0 ok, 1 findings (invalid claim, failed control, not Ready), 2 usage or error. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** A wrong command line: the message says what, and the help hint how to fix it. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` to point at (empty for the top level). */
    readonly command = '',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Anything else that stops a command (unreadable file, bad YAML, unreachable API server). */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}
