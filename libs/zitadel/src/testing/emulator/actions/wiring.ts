import type { EmulatorStore } from '../emulator-store.js';
import type { EmulatorClock } from '../emulator.types.js';
import type { ActionRuntime } from './action-runtime.js';

/** What a store's changes and token endpoints need to reach its instance's executions. */
export interface ActionWiring {
  readonly runtime: ActionRuntime;
  readonly clock: EmulatorClock;
  readonly instanceId: string;
  /** The last event sequence of each aggregate (ZITADEL counts per aggregate). */
  readonly sequences: Map<string, number>;
}

const WIRING = new WeakMap<EmulatorStore, ActionWiring>();

/** Connects a store to its instance's action runtime (done once by the emulator). */
export function wireActions(
  store: EmulatorStore,
  runtime: ActionRuntime,
  clock: EmulatorClock,
  instanceId: string,
): void {
  WIRING.set(store, { runtime, clock, instanceId, sequences: new Map() });
}

/** The wiring of a store; `undefined` for a store no emulator runs (nothing is called). */
export function wiringOf(store: EmulatorStore): ActionWiring | undefined {
  return WIRING.get(store);
}
