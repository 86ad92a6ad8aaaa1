/**
 * A `Map` holding at most `maxEntries` entries: reading an entry makes it the most recently
 * used, adding one beyond the bound drops the least recently used. Map-compatible, so Keyv
 * takes it as a store (`new Keyv({ store: new LruMap(1000) })`).
 */
export class LruMap<K, V> extends Map<K, V> {
  constructor(readonly maxEntries: number) {
    super();
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('"maxEntries" must be an integer >= 1');
  }

  override get(key: K): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      // Delete and re-insert: a Map iterates in insertion order, so the oldest entry comes first.
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.maxEntries) {
      const oldest = this.keys().next();
      if (oldest.done !== true) super.delete(oldest.value);
    }
    return this;
  }
}
