import type { EmulatorStore, GrantRecord, UserRecord } from '../emulator-store.js';
import type { EmulatorClock } from '../emulator.types.js';
import { newId } from '../ids.js';

/** When an object was created and last changed, and the sequence of that change. */
export interface ObjectMeta {
  readonly createdAt: Date;
  changedAt: Date;
  sequence: number;
}

/** One metadata entry of a user. */
export interface MetadataEntry {
  readonly value: Buffer;
  readonly createdAt: Date;
  readonly changedAt: Date;
}

/** What ZITADEL keeps of a human user beyond the emulator's store record. */
export interface HumanExtras {
  readonly phone: string | undefined;
  readonly phoneVerified: boolean;
  readonly gender: string | undefined;
  readonly passwordChangeRequired: boolean;
  /** Whether a password (or hash) was set: without one the user stays in the initial state. */
  readonly hasPassword: boolean;
  /** Epoch milliseconds of the last password change. */
  readonly passwordChangedAt: number | undefined;
}

/**
 * The management API's bookkeeping over the emulator's store: the `details` (sequence, creation
 * and change dates) of users, members, roles and grants, user grant ids, and the human users'
 * fields the store does not hold. Objects created through the emulator's own helpers get their
 * bookkeeping on first sight.
 */
export class ManagementState {
  /** The instance's event sequence: one step per change made through the API. */
  private sequence = 0;
  private readonly meta = new Map<string, ObjectMeta>();
  private readonly grantIds = new WeakMap<GrantRecord, string>();
  readonly humans = new Map<string, HumanExtras>();
  /** User metadata: userId → key → value (bytes), in the order set. */
  readonly userMetadata = new Map<string, Map<string, MetadataEntry>>();

  /**
   * @param clock the emulator's time source, for every date and id this state hands out.
   * @param inactiveUsers the store's deactivated users (their state reads `USER_STATE_INACTIVE`).
   */
  constructor(
    readonly clock: EmulatorClock,
    readonly inactiveUsers: ReadonlySet<string> = new Set(),
  ) {}

  /** The emulator's time now. */
  now(): Date {
    return new Date(this.clock.now());
  }

  /** A new id, from the emulator's clock. */
  newId(): string {
    return newId(this.clock.now());
  }

  /** The bookkeeping of an object, created on first sight. */
  metaOf(key: string, createdAt: Date = this.now()): ObjectMeta {
    let meta = this.meta.get(key);
    if (meta === undefined) this.meta.set(key, (meta = { createdAt, changedAt: createdAt, sequence: this.sequence }));
    return meta;
  }

  /** Records a change (or the creation) of an object: a new sequence and change date. */
  touch(key: string): ObjectMeta {
    const now = this.now();
    this.sequence += 1;
    let meta = this.meta.get(key);
    if (meta === undefined) this.meta.set(key, (meta = { createdAt: now, changedAt: now, sequence: this.sequence }));
    else {
      meta.changedAt = now;
      meta.sequence = this.sequence;
    }
    return meta;
  }

  /** Forgets an object's bookkeeping (it was removed) and counts the removal as a change. */
  forget(key: string): ObjectMeta {
    const removed = this.touch(key);
    this.meta.delete(key);
    return removed;
  }

  /** The sequence of the latest change, as list calls report it. */
  get processedSequence(): number {
    return this.sequence;
  }

  /** The id of a user grant (grants made by the emulator's helpers get one on first sight). */
  grantId(grant: GrantRecord): string {
    let id = this.grantIds.get(grant);
    if (id === undefined) this.grantIds.set(grant, (id = this.newId()));
    return id;
  }
}

const STATES = new WeakMap<EmulatorStore, ManagementState>();

/** The management bookkeeping of an emulator (one per store), on the emulator's clock. */
export function managementState(store: EmulatorStore, clock: EmulatorClock): ManagementState {
  let state = STATES.get(store);
  if (state === undefined) STATES.set(store, (state = new ManagementState(clock, store.inactiveUsers)));
  return state;
}

/** Bookkeeping keys. */
export const MetaKey = {
  org: (orgId: string): string => `org:${orgId}`,
  user: (userId: string): string => `user:${userId}`,
  member: (orgId: string, userId: string): string => `member:${orgId}:${userId}`,
  role: (projectId: string, key: string): string => `role:${projectId}:${key}`,
  grant: (grantId: string): string => `grant:${grantId}`,
} as const;

/** A user's bookkeeping; a user created by a helper counts as created at its last change. */
export function userMeta(state: ManagementState, user: UserRecord): ObjectMeta {
  return state.metaOf(MetaKey.user(user.id), new Date(user.changedAt * 1000));
}
