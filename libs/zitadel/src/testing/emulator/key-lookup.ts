import type { KeyObject } from 'node:crypto';
import type { AppRecord, PublicKeyRecord } from './emulator-store.js';
import type { AssertionKeyLookup } from './jwt-profile-assertion.js';

/** A registered public key by id, if it has not expired: ZITADEL's key queries skip expired keys. */
export function activePublicKey(keys: ReadonlyMap<string, PublicKeyRecord>, keyId: string): KeyObject | undefined {
  const key = keys.get(keyId);
  return key !== undefined && (key.expiresAt === undefined || key.expiresAt > Date.now()) ? key.publicKey : undefined;
}

/** The key lookup for an application's `private_key_jwt` assertions. */
export function appKeyLookup(app: AppRecord): AssertionKeyLookup {
  return (keyId) => activePublicKey(app.keys, keyId);
}
