import type { EmulatorStore } from '../../emulator-store.js';

/** How ZITADEL calls a target: webhook (answer ignored), call (answer used), async (not awaited). */
export type TargetType = 'restWebhook' | 'restCall' | 'restAsync';

/** An Actions v2 target, instance-wide. */
export interface TargetRecord {
  readonly id: string;
  name: string;
  type: TargetType;
  interruptOnError: boolean;
  /** Milliseconds. */
  timeoutMs: number;
  endpoint: string;
  /** The key ZITADEL signs its calls with (`ZITADEL-Signature`). */
  signingKey: string;
  /** `jwt`: the body is sent as a JWT signed with the instance's key (set through the emulator's helper only). */
  payloadType?: 'json' | 'jwt';
  readonly createdAt: Date;
  changedAt: Date;
}

/** An execution: a condition id (`request/...`, `response/...`, `event/...`, `function/...`) and its targets. */
export interface ExecutionRecord {
  readonly id: string;
  targets: string[];
  readonly createdAt: Date;
  changedAt: Date;
}

/** The Actions v2 state of an emulated instance: targets and executions, in creation order. */
export interface ActionState {
  readonly targets: Map<string, TargetRecord>;
  readonly executions: Map<string, ExecutionRecord>;
}

const STATES = new WeakMap<EmulatorStore, ActionState>();

/** The Actions v2 state of an emulator's store (one per store). */
export function actionState(store: EmulatorStore): ActionState {
  let state = STATES.get(store);
  if (state === undefined) STATES.set(store, (state = { targets: new Map(), executions: new Map() }));
  return state;
}
