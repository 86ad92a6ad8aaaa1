import { parseArgs } from 'node:util';

/** A parsed command line of the `nestjs-zitadel` CLI. */
export type CliCommand =
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'token'; readonly issuer: string; readonly keyFile: string; readonly scopes: readonly string[] }
  | {
      readonly command: 'introspect';
      readonly issuer: string;
      readonly keyFile: string;
      readonly token: string | undefined;
    };

/** A command line that cannot be run; the message says what to change. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const USAGE = `Usage: nestjs-zitadel <command> [options]

Commands:
  token        Print an access token for a service user (JWT-profile grant)
  introspect   Introspect an access token as an API application and print the JSON result

Options:
  --issuer <url>      ZITADEL instance URL, e.g. https://acme.zitadel.cloud (or env ZITADEL_ISSUER)
  --key-file <path>   token: the service user's JSON key file ("type":"serviceaccount")
                      introspect: the API application's JSON key file ("type":"application")
  --scope <scope>     token: a scope to ask for; repeat for several (openid is always included)
  --token <token>     introspect: the token; when absent it is read from standard input
  -h, --help          Show this help
  -v, --version       Show the version

Examples:
  npx nestjs-zitadel token --issuer https://acme.zitadel.cloud --key-file ./service-user.json \\
    --scope urn:zitadel:iam:org:project:id:zitadel:aud
  echo "$TOKEN" | npx nestjs-zitadel introspect --issuer https://acme.zitadel.cloud --key-file ./api.json
`;

/**
 * Parses the CLI's arguments.
 *
 * @throws {CliUsageError} an unknown command or option, or a missing required option.
 */
export function parseCliArguments(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        issuer: { type: 'string' },
        'key-file': { type: 'string' },
        scope: { type: 'string', multiple: true },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { command: 'help' };
  if (command !== 'token' && command !== 'introspect')
    throw new CliUsageError(`Unknown command "${command}". Use "token" or "introspect".`);
  if (rest.length > 0) throw new CliUsageError(`Unexpected argument "${rest[0]}".`);
  const issuer = values.issuer ?? env['ZITADEL_ISSUER'];
  if (issuer === undefined || issuer === '') throw new CliUsageError('--issuer is required (or set ZITADEL_ISSUER).');
  const keyFile = values['key-file'];
  if (keyFile === undefined || keyFile === '') throw new CliUsageError('--key-file is required.');
  if (command === 'token') {
    if (values.token !== undefined) throw new CliUsageError('--token applies to "introspect" only.');
    return { command, issuer, keyFile, scopes: values.scope ?? [] };
  }
  if (values.scope !== undefined) throw new CliUsageError('--scope applies to "token" only.');
  return { command, issuer, keyFile, token: values.token };
}
