// Output helpers. The repository's lint forbids console.log: progress goes to stdout directly.
import { loadavg } from 'node:os';

/** Prints one progress line. */
export function say(line) {
  process.stdout.write(`${line}\n`);
}

/** The 1-minute and 5-minute load averages, rounded, as `uptime` shows them. */
export function load() {
  const [one, five] = loadavg();
  return { load1: round(one, 2), load5: round(five, 2) };
}

/** Rounds to `digits` decimals. */
export function round(value, digits = 0) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Thrown when a scenario's invariant does not hold: the bench run fails loudly. */
export class BenchFailure extends Error {
  name = 'BenchFailure';
}

/** Throws a {@link BenchFailure} unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new BenchFailure(message);
}

/** Mean of numbers. */
export function mean(values) {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Median of numbers. */
export function median(values) {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
