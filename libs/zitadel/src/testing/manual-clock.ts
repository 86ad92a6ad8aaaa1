import type { ZitadelClock } from '../shared/clock.js';

interface Sleeper {
  readonly until: number;
  readonly wake: () => void;
}

/**
 * A clock that moves only when told to: give it to `ZitadelModule` (option `clock`) and to the
 * emulator (`ZitadelEmulator.start({ clock })`) and tests move time instead of waiting for it.
 * Token lifetimes, cache entries, cooldowns and retry waits all follow it.
 *
 * @example
 * const clock = new ManualClock();
 * // ... a token cached, then:
 * await clock.advance(61_000); // the cache entry has expired
 */
export class ManualClock implements ZitadelClock {
  private current: number;
  private sleepers: Sleeper[] = [];

  /** @param start the initial time, epoch milliseconds or a `Date`. @default the real time now */
  constructor(start: number | Date = Date.now()) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  /** Resolves when {@link advance} has moved the clock `ms` forward (at once for `ms <= 0`). */
  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((wake) => this.sleepers.push({ until: this.current + ms, wake }));
  }

  /** How many `sleep` calls are waiting for the clock to move. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /**
   * Moves the clock forward, wakes every sleep that is due, and resolves once what they started
   * has run up to its next wait for I/O.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError('"ms" must be a number >= 0');
    this.current += ms;
    const due = this.sleepers.filter((sleeper) => sleeper.until <= this.current);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.until > this.current);
    for (const sleeper of due) sleeper.wake();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Sets the clock to a later instant (see {@link advance}). */
  advanceTo(instant: number | Date): Promise<void> {
    const target = typeof instant === 'number' ? instant : instant.getTime();
    return this.advance(Math.max(0, target - this.current));
  }
}
