import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ZitadelAuthGuard, ZitadelExceptionFilter, ZitadelModule } from 'nestjs-zitadel';
import { ActionEventLog } from './actions/action-event-log.js';
import { ActionEventsController } from './actions/action-events.controller.js';
import { ZitadelHooksController } from './actions/zitadel-hooks.controller.js';
import { zitadelOptionsFromEnv } from './config/zitadel.config.js';
import { HealthModule } from './controllers/health.module.js';
import { MeController } from './controllers/me.controller.js';
import { OnBehalfOfController } from './controllers/on-behalf-of.controller.js';
import { ReportsController } from './controllers/reports.controller.js';
import { UserMetadataController } from './controllers/user-metadata.controller.js';
import { UsersController } from './controllers/users.controller.js';
import { EMBEDDED_ZITADEL, EmbeddedZitadelModule } from './demo/embedded-zitadel.module.js';
import { DemoGateway } from './gateways/demo.gateway.js';
import type { EmbeddedZitadel } from './demo/embedded-zitadel.js';

/** How the sample app reads its configuration. */
export interface SampleAppModuleOptions {
  /**
   * Variables that take precedence over `process.env` and the `.env` file (e.g. in tests). An
   * empty string counts as unset: `{ ZITADEL_ISSUER: '' }` runs the embedded ZITADEL.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The `.env` file(s) to read. @default '.env' in the working directory */
  readonly envFilePath?: string | string[];
}

/**
 * The sample app: configuration from the environment (`@nestjs/config`), ZITADEL through
 * `ZitadelModule.forRootAsync`, `ZitadelAuthGuard` on every route, and the embedded ZITADEL when
 * no `ZITADEL_ISSUER` is set.
 */
@Module({})
export class AppModule {
  static register(options: SampleAppModuleOptions = {}): DynamicModule {
    const overrides = Object.fromEntries(Object.entries(options.env ?? {}).filter(([, value]) => value !== undefined));
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          ...(options.envFilePath === undefined ? {} : { envFilePath: options.envFilePath }),
          load: [() => overrides],
        }),
        EmbeddedZitadelModule,
        ZitadelModule.forRootAsync({
          isGlobal: true,
          imports: [EmbeddedZitadelModule],
          inject: [ConfigService, EMBEDDED_ZITADEL],
          // The embedded ZITADEL hands over the same ZITADEL_* variables a deployment sets.
          useFactory: (config: ConfigService, embedded: EmbeddedZitadel | null) => {
            const fromEnv = zitadelOptionsFromEnv((name) =>
              embedded === null ? config.get<string>(name) : embedded.env[name],
            );
            // The embedded ZITADEL's Actions targets exist once the app listens (their URL is the app's).
            return embedded === null
              ? fromEnv
              : { ...fromEnv, actions: { signingKeys: () => embedded.actionSigningKeys } };
          },
        }),
        HealthModule,
      ],
      controllers: [
        MeController,
        ReportsController,
        UsersController,
        UserMetadataController,
        OnBehalfOfController,
        ZitadelHooksController,
        ActionEventsController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ZitadelAuthGuard },
        // Library errors a handler lets through (ZITADEL unreachable: 503 with Retry-After, ...).
        { provide: APP_FILTER, useClass: ZitadelExceptionFilter },
        ActionEventLog,
        DemoGateway,
      ],
    };
  }
}
