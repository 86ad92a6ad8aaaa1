/**
 * A service user's key file, as ZITADEL hands it out (`"type":"serviceaccount"`).
 *
 * @see https://zitadel.com/docs/guides/integrate/service-users/private-key-jwt
 */
export interface ServiceUserKey {
  type: 'serviceaccount';
  /** The key's id; sent as the assertion's `kid`. A decimal string: never parse it as a number. */
  keyId: string;
  /** The RSA private key, PEM (PKCS#1 as ZITADEL issues it, or PKCS#8). */
  key: string;
  /** The service user's id; the assertion's `iss` and `sub`. */
  userId: string;
  /** When ZITADEL stops accepting the key, if an expiration was set (RFC 3339). */
  expirationDate?: string;
}

/**
 * An API application's key file (`"type":"application"`), used for `private_key_jwt`.
 *
 * @see https://zitadel.com/docs/guides/integrate/token-introspection/private-key-jwt
 */
export interface ApplicationKey {
  type: 'application';
  /** The key's id; sent as the assertion's `kid`. */
  keyId: string;
  /** The RSA private key, PEM (PKCS#1 or PKCS#8). */
  key: string;
  /** The application's id. */
  appId: string;
  /** The application's client id; the assertion's `iss` and `sub`. May contain `@`. */
  clientId: string;
  /** When ZITADEL stops accepting the key, if an expiration was set (RFC 3339). */
  expirationDate?: string;
}
