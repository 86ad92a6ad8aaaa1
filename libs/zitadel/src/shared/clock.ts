import { Inject } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The time source of the library. Every cache, cooldown, token lifetime and retry wait reads it,
 * so a test can move time (see `ManualClock` in `nestjs-zitadel/testing`) instead of waiting.
 * Network timeouts stay on real time: they guard against a peer that does not answer.
 */
export interface ZitadelClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` milliseconds of this clock's time have passed. */
  sleep(ms: number): Promise<void>;
}

/** The real clock: `Date.now()` and Node's timers. */
export const systemClock: ZitadelClock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => sleep(ms),
});

/**
 * Injection token of the clock `ZitadelModule` uses: the `clock` option, else the system clock.
 * Override it in a testing module (`overrideProvider(ZITADEL_CLOCK).useValue(clock)`) or pass
 * `clock` in the options.
 */
export const ZITADEL_CLOCK = Symbol('ZITADEL_CLOCK');

/** Injects the module's {@link ZitadelClock}. */
export const InjectZitadelClock = (): ParameterDecorator => Inject(ZITADEL_CLOCK);
