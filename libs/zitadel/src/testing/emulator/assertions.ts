import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { StoredKey } from './emulator-store.js';

/** ZITADEL allows an `iat` about a second ahead of its clock, and none older than an hour. */
const IAT_FUTURE_LEEWAY_SECONDS = 1;
const IAT_MAX_AGE_SECONDS = 3600;

/** Why an assertion was refused; the message is the `error_description`. */
export class AssertionError extends Error {}

/**
 * Verifies a JWT assertion (JWT-profile grant or `private_key_jwt`) in the order of ZITADEL's
 * OpenID library (`VerifyJWTAssertion`): audience, expiry, issued-at, `iss` = `sub`, then the
 * signature by the key found for (`kid`, `iss`).
 *
 * @returns the subject.
 * @throws {AssertionError}
 */
export async function verifyAssertion(
  assertion: string,
  issuer: string,
  findKey: (subject: string, kid: string | undefined) => StoredKey | undefined,
): Promise<string> {
  let claims: JWTPayload;
  let kid: string | undefined;
  try {
    claims = decodeJwt(assertion);
    kid = decodeProtectedHeader(assertion).kid;
  } catch {
    throw new AssertionError('malformed jwt');
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(issuer)) throw new AssertionError('audience is not valid: Audience must contain client_id "' + issuer + '"');
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new AssertionError('token has expired');
  if (typeof claims.iat !== 'number' || claims.iat > now + IAT_FUTURE_LEEWAY_SECONDS) throw new AssertionError('iat is in the future');
  if (claims.iat < now - IAT_MAX_AGE_SECONDS) throw new AssertionError('iat is too old');
  if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw new AssertionError('issuer must be equal to subject');
  const key = findKey(claims.iss, kid);
  if (key === undefined) throw new AssertionError('key not found');
  if (key.expiresAt !== undefined && key.expiresAt.getTime() <= Date.now()) throw new AssertionError('key expired');
  try {
    await jwtVerify(assertion, key.publicKey, { algorithms: ['RS256'] });
  } catch {
    throw new AssertionError('signature invalid');
  }
  return claims.iss;
}
