/**
 * A `Map` holding at most `maxEntries` entries: adding one beyond the bound drops the least
 * recently used. Map-compatible, so Keyv takes it as a store (`new Keyv({ store: new LruMap(1000) })`).
 *
 * Reading an entry makes it the most recently used only when it is not among the recently
 * written half already: a hit on a fresh entry is a plain lookup, not a delete and re-insert
 * (which rewrites the `Map` twice per read on the guard's hot path). The order stays close to
 * LRU, with a bound that holds: an entry just read survives at least
 * `maxEntries - max(1, floor(maxEntries / 2))` insertions of new keys (about half the bound; exact
 * LRU: `maxEntries - 1`; bounds of 2 and 3 are exact LRU), and the map never holds more than
 * `maxEntries` entries.
 */
export class LruMap<K, V> extends Map<K, V> {
  /** When each key was last (re)inserted, on the counter of insertions. */
  readonly #stamps = new Map<K, number>();
  /** Insertions so far: writes and refreshes, each moving a key to the newest end. */
  #insertions = 0;
  /** A read refreshes an entry only when at least this many insertions happened since its own. */
  readonly #refreshAfter: number;

  constructor(readonly maxEntries: number) {
    super();
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('"maxEntries" must be an integer >= 1');
    this.#refreshAfter = Math.max(1, maxEntries >> 1);
  }

  override get(key: K): V | undefined {
    const value = super.get(key);
    // At most `insertions - stamp` entries are newer than this one: fewer than half the bound
    // means it is nowhere near eviction, so it stays where it is.
    if (value !== undefined && this.#insertions - (this.#stamps.get(key) ?? 0) >= this.#refreshAfter) {
      // Delete and re-insert: a Map iterates in insertion order, so the oldest entry comes first.
      super.delete(key);
      this.#insert(key, value);
    }
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    this.#insert(key, value);
    if (this.size > this.maxEntries) {
      const oldest = this.keys().next();
      if (oldest.done !== true) this.delete(oldest.value);
    }
    return this;
  }

  override delete(key: K): boolean {
    this.#stamps.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.#stamps.clear();
    super.clear();
  }

  #insert(key: K, value: V): void {
    super.set(key, value);
    this.#stamps.set(key, ++this.#insertions);
  }
}
