// Property-based tests of the introspection response parser: any JSON object ZITADEL (or whatever
// answers in its place) sends yields a checked, frozen result or a ZitadelResponseError that names
// the field but never its value; the cache-value check is total.
import * as fc from 'fast-check';
import { ZitadelResponseError } from '../errors/response.error.js';
import { isIntrospectionResult, parseIntrospectionResult, type IntrospectionResult } from './introspection-result.js';

const SETTINGS = { seed: 0x5eed_0004, numRuns: 1500 } as const;
const NUMERIC = ['exp', 'iat', 'nbf'] as const;
const STRINGS = ['scope', 'client_id', 'username', 'token_type', 'sub', 'iss', 'jti'] as const;
/** A marker no error message may contain: values are never echoed. */
const MARKER = 'SECRET-VALUE-0123456789';

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(MARKER, [MARKER], { nested: MARKER }, 1e308, -0, 0.5, '', 'true'),
);
/** Each field well-typed most of the time, so that both sides of every check are reached. */
const body = fc
  .record(
    {
      active: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyValue }),
      ...Object.fromEntries(
        NUMERIC.map((claim) => [
          claim,
          fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }) },
            { weight: 1, arbitrary: anyValue },
          ),
        ]),
      ),
      ...Object.fromEntries(
        STRINGS.map((claim) => [
          claim,
          fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: anyValue }),
        ]),
      ),
      aud: fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), anyValue),
    },
    { requiredKeys: [] },
  )
  .chain((known) =>
    fc
      .dictionary(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 })
      .map((extra) => ({ ...extra, ...known })),
  )
  .map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

function parse(value: Record<string, unknown>): IntrospectionResult | ZitadelResponseError {
  try {
    return parseIntrospectionResult(value, 200);
  } catch (error) {
    if (error instanceof ZitadelResponseError) return error;
    throw new Error(`parseIntrospectionResult threw something other than ZitadelResponseError: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Every object and array in a JSON-like value, the value itself included. */
function objectsIn(value: unknown, found: object[] = []): object[] {
  if (typeof value === 'object' && value !== null) {
    found.push(value);
    for (const child of Object.values(value)) objectsIn(child, found);
  }
  return found;
}

function wellTyped(value: Record<string, unknown>): boolean {
  if (typeof value['active'] !== 'boolean') return false;
  if (value['active'] === false) return true;
  const { aud } = value;
  return (
    NUMERIC.every(
      (claim) => value[claim] === undefined || (typeof value[claim] === 'number' && Number.isFinite(value[claim])),
    ) &&
    STRINGS.every((claim) => value[claim] === undefined || typeof value[claim] === 'string') &&
    (aud === undefined ||
      typeof aud === 'string' ||
      (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string')))
  );
}

describe('parseIntrospectionResult (property-based)', () => {
  it('accepts exactly the well-typed responses, and refuses the others with a ZitadelResponseError that never quotes a value', () => {
    fc.assert(
      fc.property(body, (value) => {
        const result = parse(value);
        const error = result instanceof ZitadelResponseError ? result : undefined;
        expect(error === undefined).toBe(wellTyped(value));
        expect(error?.status ?? 200).toBe(200);
        expect(error?.message.includes(MARKER) ?? false).toBe(false);
        expect(error?.message ?? 'ZITADEL introspection response has no boolean "active" (a boolean expected)').toMatch(
          /^ZITADEL introspection response has (no boolean|an invalid) "(active|exp|iat|nbf|scope|client_id|username|token_type|sub|iss|jti|aud)" \([a-z ]+ expected\)$/,
        );
      }),
      SETTINGS,
    );
  });

  it('reduces every inactive answer to { active: false }, whatever else it carries', () => {
    fc.assert(
      fc.property(body, (value) => {
        const result = parse({ ...value, active: false });
        expect(result).toEqual({ active: false });
        expect(Object.isFrozen(result)).toBe(true);
      }),
      { ...SETTINGS, numRuns: 300 },
    );
  });

  it('keeps every claim of an accepted active answer unchanged, deeply frozen', () => {
    fc.assert(
      fc.property(body, (value) => {
        const input = { ...value, active: true };
        const copy = structuredClone(input);
        const result = parse(input);
        fc.pre(!(result instanceof ZitadelResponseError));
        expect(result).toEqual(copy);
        expect(objectsIn(result).every((item) => Object.isFrozen(item))).toBe(true);
        expect(isIntrospectionResult(result)).toBe(true);
      }),
      SETTINGS,
    );
  });

  it('checks cache values of any shape without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), body), (value) => {
        const verdict = isIntrospectionResult(value);
        expect(verdict).toBe(
          typeof value === 'object' && value !== null && typeof (value as { active?: unknown }).active === 'boolean',
        );
      }),
      { ...SETTINGS, numRuns: 500 },
    );
  });
});
