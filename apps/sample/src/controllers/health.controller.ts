import { Controller, Get } from '@nestjs/common';
import { Public } from 'nestjs-zitadel';

/** What `GET /health` answers. */
export interface HealthStatus {
  status: 'ok';
}

/** Liveness of the sample app: public, no token needed. */
@Controller('health')
export class HealthController {
  @Public()
  @Get()
  health(): HealthStatus {
    return { status: 'ok' };
  }
}
