/**
 * A failure the CLI reports as one line on stderr, `error: <message>`, and exits with `exitCode`.
 * Anything else that escapes is a bug, reported the same way without a stack trace.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A mistake in how the command was typed (unknown kind, bad flag value): exit code 2, like a shell builtin. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message, 2);
  }
}
