import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import type { ZitadelModuleOptions } from './config/zitadel-options.interface.js';

export const {
  ConfigurableModuleClass: ZitadelConfigurableModule,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ZitadelModuleOptions>({ moduleName: 'Zitadel' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Injection token of the raw options given to `ZitadelModule.forRoot` / `forRootAsync`. */
export const ZITADEL_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** Options accepted by `ZitadelModule.forRoot`, `isGlobal` included. */
export type ZitadelModuleRootOptions = typeof OPTIONS_TYPE;

/** Options accepted by `ZitadelModule.forRootAsync` (`useFactory`, `useClass`, `useExisting`, `imports`, `inject`, `isGlobal`). */
export type ZitadelModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/**
 * Injects the raw module options.
 *
 * @example
 * constructor(@InjectZitadelOptions() private readonly options: ZitadelModuleOptions) {}
 */
export const InjectZitadelOptions = (): ParameterDecorator => Inject(ZITADEL_MODULE_OPTIONS);
