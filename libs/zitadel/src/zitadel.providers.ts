import type { Provider } from '@nestjs/common';
import { ZitadelActionVerifier } from './actions/action-verifier.service.js';
import { ZitadelApi } from './api/zitadel-api.js';
import { ZitadelTokenValidator } from './auth/token-validator.js';
import type { ResolvedZitadelConfig } from './config/resolved-config.js';
import { resolveZitadelOptions } from './config/resolve-options.js';
import { ZITADEL_CONFIG } from './config/zitadel-config.token.js';
import type { ZitadelModuleOptions } from './config/zitadel-options.interface.js';
import { ZitadelHttpClient } from './http/zitadel-http-client.js';
import { IntrospectionService } from './introspection/introspection.service.js';
import { JwksCache } from './jwt/jwks-cache.js';
import { JwtVerifier } from './jwt/jwt-verifier.js';
import { ZitadelManagementClient } from './management/zitadel-management.client.js';
import { ZitadelDiscovery } from './oidc/zitadel-discovery.service.js';
import { systemClock, ZITADEL_CLOCK, type ZitadelClock } from './shared/clock.js';
import { TokenService } from './token/token.service.js';
import { MODULE_OPTIONS_TOKEN } from './zitadel.module-definition.js';

/** The clock: the `clock` option, else the system clock. */
const clockProvider: Provider = {
  provide: ZITADEL_CLOCK,
  inject: [MODULE_OPTIONS_TOKEN],
  useFactory: (options: ZitadelModuleOptions | undefined): ZitadelClock => options?.clock ?? systemClock,
};

/** Validates the options once, for `forRoot` and `forRootAsync` alike; bootstrap fails on any problem. */
const configProvider: Provider = {
  provide: ZITADEL_CONFIG,
  inject: [MODULE_OPTIONS_TOKEN, ZITADEL_CLOCK],
  useFactory: (options: ZitadelModuleOptions, clock: ZitadelClock) =>
    resolveZitadelOptions(options, new Date(clock.now())),
};

/** One HTTP client for every call to ZITADEL: the configured timeouts, retries and response size cap (`config.http`). */
const httpClientProvider: Provider = {
  provide: ZitadelHttpClient,
  inject: [ZITADEL_CONFIG, ZITADEL_CLOCK],
  useFactory: (config: ResolvedZitadelConfig, clock: ZitadelClock) => new ZitadelHttpClient(config.http, clock),
};

/** Everything `ZitadelModule` provides; each class can be replaced with `overrideProvider`. */
export const zitadelProviders: Provider[] = [
  clockProvider,
  configProvider,
  httpClientProvider,
  ZitadelDiscovery,
  JwksCache,
  JwtVerifier,
  TokenService,
  IntrospectionService,
  ZitadelTokenValidator,
  ZitadelManagementClient,
  ZitadelApi,
  ZitadelActionVerifier,
];
