import { Module, type DynamicModule } from '@nestjs/common';
import { ZitadelModule } from 'nestjs-zitadel';
import { HealthController } from './health.controller.js';

/** Where the sample app finds ZITADEL. */
export interface SampleAppOptions {
  /** The ZITADEL instance URL (or the embedded emulator's). */
  issuer: string;
}

/** The sample app: ZITADEL wired in, and a public health endpoint. */
@Module({})
export class AppModule {
  static register(options: SampleAppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [ZitadelModule.forRoot({ isGlobal: true, issuer: options.issuer })],
      controllers: [HealthController],
    };
  }
}
