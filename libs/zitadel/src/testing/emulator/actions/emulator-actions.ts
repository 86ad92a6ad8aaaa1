import { actionState, type TargetRecord } from '../connect/services/action-state.js';
import { newSigningKey } from '../connect/services/action-service.js';
import type { EmulatorStore } from '../emulator-store.js';
import type { ManagementState } from '../management/management-state.js';
import type { ActionRuntime } from './action-runtime.js';
import type {
  AddTargetOptions,
  EmulatorActionCall,
  EmulatorExecutionCondition,
  EmulatorTarget,
  EmulatorTargetType,
} from './actions.types.js';

const TYPES: Readonly<Record<EmulatorTargetType, TargetRecord['type']>> = {
  webhook: 'restWebhook',
  call: 'restCall',
  async: 'restAsync',
};
const MAX_TIMEOUT_MS = 270_000;

/** A misuse of `emulator.actions` (bad endpoint, duplicate name, unknown target). */
export class EmulatorActionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorActionsError';
  }
}

/** The execution id ZITADEL stores a condition under (`event/user.human.added`, `event/user.*`, `function/...`). */
function conditionId(condition: EmulatorExecutionCondition): string {
  if ('event' in condition) return `event/${condition.event}`;
  if ('eventGroup' in condition) return `event/${condition.eventGroup}.*`;
  if ('allEvents' in condition) return 'event';
  return `function/${condition.function}`;
}

/**
 * Actions v2 for tests, without Connect: targets and executions (the same state the action
 * service serves) and the calls the emulator made to targets.
 *
 * @example
 * const target = zitadel.actions.addTarget({ endpoint: 'http://127.0.0.1:3000/zitadel/events', type: 'webhook' });
 * zitadel.actions.setExecution({ event: 'user.human.added' }, [target.id]);
 * zitadel.createHumanUser({ userName: 'ada' });
 * await zitadel.actions.settled();
 * zitadel.actions.calls(); // [{ condition: 'event/user.human.added', status: 200, ... }]
 */
export class EmulatorActions {
  /** @internal */
  constructor(
    private readonly store: EmulatorStore,
    private readonly state: () => ManagementState,
    private readonly runtime: ActionRuntime,
  ) {}

  /**
   * Creates a target as `CreateTarget` does and returns its id and signing key.
   *
   * @throws {EmulatorActionsError} an endpoint that is not an http(s) URL, a timeout outside
   *   1 ms - 270 s, or a name already taken.
   */
  addTarget(options: AddTargetOptions): EmulatorTarget {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new EmulatorActionsError('addTarget: "endpoint" must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new EmulatorActionsError('addTarget: "endpoint" must be an absolute http(s) URL');
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
      throw new EmulatorActionsError('addTarget: "timeoutMs" must be an integer from 1 to 270000');
    const type = TYPES[options.type ?? 'call'];
    if (type === undefined) throw new EmulatorActionsError('addTarget: "type" must be webhook, call or async');
    const actions = actionState(this.store);
    const state = this.state();
    const id = state.newId();
    const name = options.name ?? `target-${id}`;
    if ([...actions.targets.values()].some((target) => target.name === name))
      throw new EmulatorActionsError(`addTarget: a target named "${name}" exists`);
    const now = state.now();
    const target: TargetRecord = {
      id,
      name,
      type,
      interruptOnError: type === 'restAsync' ? false : (options.interruptOnError ?? false),
      timeoutMs,
      endpoint: options.endpoint,
      signingKey: newSigningKey(),
      payloadType: options.payloadType ?? 'json',
      createdAt: now,
      changedAt: now,
    };
    actions.targets.set(id, target);
    state.touch(`target:${id}`);
    return { id, name, signingKey: target.signingKey };
  }

  /**
   * Sets the targets called, in this order, for a condition (as `SetExecution`: replaces the
   * earlier ones; an empty list removes the execution).
   *
   * @throws {EmulatorActionsError} an unknown target id.
   */
  setExecution(condition: EmulatorExecutionCondition, targetIds: readonly string[]): void {
    const actions = actionState(this.store);
    const unknown = targetIds.find((id) => !actions.targets.has(id));
    if (unknown !== undefined) throw new EmulatorActionsError(`setExecution: no target ${unknown}`);
    const id = conditionId(condition);
    const now = this.state().touch(`execution:${id}`).changedAt;
    const existing = actions.executions.get(id);
    if (targetIds.length === 0) actions.executions.delete(id);
    else if (existing === undefined)
      actions.executions.set(id, { id, targets: [...targetIds], createdAt: now, changedAt: now });
    else Object.assign(existing, { targets: [...targetIds], changedAt: now });
  }

  /** The calls made to targets so far, oldest first (async ones once they ended). */
  calls(): readonly EmulatorActionCall[] {
    return this.runtime.calls;
  }

  /** Forgets the recorded calls. */
  clearCalls(): void {
    this.runtime.clearCalls();
  }

  /**
   * Resolves once every event delivery and async call started so far has ended: events reach
   * their targets in the background, as ZITADEL's execution queue delivers them.
   */
  settled(): Promise<void> {
    return this.runtime.settled();
  }
}
