import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { assertIntrospectionTimes } from './introspection-times.js';
import { parseIntrospectionResult } from './introspection-result.js';

const NOW = 1_800_000_000;
const TOLERANCE = 5;

function reason(fields: Record<string, unknown>): string | undefined {
  try {
    assertIntrospectionTimes(parseIntrospectionResult({ sub: '42', ...fields }), NOW * 1000, TOLERANCE);
    return undefined;
  } catch (error) {
    if (!(error instanceof ZitadelTokenInvalidError)) throw error;
    return error.reason;
  }
}

describe('assertIntrospectionTimes', () => {
  it('passes active answers within their lifetime or the tolerance, and answers without times', () => {
    expect(reason({ active: true, exp: NOW + 60, nbf: NOW - 60 })).toBeUndefined();
    expect(reason({ active: true, exp: NOW - TOLERANCE + 1, nbf: NOW + TOLERANCE })).toBeUndefined();
    expect(reason({ active: true })).toBeUndefined();
    expect(reason({ active: false, exp: NOW - 3600 })).toBeUndefined();
  });

  it('refuses an active answer whose exp has passed beyond the tolerance', () => {
    expect(reason({ active: true, exp: NOW - TOLERANCE })).toBe('expired');
    expect(reason({ active: true, exp: 0 })).toBe('expired');
  });

  it('refuses an active answer whose nbf is ahead beyond the tolerance', () => {
    expect(reason({ active: true, exp: NOW + 60, nbf: NOW + TOLERANCE + 1 })).toBe('not-yet-valid');
  });
});
