import { Inject, type Provider } from '@nestjs/common';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { MODULE_OPTIONS_TOKEN } from '../zitadel.module-definition.js';
import type { ResolvedZitadelConfig } from './resolved-config.js';
import { resolveZitadelOptions } from './resolve-options.js';
import type { ZitadelModuleOptions } from './zitadel-options.interface.js';

/** Internal token of the validated configuration (`ResolvedZitadelConfig`). */
export const ZITADEL_CONFIG = Symbol('ZITADEL_CONFIG');

/** Injects the validated configuration. */
export const InjectZitadelConfig = (): ParameterDecorator => Inject(ZITADEL_CONFIG);

/** Validates the options once, for `forRoot` and `forRootAsync` alike; bootstrap fails on any problem. */
export const zitadelConfigProvider: Provider = {
  provide: ZITADEL_CONFIG,
  inject: [MODULE_OPTIONS_TOKEN],
  useFactory: (options: ZitadelModuleOptions) => resolveZitadelOptions(options),
};

/** One HTTP client, with the configured timeouts and retries, for every call to ZITADEL. */
export const zitadelHttpClientProvider: Provider = {
  provide: ZitadelHttpClient,
  inject: [ZITADEL_CONFIG],
  useFactory: (config: ResolvedZitadelConfig) => new ZitadelHttpClient(config.http),
};
