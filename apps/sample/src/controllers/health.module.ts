import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ZitadelHealthIndicator } from 'nestjs-zitadel/health';
import { HealthController } from './health.controller.js';

/** `GET /health` with `@nestjs/terminus` and the ZITADEL indicator of `nestjs-zitadel/health`. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty' })],
  controllers: [HealthController],
  providers: [ZitadelHealthIndicator],
})
export class HealthModule {}
