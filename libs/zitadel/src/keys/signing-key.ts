import type { KeyObject } from 'node:crypto';

/**
 * A validated private key with the identity it signs for. The key material lives only in the
 * `KeyObject`, which never prints it.
 */
export interface SigningKey {
  /** `kid` of the assertions. */
  readonly keyId: string;
  /** `iss` and `sub` of the assertions: the service user id or the application's client id. */
  readonly subject: string;
  readonly privateKey: KeyObject;
  /** When ZITADEL stops accepting the key, if known. */
  readonly expiresAt: Date | undefined;
}
