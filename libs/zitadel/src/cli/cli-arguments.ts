import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestKey } from '../config/did-you-mean.js';
import type { ApiApplicationCredentials, ServiceUserCredentials } from '../config/zitadel-options.interface.js';
import { apiApplicationCredentials, serviceUserCredentials } from './cli-credentials.js';
import { CliUsageError } from './cli-usage-error.js';

/** Where ZITADEL is and what its discovery document may point to. */
export interface CliConnection {
  readonly issuer: string;
  readonly allowInsecureIssuer: boolean;
  readonly trustedOrigins: readonly string[];
}

/**
 * For each module option path the CLI fills (`issuer`, `serviceUser.keyFile`, ...), the flag or
 * environment variable it came from, so that the library's configuration errors speak CLI words.
 */
export type CliWords = Readonly<Record<string, string>>;

/** A parsed command line of the `nestjs-zitadel` CLI. */
export type CliCommand =
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | {
      readonly command: 'token';
      readonly connection: CliConnection;
      readonly serviceUser: ServiceUserCredentials;
      readonly scopes: readonly string[];
      readonly words: CliWords;
    }
  | {
      readonly command: 'introspect';
      readonly connection: CliConnection;
      readonly apiApplication: ApiApplicationCredentials;
      readonly token: string | undefined;
      readonly words: CliWords;
    };

const OPTIONS = {
  issuer: { type: 'string' },
  'allow-insecure-issuer': { type: 'boolean' },
  'trusted-origin': { type: 'string', multiple: true },
  'key-file': { type: 'string' },
  'key-json': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  pat: { type: 'string' },
  scope: { type: 'string', multiple: true },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

const COMMANDS = ['token', 'introspect'] as const;

/**
 * Parses the CLI's arguments; credentials and the issuer fall back to the sample app's
 * environment variables.
 *
 * @throws {CliUsageError} an unknown command or option (with the closest known one), a missing
 *   or conflicting option. The message never contains an option's value.
 */
export function parseCliArguments(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  rejectUnknownOptions(argv);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { command: 'help' };
  if (command !== 'token' && command !== 'introspect') throw unknownCommand(command);
  if (rest.length > 0)
    // Not echoed: a stray argument is often a token or secret that lost its flag.
    throw new CliUsageError(
      `Unexpected argument after "${command}" (${rest.length} more); options start with --` +
        (command === 'introspect' ? ', the token goes after --token or on standard input.' : '.'),
    );
  const { connection, words } = readConnection(values, env);
  if (command === 'token') {
    if (values.token !== undefined) throw new CliUsageError('--token applies to "introspect" only.');
    const { credentials, words: credentialWords } = serviceUserCredentials(values, env);
    const scopes = values.scope ?? [];
    if ('personalAccessToken' in credentials && scopes.length > 0)
      throw new CliUsageError(
        `--scope does not apply to a personal access token (${credentialWords['serviceUser.personalAccessToken']}): ZITADEL fixes its scopes.`,
      );
    return { command, connection, serviceUser: credentials, scopes, words: { ...words, ...credentialWords } };
  }
  if (values.scope !== undefined) throw new CliUsageError('--scope applies to "token" only.');
  const { credentials, words: credentialWords } = apiApplicationCredentials(values, env);
  return {
    command,
    connection,
    apiApplication: credentials,
    token: values.token,
    words: { ...words, ...credentialWords },
  };
}

function readConnection(
  values: { issuer?: string; 'allow-insecure-issuer'?: boolean; 'trusted-origin'?: string[] },
  env: NodeJS.ProcessEnv,
): { connection: CliConnection; words: CliWords } {
  const fromEnv = values.issuer === undefined;
  const issuer = (values.issuer ?? env['ZITADEL_ISSUER'])?.trim();
  if (issuer === undefined || issuer === '') throw new CliUsageError('--issuer is required (or set ZITADEL_ISSUER).');
  const trustedOrigins = values['trusted-origin'] ?? [];
  return {
    connection: { issuer, allowInsecureIssuer: values['allow-insecure-issuer'] === true, trustedOrigins },
    words: {
      issuer: fromEnv ? 'ZITADEL_ISSUER' : '--issuer',
      allowInsecureIssuer: '--allow-insecure-issuer',
      ...Object.fromEntries(
        trustedOrigins.map((_, index) => [`discovery.trustedOrigins[${index}]`, `--trusted-origin (#${index + 1})`]),
      ),
    },
  };
}

/** Node's own message for an unknown option suggests `--` for positionals; a typo is likelier. */
function rejectUnknownOptions(argv: readonly string[]): void {
  const { tokens } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: OPTIONS,
  });
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.hasOwn(OPTIONS, token.name)) continue;
    const long = token.rawName.startsWith('--');
    const suggestion = long ? closestKey(token.name, Object.keys(OPTIONS)) : undefined;
    const shown = /^--?[\w-]{1,40}$/.test(token.rawName) ? token.rawName : '(not shown)';
    throw new CliUsageError(
      `Unknown option ${shown}` + (suggestion === undefined ? '.' : `; did you mean --${suggestion}?`),
    );
  }
}

function unknownCommand(command: string): CliUsageError {
  const suggestion = closestKey(command, COMMANDS);
  const shown = /^[\w-]{1,40}$/.test(command) ? `"${command}"` : '(not shown)';
  return new CliUsageError(
    suggestion === undefined
      ? `Unknown command ${shown}. Use "token" or "introspect".`
      : `Unknown command ${shown}; did you mean "${suggestion}"?`,
  );
}
