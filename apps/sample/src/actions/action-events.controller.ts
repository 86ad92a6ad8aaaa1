import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from 'nestjs-zitadel';
import { SampleRoles } from '../roles.js';
import { ActionEventLog, type ReceivedEvent } from './action-event-log.js';

class ReceivedEventDto implements ReceivedEvent {
  @ApiProperty({ example: 'user.human.added' })
  readonly eventType!: string;

  @ApiProperty({ example: '299342112230342700' })
  readonly aggregateId!: string;

  @ApiProperty({ example: 'user' })
  readonly aggregateType!: string;

  @ApiProperty({ example: '2026-12-01T10:00:00.123456789Z' })
  readonly createdAt!: string;
}

/** What ZITADEL told the app through its Actions v2 events target. */
@ApiTags('actions')
@Controller('actions')
export class ActionEventsController {
  constructor(private readonly log: ActionEventLog) {}

  @Get('events')
  @Roles(SampleRoles.admin)
  @ApiOperation({ summary: 'The last 50 events ZITADEL delivered to POST /zitadel/events (admin)' })
  @ApiOkResponse({ type: [ReceivedEventDto] })
  events(): readonly ReceivedEvent[] {
    return this.log.list();
  }
}
