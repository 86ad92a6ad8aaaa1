import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from 'nestjs-zitadel';
import { ZitadelHealthIndicator } from 'nestjs-zitadel/health';

/**
 * Readiness of the sample app: public, no token needed. 200 while ZITADEL's discovery document
 * and keys load and it accepts the app's credentials; 503 (terminus) otherwise, saying which part
 * failed and why, never a secret.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly zitadel: ZitadelHealthIndicator,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Whether ZITADEL is reachable and accepts the app credentials; no token needed' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.zitadel.isHealthy('zitadel')]);
  }
}
