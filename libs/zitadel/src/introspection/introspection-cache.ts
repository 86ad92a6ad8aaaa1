import { createCache, type Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { isRecord } from '../shared/is-record.js';
import { LruMap } from '../shared/lru-map.js';
import { tokenHash } from '../shared/token-hash.js';
import { isIntrospectionResult, parseIntrospectionResult, type IntrospectionResult } from './introspection-result.js';

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
  // cache-manager declares its stores as keyv's class; of them it calls only get and set for the
  // library's cache.get and cache.set, which is what ZitadelKeyvStore requires.
  if (settings.stores !== undefined) return createCache({ stores: [...settings.stores] as Keyv[] });
  const memory = new Keyv({ store: new LruMap<string, unknown>(settings.maxEntries), namespace: '' });
  // Values stay objects in memory: no JSON round trip on the request path.
  memory.serialize = undefined;
  memory.deserialize = undefined;
  return createCache({ stores: [memory] });
}

/**
 * What the cache holds for a token: the result and `until`, the instant (epoch milliseconds of
 * the module's clock) after which it is not used. The store's own TTL (real time) only frees the
 * space; `until` decides, so every instance and an injected test clock agree on when an entry ends.
 */
interface IntrospectionCacheEntry {
  readonly result: IntrospectionResult;
  readonly until: number;
}

/** A frozen entry: the in-memory store keeps it as is, a shared store as JSON. */
export function introspectionCacheEntry(result: IntrospectionResult, until: number): IntrospectionCacheEntry {
  return Object.freeze({ result, until });
}

/**
 * The result of a cached entry, if it is still usable at `nowMs`: the in-memory store gives back
 * the frozen entry it was given; a shared store (Redis) gives back JSON, whose result is checked
 * again. Anything else (an entry of another shape or version) is a miss. An active result past
 * its `exp` (clocks of instances differ) is not reused either.
 */
export function readIntrospectionCacheEntry(value: unknown, nowMs: number): IntrospectionResult | undefined {
  if (!isRecord(value)) return undefined;
  const { until, result } = value;
  if (typeof until !== 'number' || !(nowMs < until) || !isIntrospectionResult(result)) return undefined;
  let checked = result;
  if (!Object.isFrozen(value)) {
    try {
      checked = parseIntrospectionResult(result);
    } catch {
      return undefined;
    }
  }
  if (checked.active && checked.exp !== undefined && checked.exp * 1000 <= nowMs) return undefined;
  return checked;
}
