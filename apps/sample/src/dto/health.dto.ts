import { ApiProperty } from '@nestjs/swagger';

/** What `GET /health` answers. */
export class HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  readonly status!: 'ok';
}
