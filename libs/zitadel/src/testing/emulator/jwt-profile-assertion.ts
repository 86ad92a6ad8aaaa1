import { constants, verify, type KeyObject } from 'node:crypto';
import { goDuration, goQuote, goTime } from './go-format.js';
import { isRecord } from '../../shared/is-record.js';

/** ZITADEL's clock offset for assertions (`time.Second` in `op.NewJWTProfileVerifier`). */
const OFFSET_MS = 1000;
/** ZITADEL's maximum assertion age (`time.Hour`). */
const MAX_AGE_MS = 3_600_000;
/** The algorithms ZITADEL's OpenID library accepts when it parses the signed assertion. */
const PARSABLE_ALGORITHMS = new Set(['RS256', 'ES256', 'PS256']);

/**
 * How ZITADEL's OpenID library classifies a failed check (`oidc.DefaultToServerError`):
 * `parse` → `invalid_request`, `invalid` → `invalid_grant`, `json` (an undecodable payload,
 * which the library does not classify) → `server_error`.
 */
export type AssertionFailureKind = 'parse' | 'invalid' | 'json';

/** An assertion that failed a check; `message` is the text ZITADEL's OpenID library gives it. */
export class AssertionRejected extends Error {
  constructor(
    readonly kind: AssertionFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'AssertionRejected';
  }
}

/** The claims of an assertion that ZITADEL reads (`oidc.JWTTokenRequest`). */
export interface AssertionClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: readonly string[];
  /** Epoch seconds; 0 when absent. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Finds the public key for a `kid` and an assertion issuer; `undefined` when none is valid now. */
export type AssertionKeyLookup = (keyId: string, issuer: string) => KeyObject | undefined;

/** Why the key lookup failed, as ZITADEL's query layer reports it for the JWT-profile grant. */
const KEY_NOT_FOUND =
  'error fetching keys: ID=QUERY-Tha6f Message=Errors.AuthNKey.NotFound Parent=(sql: no rows in result set)';

/**
 * Decodes an assertion's claims without verifying anything (`oidc.ParseToken`).
 *
 * @throws {AssertionRejected} `parse` or `json`.
 */
export function parseAssertion(assertion: string): AssertionClaims {
  const parts = assertion.split('.');
  if (parts.length !== 3)
    throw new AssertionRejected('parse', 'parsing of request failed: token contains an invalid number of segments');
  const payload = decodeRawBase64Url(parts[1] as string);
  if (typeof payload === 'number') {
    throw new AssertionRejected(
      'parse',
      `parsing of request failed: malformed jwt payload: illegal base64 data at input byte ${payload}`,
    );
  }
  return decodeClaims(payload.toString('utf8'));
}

/**
 * Verifies a JWT assertion (JWT-profile grant, or `private_key_jwt` client authentication)
 * exactly in the order of ZITADEL's OpenID library (`op.VerifyJWTAssertion`): parse, audience
 * contains the issuer, expiry, issued-at (not after now + 1 s, not older than 1 h), `iss` = `sub`,
 * then the signature with the key found by (`kid`, `iss`). `nowMs` is the emulator's time.
 *
 * @throws {AssertionRejected} with the library's error text.
 */
export function verifyJwtAssertion(
  assertion: string,
  issuer: string,
  findKey: AssertionKeyLookup,
  nowMs: number,
): AssertionClaims {
  const claims = parseAssertion(assertion);
  if (!claims.audience.includes(issuer)) {
    throw new AssertionRejected('invalid', `audience is not valid: Audience must contain client_id ${goQuote(issuer)}`);
  }
  if (!(nowMs + OFFSET_MS < claims.expiresAt * 1000)) throw new AssertionRejected('invalid', 'token has expired');
  checkIssuedAt(claims.issuedAt, nowMs);
  if (claims.issuer !== claims.subject)
    throw new AssertionRejected('invalid', 'delegation not allowed, issuer and sub must be identical');
  checkSignature(assertion, claims.issuer, findKey);
  return claims;
}

function checkIssuedAt(issuedAt: number, nowMs: number): void {
  if (issuedAt === 0) throw new AssertionRejected('invalid', 'issuedAt of token is missing');
  // Go's time.Round(time.Second) rounds half away from zero.
  const nowWithOffset = Math.round((nowMs + OFFSET_MS) / 1000);
  if (issuedAt > nowWithOffset) {
    throw new AssertionRejected(
      'invalid',
      `issuedAt of token is in the future: (iat: ${goTime(issuedAt)}, now with offset: ${goTime(nowWithOffset)})`,
    );
  }
  const maxAge = Math.round((nowMs - MAX_AGE_MS) / 1000);
  if (issuedAt < maxAge) {
    throw new AssertionRejected(
      'invalid',
      `issuedAt of token is to old: must not be older than ${goTime(maxAge)}, but was ${goTime(issuedAt)} (${goDuration(maxAge - issuedAt)} to old)`,
    );
  }
}

