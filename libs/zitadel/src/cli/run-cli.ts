import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ZitadelModuleOptions } from '../config/zitadel-options.interface.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import { TokenService } from '../token/token.service.js';
import { ZitadelModule } from '../zitadel.module.js';
import { parseCliArguments, type CliCommand, type CliConnection, type CliWords } from './cli-arguments.js';
import { describeCliError, exitCodeOf } from './cli-errors.js';
import { CliUsageError } from './cli-usage-error.js';
import { EXIT, USAGE } from './cli-usage.js';

/** Where the CLI reads and writes; `bin.ts` wires it to the process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin(): Promise<string>;
}

/** Runs the CLI and returns its exit code (see `EXIT`). Never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArguments(argv, env);
  } catch (error) {
    io.stderr(`error: ${describeCliError(error, {}).join('\n')}\nRun "nestjs-zitadel --help" for usage.\n`);
    return exitCodeOf(error);
  }
  if (command.command === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (command.command === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const words: CliWords = command.words;
  try {
    if (command.command === 'token') {
      io.stdout(`${await mintToken(command)}\n`);
      return EXIT.ok;
    }
    const token = (command.token ?? (await io.stdin())).trim();
    if (token === '') throw new CliUsageError('No token given: pass --token or pipe it on standard input.');
    const result = await introspect(command, token);
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return result.active ? EXIT.ok : EXIT.inactive;
  } catch (error) {
    io.stderr(
      describeCliError(error, words)
        .map((line) => `error: ${line}\n`)
        .join(''),
    );
    return exitCodeOf(error);
  }
}

type TokenCommand = Extract<CliCommand, { command: 'token' }>;
type IntrospectCommand = Extract<CliCommand, { command: 'introspect' }>;

async function mintToken(command: TokenCommand): Promise<string> {
  return withModule({ ...connectionOptions(command.connection), serviceUser: command.serviceUser }, async (app) => {
    const tokens = app.get(TokenService);
    // A personal access token is the token itself: nothing to ask ZITADEL.
    if ('personalAccessToken' in command.serviceUser) return tokens.getAccessToken();
    const discovery = await reaching(app.get(ZitadelDiscovery).get(), discoveryUrl(command.connection));
    return reaching(tokens.getAccessToken({ scopes: command.scopes }), discovery.token_endpoint);
  });
}

async function introspect(command: IntrospectCommand, token: string): Promise<{ readonly active: boolean }> {
  const options: ZitadelModuleOptions = {
    ...connectionOptions(command.connection),
    apiApplication: command.apiApplication,
    tokenValidation: 'introspection',
  };
  return withModule(options, async (app) => {
    const discovery = await reaching(app.get(ZitadelDiscovery).get(), discoveryUrl(command.connection));
    return reaching(app.get(IntrospectionService).introspect(token), discovery.introspection_endpoint);
  });
}

function connectionOptions(connection: CliConnection): ZitadelModuleOptions {
  return {
    issuer: connection.issuer,
    ...(connection.allowInsecureIssuer ? { allowInsecureIssuer: true } : {}),
    ...(connection.trustedOrigins.length > 0 ? { discovery: { trustedOrigins: [...connection.trustedOrigins] } } : {}),
  };
}

async function withModule<T>(
  options: ZitadelModuleOptions,
  use: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(ZitadelModule.forRoot(options), {
    logger: false,
    abortOnError: false,
  });
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}

function discoveryUrl(connection: CliConnection): string {
  return `${connection.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** An unreachable or failing ZITADEL is named by the URL the CLI tried, so the user can check it. */
async function reaching<T>(work: Promise<T>, url: string | undefined): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ZitadelUnavailableError) || url === undefined || error.message.includes(url)) throw error;
    throw new ZitadelUnavailableError(`${error.message} (${url})`, error.status, { cause: error });
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
