import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelError } from '../errors/zitadel.error.js';
import type { CliWords } from './cli-arguments.js';
import { CliUsageError } from './cli-usage-error.js';
import { EXIT } from './cli-usage.js';

/** The module's option names, as a CLI user knows them. */
const PHRASES: readonly (readonly [string, string])[] = [
  ['allowInsecureIssuer: true', '--allow-insecure-issuer'],
  ['configure it as serviceUser, not apiApplication.', 'use it with "token", not "introspect".'],
  ['configure it as apiApplication, not serviceUser.', 'use it with "introspect", not "token".'],
  ['the option discovery.trustedOrigins', '--trusted-origin'],
];

/**
 * What went wrong, one line each, in the CLI's words: a configuration issue is named by the flag
 * or environment variable it came from (`--key-file: ...`, not `serviceUser.keyFile: ...`), and
 * module option names in the library's messages become flags. Other messages stay the library's
 * (they name no secret).
 */
export function describeCliError(error: unknown, words: CliWords): string[] {
  if (error instanceof ZitadelConfigurationError)
    return error.issues.map((issue) => `${words[issue.path] ?? issue.path}: ${speak(issue.message)}`);
  if (error instanceof ZitadelError || error instanceof CliUsageError) return [speak(error.message)];
  return [error instanceof Error ? error.message : String(error)];
}

/** The exit code for an error (see {@link EXIT}). */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliUsageError || error instanceof ZitadelConfigurationError ? EXIT.usage : EXIT.failed;
}

function speak(message: string): string {
  return PHRASES.reduce((text, [option, flag]) => text.replaceAll(option, flag), message);
}
