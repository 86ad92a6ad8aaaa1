/** A command line that cannot be run; the message says what to change and never echoes a secret. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
