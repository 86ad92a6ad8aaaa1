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

  it('keeps an entry just read for at least half the bound of new keys, whatever came before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 }))),
        fc.nat(),
        (max, ops, pick) => {
          const map = new LruMap<number, number>(max);
          for (const [write, key] of ops) {
            if (write) map.set(key, key);
            else map.get(key);
          }
          const keys = [...map.keys()];
          if (keys.length === 0) return;
          const read = keys[pick % keys.length] ?? 0;
          expect(map.get(read)).toBe(read);
          const survives = max - Math.max(1, Math.floor(max / 2));
          for (let i = 0; i < survives; i++) map.set(1000 + i, i);
          expect(map.has(read)).toBe(true);
          expect(map.size).toBeLessThanOrEqual(max);
        },
      ),
    );
  });

  it('does not reorder on a hit of an entry among the recently written half', () => {
    const map = new LruMap<string, number>(10);
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    keys.forEach((key, i) => map.set(key, i));
    expect(map.get('k9')).toBe(9);
    expect(map.get('k5')).toBe(5);
    expect([...map.keys()]).toEqual(keys);
    // Five insertions since k4's own: old enough to be moved to the newest end.
    expect(map.get('k4')).toBe(4);
    expect([...map.keys()]).toEqual([...keys.filter((key) => key !== 'k4'), 'k4']);
  });

  it('forgets what delete and clear removed', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.delete('a')).toBe(true);
    expect(map.get('a')).toBeUndefined();
    map.set('c', 3);
    expect([...map.entries()]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
    map.clear();
    expect(map.size).toBe(0);
    map.set('a', 4).set('b', 5).set('c', 6);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('refuses a bound below 1', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
