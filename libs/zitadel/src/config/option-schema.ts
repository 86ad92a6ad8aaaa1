import type { ConfigurationIssue } from '../errors/configuration.error.js';
import { isRecord } from '../shared/is-record.js';
import { closestKey } from './did-you-mean.js';

/** Collects problems so that all of them are reported at once. */
export class Issues {
  readonly list: ConfigurationIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

export type Bag = Record<string, unknown>;

/** How one option is read: its value (or `undefined`), its dotted path, where problems go. */
export type Field<T> = (value: unknown, path: string, issues: Issues) => T;

/** A section's fields: exactly the keys of its options interface, so the two cannot drift. */
export type Schema<O> = { readonly [K in keyof Required<O>]: Field<unknown> };

/** What a schema reads into. */
export type Read<S> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Largest delay a Node timer honours (`setTimeout` fires at once beyond it). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Reports every key of `bag` that `known` does not name, with the closest known key when one
 * looks like a typo. An unknown key is an error, not a warning: a misspelt cache bound would
 * otherwise silently keep the default.
 */
export function reportUnknownKeys(bag: Bag, known: readonly string[], path: string, issues: Issues): void {
  for (const key of Object.keys(bag)) {
    if (known.includes(key)) continue;
    const suggestion = closestKey(key, known);
    issues.add(
      path === '' ? key : `${path}.${key}`,
      suggestion === undefined
        ? `is not an option (known here: ${known.join(', ')})`
        : `is not an option; did you mean "${suggestion}"?`,
    );
  }
}

/** `value` as an object, `{}` when absent; reports anything else. */
function asSection(value: unknown, path: string, issues: Issues): Bag {
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  issues.add(path, 'must be an object');
  return {};
}

/** Reads a section by its schema: every field, and every key the schema does not know reported. */
export function readSection<S extends Record<string, Field<unknown>>>(
  value: unknown,
  schema: S,
  path: string,
  issues: Issues,
): Read<S> {
  const bag = asSection(value, path, issues);
  reportUnknownKeys(bag, Object.keys(schema), path, issues);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) out[key] = field(bag[key], `${path}.${key}`, issues);
  return out as Read<S>;
}

/** A nested section as a field. */
export function section<S extends Record<string, Field<unknown>>>(schema: S): Field<Read<S>> {
  return (value, path, issues) => readSection(value, schema, path, issues);
}

function integer(fallback: number, min: number, max: number, unit: string): Field<number> {
  return (value, path, issues) => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    const notes = [unit, max < Number.MAX_SAFE_INTEGER ? `at most ${max}` : ''].filter((note) => note !== '');
    issues.add(path, `must be an integer >= ${min}${notes.length === 0 ? '' : ` (${notes.join(', ')})`}`);
    return fallback;
  };
}

/** A duration in milliseconds: `>= min` (1 for every timeout), within what a timer honours. */
export function milliseconds(fallback: number, min: 0 | 1 = 0): Field<number> {
  return integer(fallback, min, MAX_TIMER_MS, 'milliseconds');
}

/** A duration in seconds, `>= min` (0 for every TTL), within what a timer honours. */
export function seconds(fallback: number, min: 0 | 1 = 0, max = Math.floor(MAX_TIMER_MS / 1000)): Field<number> {
  return integer(fallback, min, max, 'seconds');
}

/** A number of entries: `>= 1`, or `0` where it means "disabled". */
export function entries(fallback: number, zeroDisables: boolean): Field<number> {
  return integer(fallback, zeroDisables ? 0 : 1, Number.MAX_SAFE_INTEGER, zeroDisables ? '0 disables' : '');
}

/** A plain count (`retries`) or size (`maxResponseBytes`). */
export function count(fallback: number, min: number): Field<number> {
  return integer(fallback, min, Number.MAX_SAFE_INTEGER, '');
}

/** A number strictly between 0 and 1. */
export function fraction(fallback: number): Field<number> {
  return (value, path, issues) => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && value > 0 && value < 1) return value;
    issues.add(path, 'must be a number between 0 and 1 (exclusive)');
    return fallback;
  };
}

/** One of a few string values. */
export function oneOf<T extends string>(values: readonly T[], fallback: T): Field<T> {
  return (value, path, issues) => {
    if (value === undefined) return fallback;
    if (values.includes(value as T)) return value as T;
    issues.add(path, `must be one of ${values.map((v) => `'${v}'`).join(', ')}`);
    return fallback;
  };
}
