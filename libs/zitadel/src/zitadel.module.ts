import { Module } from '@nestjs/common';
import { ZitadelActionVerifier } from './actions/action-verifier.service.js';
import { ZitadelApi } from './api/zitadel-api.js';
import { ZitadelTokenValidator } from './auth/token-validator.js';
import { IntrospectionService } from './introspection/introspection.service.js';
import { JwksCache } from './jwt/jwks-cache.js';
import { JwtVerifier } from './jwt/jwt-verifier.js';
import { ZitadelManagementClient } from './management/zitadel-management.client.js';
import { ZITADEL_CLOCK } from './shared/clock.js';
import { TokenService } from './token/token.service.js';
import { ZitadelConfigurableModule, ZITADEL_MODULE_OPTIONS } from './zitadel.module-definition.js';
import { zitadelProviders } from './zitadel.providers.js';

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
  providers: zitadelProviders,
  exports: [
    ZITADEL_MODULE_OPTIONS,
    ZITADEL_CLOCK,
    TokenService,
    IntrospectionService,
    ZitadelTokenValidator,
    JwtVerifier,
    JwksCache,
    ZitadelManagementClient,
    ZitadelApi,
    ZitadelActionVerifier,
  ],
})
export class ZitadelModule extends ZitadelConfigurableModule {}