function checkSignature(assertion: string, issuer: string, findKey: AssertionKeyLookup): void {
  const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = assertion.split('.');
  const headerBytes = decodeRawBase64Url(encodedHeader);
  const signature = decodeRawBase64Url(encodedSignature);
  if (typeof headerBytes === 'number' || typeof signature === 'number')
    throw new AssertionRejected('parse', 'parsing of request failed');
  let header: unknown;
  try {
    header = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    throw new AssertionRejected('parse', 'parsing of request failed');
  }
  if (!isRecord(header)) throw new AssertionRejected('parse', 'parsing of request failed');
  const alg = header['alg'];
  if (typeof alg !== 'string' || !PARSABLE_ALGORITHMS.has(alg))
    throw new AssertionRejected('invalid', 'signature algorithm not supported');
  const kid = typeof header['kid'] === 'string' ? header['kid'] : '';
  const key = findKey(kid, issuer);
  if (key === undefined) throw new AssertionRejected('invalid', `invalid signature (${KEY_NOT_FOUND})`);
  if (!signatureValid(alg, `${encodedHeader}.${encodedPayload}`, signature, key)) {
    throw new AssertionRejected(
      'invalid',
      alg === 'ES256'
        ? 'invalid signature (go-jose/go-jose: unknown/unsupported algorithm)'
        : 'invalid signature (go-jose/go-jose: error in cryptographic primitive)',
    );
  }
}

/** RS256 or PS256 with the registered RSA key; ES256 cannot match an RSA key. */
function signatureValid(alg: string, signingInput: string, signature: Buffer, key: KeyObject): boolean {
  if (alg === 'ES256' || key.asymmetricKeyType !== 'rsa') return false;
  const padding =
    alg === 'PS256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
  try {
    return verify('sha256', Buffer.from(signingInput, 'latin1'), { key, ...padding }, signature);
  } catch {
    return false;
  }
}

function decodeClaims(text: string): AssertionClaims {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0];
    throw new AssertionRejected(
      'json',
      first === undefined
        ? 'unexpected end of JSON input'
        : `invalid character '${first}' looking for beginning of value`,
    );
  }
  if (!isRecord(payload)) {
    throw new AssertionRejected(
      'json',
      `json: cannot unmarshal ${jsonKind(payload)} into Go value of type oidc.JWTTokenRequest`,
    );
  }
  return {
    issuer: stringClaim(payload, 'iss'),
    subject: stringClaim(payload, 'sub'),
    audience: audienceClaim(payload['aud']),
    issuedAt: timeClaim(payload['iat']),
    expiresAt: timeClaim(payload['exp']),
  };
}

function stringClaim(payload: Record<string, unknown>, name: string): string {
  const value = payload[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new AssertionRejected(
      'json',
      `json: cannot unmarshal ${jsonKind(value)} into Go struct field JWTTokenRequest.${name} of type string`,
    );
  }
  return value;
}

/** `oidc.Audience`: a string or an array of strings. */
function audienceClaim(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
  throw new AssertionRejected(
    'json',
    `json: cannot unmarshal ${jsonKind(value)} into Go struct field JWTTokenRequest.aud of type oidc.Audience`,
  );
}

/** `oidc.Time`: seconds (a fraction is cut off), an RFC 3339 string, or null. */
function timeClaim(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
      throw new AssertionRejected(
        'json',
        `oidc.Time: parsing time ${goQuote(value)} as "2006-01-02T15:04:05Z07:00": cannot parse`,
      );
    }
    return Math.floor(ms / 1000);
  }
  throw new AssertionRejected(
    'json',
    `oidc.Time: unable to parse type ${goTypeName(value)} with value ${JSON.stringify(value)}`,
  );
}

/**
 * Base64url without padding, strictly, as Go's `base64.RawURLEncoding`; on failure the index of
 * the first offending byte, which Go's error message reports.
 */
function decodeRawBase64Url(text: string): Buffer | number {
  const bad = text.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) return bad;
  if (text.length % 4 === 1) return text.length - 1;
  return Buffer.from(text, 'base64url');
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

function goTypeName(value: unknown): string {
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}
