import type { KeyObject } from 'node:crypto';
import type { AppRecord } from './emulator-store.js';
import type { AssertionKeyLookup } from './jwt-profile-assertion.js';

/** The key lookup for an application's `private_key_jwt` assertions: its unexpired keys by id. */
export function appKeyLookup(app: AppRecord): AssertionKeyLookup {
  return (keyId: string): KeyObject | undefined => {
    const key = app.keys.get(keyId);
    return key !== undefined && (key.expiresAt === undefined || key.expiresAt > Date.now()) ? key.publicKey : undefined;
  };
}
