import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './signing-key.js';

/** ZITADEL refuses an `iat` later than its own clock; backdating absorbs small clock drift. */
const IAT_BACKDATE_SECONDS = 5;
/** Assertions are single-use in spirit: short-lived, so a leaked one is worth little. */
const ASSERTION_LIFETIME_SECONDS = 120;

/**
 * Signs a JWT assertion (RFC 7523) with a ZITADEL key: the JWT-profile grant of a service user,
 * or the `private_key_jwt` client assertion of an application. RS256, `kid` = key id,
 * `iss` = `sub` = the key's subject, `aud` = the issuer, a fresh `jti` (OpenID Connect Core §9).
 *
 * The result is a credential: never log it.
 */
export async function signAssertion(key: SigningKey, audience: string, nowSeconds: number): Promise<string> {
  const iat = nowSeconds - IAT_BACKDATE_SECONDS;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: key.keyId })
    .setIssuer(key.subject)
    .setSubject(key.subject)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(nowSeconds + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
