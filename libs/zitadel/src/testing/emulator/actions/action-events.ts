import type { EmulatorStore, GrantRecord, UserRecord } from '../emulator-store.js';
import { wiringOf } from './wiring.js';

/** An event the emulated instance pushed: what ZITADEL's event handler hands its execution queue. */
export interface EmulatorEvent {
  readonly aggregateId: string;
  readonly aggregateType: 'user' | 'usergrant';
  readonly resourceOwner: string;
  /** ZITADEL's event type, e.g. `user.human.added`. */
  readonly eventType: string;
  /** Who caused it (`editor`/`creator`); absent for changes made by the emulator's helpers. */
  readonly creator?: string;
  /** The event's data (`event_payload`); absent for events without data (`user.deactivated`). */
  readonly payload?: Record<string, unknown>;
}

/** The aggregate versions of ZITADEL's repositories (`user.AggregateVersion`, `usergrant.AggregateVersion`). */
const VERSIONS: Readonly<Record<EmulatorEvent['aggregateType'], string>> = { user: 'v2', usergrant: 'v1' };

/**
 * Records that an event happened: its targets are called in the background, in order, with
 * the body of `ContextInfoFromRequest` (`internal/repository/execution`): the fields below,
 * empty ones left out, `created_at` in RFC 3339 with nanoseconds, `event_payload` the event's
 * data as JSON.
 */
export function emitEvent(store: EmulatorStore, event: EmulatorEvent): void {
  const wiring = wiringOf(store);
  if (wiring === undefined) return;
  const sequence = (wiring.sequences.get(event.aggregateId) ?? 0) + 1;
  wiring.sequences.set(event.aggregateId, sequence);
  const body: Record<string, unknown> = {
    aggregateID: event.aggregateId,
    aggregateType: event.aggregateType,
    resourceOwner: event.resourceOwner,
    instanceID: wiring.instanceId,
    version: VERSIONS[event.aggregateType],
    sequence,
    event_type: event.eventType,
    created_at: new Date(wiring.clock.now()).toISOString().replace(/\.?0*Z$/, 'Z'),
  };
  if (event.creator !== undefined && event.creator !== '') body['userID'] = event.creator;
  if (event.payload !== undefined) body['event_payload'] = event.payload;
  wiring.runtime.deliver(`event/${event.eventType}`, Buffer.from(JSON.stringify(body), 'utf8'));
}

const GENDER_NUMBERS: Readonly<Record<string, number>> = { GENDER_FEMALE: 1, GENDER_MALE: 2, GENDER_DIVERSE: 3 };

/**
 * `user.human.added` / `user.machine.added` (`HumanAddedEvent`, `MachineAddedEvent`): the
 * fields ZITADEL writes; `preferredLanguage` is a language tag, `und` when none was given.
 */
export function userAdded(
  store: EmulatorStore,
  user: UserRecord,
  creator?: string,
  gender?: string,
  phone?: string,
): void {
  const payload: Record<string, unknown> =
    user.kind === 'human'
      ? {
          userName: user.userName,
          firstName: user.firstName,
          lastName: user.lastName,
          ...(user.nickName === undefined ? {} : { nickName: user.nickName }),
          displayName: user.displayName,
          preferredLanguage: user.preferredLanguage ?? 'und',
          ...(gender !== undefined && GENDER_NUMBERS[gender] !== undefined ? { gender: GENDER_NUMBERS[gender] } : {}),
          ...(user.email === undefined || user.email === '' ? {} : { email: user.email }),
          ...(phone === undefined ? {} : { phone }),
        }
      : {
          userName: user.userName,
          name: user.name,
          ...(user.accessTokenType === 'jwt' ? { accessTokenType: 1 } : {}),
        };
  emitEvent(store, {
    aggregateId: user.id,
    aggregateType: 'user',
    resourceOwner: user.orgId,
    eventType: user.kind === 'human' ? 'user.human.added' : 'user.machine.added',
    ...(creator === undefined ? {} : { creator }),
    payload,
  });
}

/** A user event without data: `user.deactivated`, `user.reactivated`, `user.removed`. */
export function userChanged(
  store: EmulatorStore,
  user: UserRecord,
  eventType: 'user.deactivated' | 'user.reactivated' | 'user.removed',
  creator?: string,
): void {
  emitEvent(store, {
    aggregateId: user.id,
    aggregateType: 'user',
    resourceOwner: user.orgId,
    eventType,
    ...(creator === undefined ? {} : { creator }),
  });
}

/** `user.metadata.set` (`key`, `value` as base64, Go's `[]byte`) and `user.metadata.removed` (`key`). */
export function metadataChanged(
  store: EmulatorStore,
  user: UserRecord,
  key: string,
  value: Buffer | undefined,
  creator?: string,
): void {
  emitEvent(store, {
    aggregateId: user.id,
    aggregateType: 'user',
    resourceOwner: user.orgId,
    eventType: value === undefined ? 'user.metadata.removed' : 'user.metadata.set',
    ...(creator === undefined ? {} : { creator }),
    payload: value === undefined ? { key } : { key, value: value.toString('base64') },
  });
}

/**
 * `user.grant.added` (`UserGrantAddedEvent`: `userId`, `projectId`, `roleKeys`),
 * `user.grant.changed` (`roleKeys`, all of them) and `user.grant.removed` (no data), on the
 * grant's own aggregate, owned by the granting organisation.
 */
export function grantChanged(
  store: EmulatorStore,
  grant: GrantRecord,
  grantId: string,
  eventType: 'user.grant.added' | 'user.grant.changed' | 'user.grant.removed',
  creator?: string,
): void {
  emitEvent(store, {
    aggregateId: grantId,
    aggregateType: 'usergrant',
    resourceOwner: grant.orgId,
    eventType,
    ...(creator === undefined ? {} : { creator }),
    ...(eventType === 'user.grant.added'
      ? { payload: { userId: grant.userId, projectId: grant.projectId, roleKeys: [...grant.roles] } }
      : eventType === 'user.grant.changed'
        ? { payload: { roleKeys: [...grant.roles] } }
        : {}),
  });
}
