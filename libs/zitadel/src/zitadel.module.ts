import { Module } from '@nestjs/common';
import { zitadelConfigProvider, zitadelHttpClientProvider } from './config/zitadel-config.provider.js';
import { ZitadelDiscovery } from './oidc/zitadel-discovery.service.js';
import { ZitadelTokenValidator } from './auth/token-validator.js';
import { IntrospectionService } from './introspection/introspection.service.js';
import { TokenService } from './token/token.service.js';
import { ZitadelManagementClient } from './management/zitadel-management.client.js';
import { ZitadelConfigurableModule, ZITADEL_MODULE_OPTIONS } from './zitadel.module-definition.js';

/**
 * ZITADEL for a NestJS app: `forRoot(options)` or `forRootAsync({ useFactory, inject, imports })`,
 * with `isGlobal` to make its services available everywhere.
 *
 * @example
 * ZitadelModule.forRootAsync({
 *   isGlobal: true,
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     issuer: config.getOrThrow('ZITADEL_ISSUER'),
 *     serviceUser: { keyFile: config.getOrThrow('ZITADEL_SERVICE_USER_KEY_FILE') },
 *   }),
 * })
 */
@Module({
  providers: [zitadelConfigProvider, zitadelHttpClientProvider, ZitadelDiscovery, TokenService, IntrospectionService, ZitadelTokenValidator, ZitadelManagementClient],
  exports: [ZITADEL_MODULE_OPTIONS, TokenService, IntrospectionService, ZitadelTokenValidator, ZitadelManagementClient],
})
export class ZitadelModule extends ZitadelConfigurableModule {}
