import { createCache, type Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { LruMap } from '../shared/lru-map.js';
import { tokenHash } from '../shared/token-hash.js';

/** Prefix of every introspection cache key; the rest is the token's sha256, base64url. */
export const INTROSPECTION_CACHE_PREFIX = 'zitadel:introspection:';

/** The cache key of a token: a hash, never the token. */
export function introspectionCacheKey(token: string): string {
  return INTROSPECTION_CACHE_PREFIX + tokenHash(token);
}

/**
 * The cache-manager cache of introspection results: the configured Keyv stores, or one bounded
 * in-memory store (least recently used entries dropped first) holding the frozen results as is.
 */
export function createIntrospectionCache(settings: ResolvedZitadelConfig['introspection']['cache']): Cache {
  if (settings.stores !== undefined) return createCache({ stores: [...settings.stores] });
  const memory = new Keyv({ store: new LruMap<string, unknown>(settings.maxEntries), namespace: '' });
  // Values stay objects in memory: no JSON round trip on the request path.
  memory.serialize = undefined;
  memory.deserialize = undefined;
  return createCache({ stores: [memory] });
}
