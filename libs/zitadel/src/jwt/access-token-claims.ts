import type { JWTPayload } from 'jose';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { isActorClaim } from '../shared/actor-claim.js';
import { isRecord } from '../shared/is-record.js';

const NUMERIC_CLAIMS = ['exp', 'iat', 'nbf'] as const;
/** Registered claims ZITADEL writes as strings into its JWT access tokens. */
const STRING_CLAIMS = ['iss', 'client_id', 'scope'] as const;
const ZITADEL_PREFIX = 'urn:zitadel:iam:';
/** `urn:zitadel:iam:org:project:roles` and `urn:zitadel:iam:org:project:{projectId}:roles`. */
const ROLES_CLAIM = /^urn:zitadel:iam:org:project:(?:[^:]+:)?roles$/;

/**
 * Checks the claims of a JWT whose signature, issuer, audience and lifetime `jose` verified:
 * that it is one of ZITADEL's access tokens, not one of its ID tokens, and that the claims the
 * user is built from have the types ZITADEL gives them. A well-signed token with odd claims is
 * refused (401), never a crash of the user's construction (503).
 *
 * The ID token rule, from ZITADEL's source (`internal/api/oidc/token.go`: `createJWT` builds
 * access tokens with `oidc.NewAccessTokenClaims`, `createIDToken` ID tokens with
 * `oidc.NewIDTokenClaims`, both in `zitadel/oidc` `pkg/oidc/token.go`): an access token always
 * carries `jti` (the session's token id) and never `azp`; an ID token always carries `azp` (the
 * client id) and never `jti`. Both are signed with header `typ: JWT` (`op.SignerFromKey`, and the
 * web-key signer), and `at_hash`/`sid` are missing from some ID tokens, so neither tells them apart.
 *
 * Type checks cover what ZITADEL itself writes: the registered claims (`sub` a non-empty string,
 * `aud` a string or strings, `exp`/`iat`/`nbf` numbers, `iss`/`client_id`/`scope`/`jti` strings, `act` an
 * actor `{ sub, iss?, act? }`) and every
 * `urn:zitadel:iam:*` claim the user reads (role claims `{ role: { orgId: domain } }`, the
 * resource owner's strings), which Actions cannot set. Other claims (profile claims, claims added
 * by Actions) are only read when they have the expected type.
 *
 * @throws {ZitadelTokenInvalidError} (`invalid`) an ID token, or a claim of the wrong type.
 */
export function assertAccessTokenClaims(claims: JWTPayload): void {
  if (!isAccessTokenClaims(claims)) throw new ZitadelTokenInvalidError('invalid');
}

function isAccessTokenClaims(claims: Readonly<Record<string, unknown>>): boolean {
  if (claims['azp'] !== undefined || !isNonEmptyString(claims['jti']) || !isNonEmptyString(claims['sub'])) return false;
  for (const claim of NUMERIC_CLAIMS) {
    const value = claims[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return false;
  }
  for (const claim of STRING_CLAIMS) {
    const value = claims[claim];
    if (value !== undefined && typeof value !== 'string') return false;
  }
  const { aud, act } = claims;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string')))
    return false;
  // `act` (token exchange with impersonation) names who acts for the user: it must be well formed.
  if (act !== undefined && !isActorClaim(act)) return false;
  for (const [claim, value] of Object.entries(claims)) {
    if (!claim.startsWith(ZITADEL_PREFIX)) continue;
    if (ROLES_CLAIM.test(claim) ? !isRoleClaim(value) : isResourceOwnerClaim(claim) && typeof value !== 'string')
      return false;
  }
  return true;
}

function isResourceOwnerClaim(claim: string): boolean {
  return (
    claim === 'urn:zitadel:iam:user:resourceowner:id' ||
    claim === 'urn:zitadel:iam:user:resourceowner:name' ||
    claim === 'urn:zitadel:iam:user:resourceowner:primary_domain'
  );
}

/** `{ role: { orgId: primaryDomain } }`. */
function isRoleClaim(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const grants of Object.values(value)) {
    if (!isRecord(grants)) return false;
    for (const domain of Object.values(grants)) if (typeof domain !== 'string') return false;
  }
  return true;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
