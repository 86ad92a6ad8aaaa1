import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { ZitadelConfigurationError } from './errors/configuration.error.js';
import { TokenService } from './token/token.service.js';
import { InjectZitadelOptions, ZITADEL_MODULE_OPTIONS } from './zitadel.module-definition.js';
import { ZitadelModule } from './zitadel.module.js';
import type { ZitadelModuleOptions } from './config/zitadel-options.interface.js';

@Injectable()
class NeedsTokens {
  constructor(
    readonly tokens: TokenService,
    @InjectZitadelOptions() readonly options: ZitadelModuleOptions,
  ) {}
}

@Module({ providers: [NeedsTokens], exports: [NeedsTokens] })
class FeatureModule {}

describe('ZitadelModule', () => {
  it('forRootAsync reads options from @nestjs/config and, with isGlobal, serves every module', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ ZITADEL_ISSUER: 'https://acme.zitadel.cloud', PAT: 'pat-value' })],
        }),
        ZitadelModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            issuer: config.getOrThrow<string>('ZITADEL_ISSUER'),
            serviceUser: { personalAccessToken: config.getOrThrow<string>('PAT') },
          }),
        }),
        FeatureModule,
      ],
    }).compile();
    const feature = moduleRef.get(NeedsTokens);
    expect(feature.options.issuer).toBe('https://acme.zitadel.cloud');
    await expect(feature.tokens.getAccessToken()).resolves.toBe('pat-value');
    expect(moduleRef.get(ZITADEL_MODULE_OPTIONS)).toBe(feature.options);
  });

  it('is not global unless asked', async () => {
    const compile = Test.createTestingModule({
      imports: [ZitadelModule.forRoot({ issuer: 'https://acme.zitadel.cloud' }), FeatureModule],
    }).compile();
    await expect(compile).rejects.toThrow(/can't resolve dependencies of the NeedsTokens/);
  });

  it('fails at bootstrap with every option problem', async () => {
    const compile = Test.createTestingModule({
      imports: [ZitadelModule.forRoot({ issuer: '', serviceUser: { keyFile: '/missing/key.json' } })],
    }).compile();
    const error = await compile.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelConfigurationError);
    expect((error as ZitadelConfigurationError).issues.map((i) => i.path)).toEqual(['issuer', 'serviceUser.keyFile']);
    expect((error as Error).message).toContain('serviceUser.keyFile: /missing/key.json: does not exist');
  });
});
