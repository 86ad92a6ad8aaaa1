import { deepFreeze } from '../shared/deep-freeze.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { isActorClaim } from '../shared/actor-claim.js';

/**
 * An introspection response (RFC 7662 §2.2), checked. `active` is always present; an inactive
 * result carries nothing else. ZITADEL adds profile and role claims to active results; they are
 * kept as they came (index signature).
 *
 * @see https://zitadel.com/docs/apis/openidoauth/endpoints#introspection_endpoint
 */
export interface IntrospectionResult {
  /** Whether the token is currently active for this API. Trust nothing else when `false`. */
  readonly active: boolean;
  /** Space-separated scopes of the token. */
  readonly scope?: string;
  /** The client the token was issued to. */
  readonly client_id?: string;
  readonly username?: string;
  readonly token_type?: string;
  /** Expiry, seconds since the epoch. */
  readonly exp?: number;
  /** Issued at, seconds since the epoch. */
  readonly iat?: number;
  /** Not before, seconds since the epoch. */
  readonly nbf?: number;
  /** The user (or service user) the token stands for. */
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly iss?: string;
  readonly jti?: string;
  /** Who acts for the user (token exchange with impersonation, RFC 8693 §4.1). */
  readonly act?: { readonly sub: string; readonly iss?: string; readonly act?: unknown };
  /** Further claims, e.g. `urn:zitadel:iam:org:project:roles`, `email`. */
  readonly [claim: string]: unknown;
}

const NUMERIC_CLAIMS = ['exp', 'iat', 'nbf'] as const;
const STRING_CLAIMS = ['scope', 'client_id', 'username', 'token_type', 'sub', 'iss', 'jti'] as const;
const INACTIVE: IntrospectionResult = Object.freeze({ active: false });

/**
 * Checks the JSON object of an introspection response before anything trusts it: `active` must
 * be a boolean, `exp`/`iat`/`nbf` finite numbers, `sub`/`iss`/`scope`/`client_id`/... strings,
 * `aud` a string or an array of strings and `act` an actor object. An inactive answer is reduced to `{ active: false }`.
 *
 * @returns a frozen result.
 * @throws {ZitadelResponseError} a field has the wrong type (named in the message; its value is not).
 */
export function parseIntrospectionResult(body: Readonly<Record<string, unknown>>, status = 200): IntrospectionResult {
  const invalid = (field: string, expected: string): ZitadelResponseError =>
    new ZitadelResponseError(
      `ZITADEL introspection response has ${field === 'active' ? 'no boolean' : 'an invalid'} "${field}" (${expected} expected)`,
      status,
    );
  const { active } = body;
  if (typeof active !== 'boolean') throw invalid('active', 'a boolean');
  if (!active) return INACTIVE;
  for (const claim of NUMERIC_CLAIMS) {
    const value = body[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw invalid(claim, 'a number');
  }
  for (const claim of STRING_CLAIMS) {
    const value = body[claim];
    if (value !== undefined && typeof value !== 'string') throw invalid(claim, 'a string');
  }
  const { aud } = body;
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((entry) => typeof entry === 'string'))
  ) {
    throw invalid('aud', 'a string or an array of strings');
  }
  if (body['act'] !== undefined && !isActorClaim(body['act'])) throw invalid('act', 'an actor { sub, iss?, act? }');
  return deepFreeze({ ...body, active: true });
}

/** Whether a value read back from a cache store looks like a result this module stored. */
export function isIntrospectionResult(value: unknown): value is IntrospectionResult {
  return typeof value === 'object' && value !== null && typeof (value as { active?: unknown }).active === 'boolean';
}
