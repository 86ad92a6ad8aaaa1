import { Inject, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EmbeddedZitadel } from './embedded-zitadel.js';

/** Injection token of the embedded ZITADEL: an {@link EmbeddedZitadel}, or `null` when `ZITADEL_ISSUER` is set. */
export const EMBEDDED_ZITADEL = Symbol('EMBEDDED_ZITADEL');

/** Injects the embedded ZITADEL (`EmbeddedZitadel | null`). */
export const InjectEmbeddedZitadel = (): ParameterDecorator => Inject(EMBEDDED_ZITADEL);

/**
 * Starts and seeds the ZITADEL emulator in-process when no `ZITADEL_ISSUER` is configured, so
 * `npm start` runs on a fresh clone; with one, it does nothing and the app talks to that instance.
 */
@Module({
  providers: [
    {
      provide: EMBEDDED_ZITADEL,
      inject: [ConfigService],
      useFactory: async (config: ConfigService): Promise<EmbeddedZitadel | null> => {
        const issuer = config.get<string>('ZITADEL_ISSUER')?.trim() ?? '';
        return issuer === '' ? EmbeddedZitadel.start() : null;
      },
    },
  ],
  exports: [EMBEDDED_ZITADEL],
})
export class EmbeddedZitadelModule {}
