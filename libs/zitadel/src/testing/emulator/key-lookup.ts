import type { KeyObject } from 'node:crypto';
import type { AppRecord, PublicKeyRecord } from './emulator-store.js';
import type { AssertionKeyLookup } from './jwt-profile-assertion.js';

/**
 * A registered public key by id, if it has not expired at `nowMs`: ZITADEL's key queries skip
 * expired keys.
 */
export function activePublicKey(
  keys: ReadonlyMap<string, PublicKeyRecord>,
  keyId: string,
  nowMs: number,
): KeyObject | undefined {
  const key = keys.get(keyId);
  return key !== undefined && (key.expiresAt === undefined || key.expiresAt > nowMs) ? key.publicKey : undefined;
}

/** The key lookup for an application's `private_key_jwt` assertions, at `nowMs`. */
export function appKeyLookup(app: AppRecord, nowMs: number): AssertionKeyLookup {
  return (keyId) => activePublicKey(app.keys, keyId, nowMs);
}
