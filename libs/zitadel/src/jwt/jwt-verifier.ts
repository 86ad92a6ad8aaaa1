import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelTokenInvalidError, type TokenRejection } from '../errors/token-invalid.error.js';
import { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import { assertAccessTokenClaims } from './access-token-claims.js';
import { JwksCache } from './jwks-cache.js';
import { assertJwtShape } from './jwt-shape.js';

/** ZITADEL signs access tokens with RS256; nothing else is accepted (no `none`, no HMAC). */
const ALGORITHMS = ['RS256'];
const REQUIRED_CLAIMS = ['exp', 'sub'];

/**
 * Verifies JWT access tokens locally with `jose` against ZITADEL's JWKS: RS256 only, `iss`
 * exactly the discovered issuer, `aud` containing the project, `exp` (required) and `nbf` within
 * the configured clock tolerance (against the module's clock), `sub` a non-empty string. A token
 * that cannot be a JWT is refused before discovery or the JWKS are consulted; ZITADEL's ID tokens
 * and tokens whose claims have the wrong types are refused after the signature is checked (see
 * `assertAccessTokenClaims`). A provider of `ZitadelModule`, used by {@link ZitadelTokenValidator}.
 */
@Injectable()
export class JwtVerifier {
  private readonly projectId: string;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    private readonly jwks: JwksCache,
    private readonly discovery: ZitadelDiscovery,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
  ) {
    this.projectId = config.projectId ?? '';
  }

  /**
   * @returns the verified claims.
   * @throws {ZitadelTokenInvalidError} the token is not one this API accepts.
   * @throws {ZitadelUnavailableError} discovery or the JWKS could not be fetched.
   * @throws {ZitadelResponseError} ZITADEL served an unusable key set.
   */
  async verify(token: string): Promise<JWTPayload> {
    assertJwtShape(token);
    const { issuer } = await this.discovery.get();
    try {
      const { payload } = await jwtVerify(token, this.jwks.getKey, {
        algorithms: ALGORITHMS,
        issuer,
        audience: this.projectId,
        clockTolerance: this.config.jwt.clockToleranceSeconds,
        currentDate: new Date(this.clock.now()),
        requiredClaims: REQUIRED_CLAIMS,
      });
      assertAccessTokenClaims(payload);
      return payload;
    } catch (error) {
      throw toZitadelError(error);
    }
  }
}

/**
 * Maps a failure of `jwtVerify` to the library's errors. jose's errors carry the claims, so they
 * are not kept as `cause`. Anything else (the library's own errors, a bug) passes unchanged.
 */
function toZitadelError(error: unknown): unknown {
  if (!(error instanceof errors.JOSEError)) return error;
  if (error instanceof errors.JWKSInvalid)
    return new ZitadelResponseError('ZITADEL jwks endpoint served an unusable key', 200);
  return new ZitadelTokenInvalidError(rejection(error));
}

function rejection(error: errors.JOSEError): TokenRejection {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A claim of the wrong type (`"nbf" claim must be a number`) is not a matter of time.
    if (error.reason === 'invalid') return 'invalid';
    if (error.claim === 'nbf') return 'not-yet-valid';
    if (error.claim === 'aud') return 'wrong-audience';
    return 'invalid';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  return 'invalid';
}
