import { introspectionCacheEntry, readIntrospectionCacheEntry } from './introspection-cache.js';
import { parseIntrospectionResult } from './introspection-result.js';

const NOW = 1_800_000_000_000;
const active = parseIntrospectionResult({ active: true, sub: '42', exp: NOW / 1000 + 3600 });
const inactive = parseIntrospectionResult({ active: false });
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('introspection cache entries', () => {
  it('gives back the very result an in-memory entry holds, until its end on the given clock', () => {
    const entry = introspectionCacheEntry(active, NOW + 1000);
    expect(readIntrospectionCacheEntry(entry, NOW)).toBe(active);
    expect(readIntrospectionCacheEntry(entry, NOW + 999)).toBe(active);
    expect(readIntrospectionCacheEntry(entry, NOW + 1000)).toBeUndefined();
    expect(readIntrospectionCacheEntry(introspectionCacheEntry(inactive, NOW + 1), NOW)).toBe(inactive);
  });

  it('checks an entry a shared store gave back as JSON again, and ends it on the given clock too', () => {
    const entry = viaJson(introspectionCacheEntry(active, NOW + 1000));
    const result = readIntrospectionCacheEntry(entry, NOW);
    expect(result).toEqual(active);
    expect(Object.isFrozen(result)).toBe(true);
    expect(readIntrospectionCacheEntry(entry, NOW + 1000)).toBeUndefined();
    const forged = viaJson(introspectionCacheEntry(active, NOW + 1000)) as { result: Record<string, unknown> };
    forged.result['exp'] = 'later';
    expect(readIntrospectionCacheEntry(forged, NOW)).toBeUndefined();
  });

  it('never reuses an active result past its exp, whatever the entry says', () => {
    expect(readIntrospectionCacheEntry(introspectionCacheEntry(active, NOW * 2), NOW + 3600_000)).toBeUndefined();
  });

  it.each([
    ['a bare result (an older format)', active],
    ['no end', { result: active }],
    ['an end that is not a number', { result: active, until: String(NOW + 1000) }],
    ['no result', { until: NOW + 1000 }],
    ['a result without active', { result: { sub: '42' }, until: NOW + 1000 }],
    ['null', null],
    ['a string', 'active'],
  ])('treats %s as a miss', (_, value) => {
    expect(readIntrospectionCacheEntry(value, NOW)).toBeUndefined();
  });
});
