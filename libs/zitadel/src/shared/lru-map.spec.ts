import * as fc from 'fast-check';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('drops the least recently used entry beyond its bound', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['a', 'c']);
    map.set('a', 4);
    map.set('d', 5);
    expect([...map.entries()]).toEqual([
      ['a', 4],
      ['d', 5],
    ]);
  });

  it('never holds more than maxEntries and always keeps the entry written last', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { minLength: 1 }),
        (max, ops) => {
          const map = new LruMap<number, number>(max);
          let lastWritten = -1;
          map.set(-1, -1);
          for (const [write, key] of ops) {
            if (write) {
              map.set(key, key);
              lastWritten = key;
            } else {
              map.get(key);
            }
            expect(map.size).toBeLessThanOrEqual(max);
          }
          expect(map.get(lastWritten)).toBe(lastWritten);
        },
      ),
    );
  });

  it('refuses a bound below 1', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
