import type { AddressInfo } from 'node:net';
import { Logger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule, type SampleAppModuleOptions } from './app.module.js';
import { SampleConfigurationError } from './config/zitadel.config.js';
import { cliCommands } from './demo/cli-commands.js';
import { demoBanner } from './demo/demo-banner.js';
import { EMBEDDED_ZITADEL } from './demo/embedded-zitadel.module.js';
import type { EmbeddedZitadel } from './demo/embedded-zitadel.js';
import { setupOpenApi } from './docs/openapi.js';

/** Options of {@link bootstrap}; everything else comes from the environment (`.env.example`). */
export interface SampleOptions extends SampleAppModuleOptions {
  /** Port to listen on; `0` for any free port. @default PORT, else 3000 */
  readonly port?: number;
  /** Address to listen on. @default HOST, else 127.0.0.1 */
  readonly host?: string;
  /** Nest's logger. @default Nest's console logger */
  readonly logger?: LoggerService | LogLevel[] | false;
  /** Close the app (and the embedded ZITADEL) on SIGINT / SIGTERM. @default false */
  readonly shutdownHooks?: boolean;
}

/** The running sample app. */
export interface SampleApp {
  readonly app: INestApplication;
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The ZITADEL it talks to. */
  readonly issuer: string;
  /** The embedded ZITADEL and its demo users, when no `ZITADEL_ISSUER` was configured. */
  readonly embedded: EmbeddedZitadel | undefined;
  /** What to show a person who just started it: where it runs and, with the embedded ZITADEL, `curl` commands with demo tokens. */
  readonly banner: readonly string[];
  /** Closes the app and the embedded ZITADEL. */
  close(): Promise<void>;
}

/**
 * Creates, configures and starts the sample app: ZITADEL from the environment (or the embedded
 * emulator), the guard on every route, OpenAPI docs at `/docs`. A failure is logged (by Nest or
 * here) before the returned promise rejects.
 *
 * @throws {SampleConfigurationError} missing or conflicting `ZITADEL_*` variables, a bad `PORT`.
 * @throws {ZitadelConfigurationError} options the library refuses (e.g. an unreadable key file).
 */
export async function bootstrap(options: SampleOptions = {}): Promise<SampleApp> {
  // abortOnError: false, so a configuration error rejects (and is printed) instead of aborting the process.
  const app = await NestFactory.create(AppModule.register(options), {
    abortOnError: false,
    // The Actions v2 routes check ZITADEL's signature over the bytes it sent.
    rawBody: true,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  try {
    // useProcessExit: once every shutdown hook ran, exit with status 0 (Nest would otherwise re-raise the
    // signal), so a supervisor sees a clean stop, and a stop that skipped the hooks shows as death by signal.
    if (options.shutdownHooks === true) app.enableShutdownHooks([], { useProcessExit: true });
    setupOpenApi(app);
    const config = app.get(ConfigService);
    const host = options.host ?? config.get<string>('HOST') ?? '127.0.0.1';
    const port = options.port ?? Number(config.get<string>('PORT') || 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new SampleConfigurationError(['PORT: must be a port number (0 for any free port)']);
    await listen(app, port, host);
    const address = app.getHttpServer().address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

    const embedded = app.get<EmbeddedZitadel | null>(EMBEDDED_ZITADEL) ?? undefined;
    embedded?.connectActions(url);
    const issuer = embedded?.issuer ?? config.getOrThrow<string>('ZITADEL_ISSUER');
    const banner =
      embedded === undefined
        ? [`ZITADEL: ${issuer}`, `OpenAPI docs: ${url}/docs`]
        : [
            ...demoBanner(url, issuer, embedded.seed),
            '',
            ...cliCommands(issuer, embedded.keyFiles, embedded.seed.admin.token),
          ];
    new Logger('Sample').log(`Listening on ${url}`);
    return { app, url, issuer, embedded, banner, close: () => app.close() };
  } catch (error) {
    // Logged like the errors Nest logs while it creates the app, so every start-up failure shows once;
    // a configuration problem as its message only: the stack would bury the line saying what to fix.
    const text =
      error instanceof SampleConfigurationError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    new Logger('Sample').error(text);
    await app.close();
    throw error;
  }
}

/**
 * `app.listen`, with a port another process holds reported as what to do about it.
 *
 * @throws {SampleConfigurationError} the port is in use (`EADDRINUSE`) or may not be used (`EACCES`).
 */
async function listen(app: INestApplication, port: number, host: string): Promise<void> {
  try {
    await app.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EADDRINUSE')
      throw new SampleConfigurationError([
        `PORT: ${host}:${port} is in use; set PORT to a free port (PORT=0 picks one)`,
      ]);
    if (code === 'EACCES')
      throw new SampleConfigurationError([`PORT: ${port} may not be opened by this user; set PORT above 1023`]);
    throw error;
  }
}
