import type { ZitadelKeyvStore } from '../config/zitadel-options.interface.js';
import { LruMap } from '../shared/lru-map.js';
import type { ZitadelClock } from '../shared/clock.js';
import { tokenHash } from '../shared/token-hash.js';

/** Remembers signature headers, each until it could no longer pass the tolerance, to refuse a second use. */
export interface ReplayGuard {
  /** `true` the first time a header is seen (and remembers it), `false` after. */
  firstUse(header: string, signedAtSeconds: number, toleranceSeconds: number): Promise<boolean>;
}

const KEY_PREFIX = 'zitadel:action-replay:';

/**
 * The in-memory replay guard: a bounded LRU of header hashes with their expiry. Once full, the
 * least recently seen are forgotten first (a replay of a forgotten header passes again); size it
 * above the calls one tolerance window brings.
 */
export function memoryReplayGuard(maxEntries: number, clock: ZitadelClock): ReplayGuard {
  const seen = new LruMap<string, number>(maxEntries);
  return {
    firstUse: (header, signedAtSeconds, toleranceSeconds) => {
      const key = tokenHash(header);
      const now = clock.now();
      const expiresAt = seen.get(key);
      if (expiresAt !== undefined && expiresAt > now) return Promise.resolve(false);
      // A header passes the tolerance until `t + tolerance`: remembering it that long is enough.
      seen.set(key, (signedAtSeconds + toleranceSeconds) * 1000 + 1);
      return Promise.resolve(true);
    },
  };
}

/** The replay guard over a Keyv store shared by instances; the key is a hash of the header, never the header. */
export function keyvReplayGuard(store: ZitadelKeyvStore, clock: ZitadelClock): ReplayGuard {
  return {
    firstUse: async (header, signedAtSeconds, toleranceSeconds) => {
      const key = KEY_PREFIX + tokenHash(header);
      if ((await store.get(key)) !== undefined) return false;
      const ttl = Math.max(1, (signedAtSeconds + toleranceSeconds) * 1000 - clock.now() + 1);
      await store.set(key, 1, ttl);
      return true;
    },
  };
}
