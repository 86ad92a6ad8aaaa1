import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { TokenService } from '../token/token.service.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { ZitadelModule } from '../zitadel.module.js';
import { CliUsageError, parseCliArguments, USAGE, type CliCommand } from './cli-arguments.js';

/** Where the CLI reads and writes; `bin.ts` wires it to the process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin(): Promise<string>;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Runs the CLI and returns its exit code. Never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArguments(argv, env);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr(`error: ${error.message}\nRun "nestjs-zitadel --help" for usage.\n`);
    return EXIT_USAGE;
  }
  try {
    switch (command.command) {
      case 'help':
        io.stdout(USAGE);
        return EXIT_OK;
      case 'version':
        io.stdout(`${packageVersion()}\n`);
        return EXIT_OK;
      case 'token':
        io.stdout(`${await mintToken(command.issuer, command.keyFile, command.scopes)}\n`);
        return EXIT_OK;
      case 'introspect': {
        const token = (command.token ?? (await io.stdin())).trim();
        if (token === '') throw new CliUsageError('No token given: pass --token or pipe it on standard input.');
        io.stdout(`${JSON.stringify(await introspect(command.issuer, command.keyFile, token), null, 2)}\n`);
        return EXIT_OK;
      }
    }
  } catch (error) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliUsageError ? EXIT_USAGE : EXIT_FAILED;
  }
}

async function mintToken(issuer: string, keyFile: string, scopes: readonly string[]): Promise<string> {
  const app = await NestFactory.createApplicationContext(ZitadelModule.forRoot({ issuer, serviceUser: { keyFile } }), {
    logger: false,
    abortOnError: false,
  });
  try {
    return await app.get(TokenService).getAccessToken({ scopes });
  } finally {
    await app.close();
  }
}

async function introspect(issuer: string, keyFile: string, token: string): Promise<unknown> {
  const app = await NestFactory.createApplicationContext(
    ZitadelModule.forRoot({ issuer, apiApplication: { keyFile }, tokenValidation: 'introspection' }),
    { logger: false, abortOnError: false },
  );
  try {
    return await app.get(IntrospectionService).introspect(token);
  } finally {
    await app.close();
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
