import { Injectable } from '@nestjs/common';
import type { ZitadelEventPayload } from 'nestjs-zitadel';

/** One event ZITADEL delivered to the sample's events target. */
export interface ReceivedEvent {
  readonly eventType: string;
  readonly aggregateId: string;
  readonly aggregateType: string;
  readonly createdAt: string;
}

/** How many events the log keeps: the newest win. */
const CAPACITY = 50;

/** The events ZITADEL delivered, newest last, in memory (a real app would act on them or queue them). */
@Injectable()
export class ActionEventLog {
  private readonly events: ReceivedEvent[] = [];

  record(event: ZitadelEventPayload): void {
    this.events.push({
      eventType: event.event_type,
      aggregateId: event.aggregateID,
      aggregateType: event.aggregateType,
      createdAt: event.created_at,
    });
    if (this.events.length > CAPACITY) this.events.shift();
  }

  list(): readonly ReceivedEvent[] {
    return [...this.events];
  }
}
