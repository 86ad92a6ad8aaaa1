import { ZitadelAssertionRejectedError } from '../errors/assertion-rejected.error.js';
import { ZitadelDiscoveryError } from '../errors/discovery.error.js';
import {
  ZitadelAlreadyExistsError,
  ZitadelApiUnavailableError,
  ZitadelFailedPreconditionError,
  ZitadelInvalidArgumentError,
  ZitadelNotFoundError,
  ZitadelPermissionDeniedError,
  ZitadelResourceExhaustedError,
  ZitadelUnauthenticatedError,
} from '../errors/management-api.error.js';
import { ZitadelOAuthError } from '../errors/oauth.error.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelTokenExchangeError } from '../errors/token-exchange.error.js';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import type { ZitadelError } from '../errors/zitadel.error.js';

/** What a caller is told about a library error from a handler: fixed words only, never ZITADEL's text or a token. */
export interface ErrorAnswer {
  /** HTTP status (also the GraphQL, WebSocket and RPC answers' `status`). */
  readonly status: number;
  /** One fixed sentence for the caller. */
  readonly message: string;
  /** The library's error code, for statuses a caller can act on; left out of 500 answers. */
  readonly code: string | undefined;
  /** `Retry-After`, when ZITADEL said how long to wait. */
  readonly retryAfterSeconds: number | undefined;
}

const UNAVAILABLE = 'The identity provider is unavailable; try again later';
const BAD_GATEWAY =
  "The identity provider refused this service's credentials; the operator must check the ZitadelModule configuration";
const INTERNAL = 'Internal server error';

/**
 * The answer for a library error thrown from a user's handler:
 * - ZITADEL unreachable, overloaded or answering nonsense (`ZitadelUnavailableError`,
 *   `ZitadelResponseError`, `ZitadelDiscoveryError`, API `unavailable` / `resource-exhausted`): 503,
 *   with `Retry-After` when ZITADEL gave one.
 * - ZITADEL refusing this service's own credentials or settings (`ZitadelAssertionRejectedError`,
 *   `ZitadelOAuthError`, API `unauthenticated` / `permission-denied`, a token exchange refused for
 *   a configuration reason): 502; the log line names the configuration to check.
 * - API errors about the request itself: `not-found` 404, `already-exists` 409,
 *   `invalid-argument` / `failed-precondition` 400; a token exchange whose subject token ZITADEL
 *   refused (the caller's token) 401.
 * - Everything else (configuration, key files, missing peers, other API kinds): 500.
 */
export function answerFor(error: ZitadelError): ErrorAnswer {
  const answer = (status: number, message: string, retryAfterSeconds?: number): ErrorAnswer => ({
    status,
    message,
    code: status === 500 ? undefined : error.code,
    retryAfterSeconds,
  });
  if (error instanceof ZitadelUnavailableError) return answer(503, UNAVAILABLE, error.retryAfterSeconds);
  if (
    error instanceof ZitadelResponseError ||
    error instanceof ZitadelDiscoveryError ||
    error instanceof ZitadelApiUnavailableError ||
    error instanceof ZitadelResourceExhaustedError
  )
    return answer(503, UNAVAILABLE);
  if (
    error instanceof ZitadelAssertionRejectedError ||
    error instanceof ZitadelOAuthError ||
    error instanceof ZitadelUnauthenticatedError ||
    error instanceof ZitadelPermissionDeniedError
  )
    return answer(502, BAD_GATEWAY);
  if (error instanceof ZitadelNotFoundError) return answer(404, 'Not found');
  if (error instanceof ZitadelAlreadyExistsError) return answer(409, 'Already exists');
  if (error instanceof ZitadelInvalidArgumentError || error instanceof ZitadelFailedPreconditionError)
    return answer(400, 'The identity provider refused the request as invalid');
  if (error instanceof ZitadelTokenInvalidError) return answer(401, 'The access token is invalid');
  if (error instanceof ZitadelTokenExchangeError) {
    if (error.reason === 'invalid-subject') return answer(401, 'The access token cannot be used on your behalf');
    if (error.reason === 'invalid-target' || error.reason === 'invalid-scope' || error.reason === 'invalid-request')
      return answer(500, INTERNAL);
    return answer(502, BAD_GATEWAY);
  }
  return answer(500, INTERNAL);
}

/**
 * What the operator should check, for the log line of a 502: the option whose credentials or
 * ZITADEL setting was refused. Never a secret: only option names.
 */
export function configurationHint(error: ZitadelError): string | undefined {
  if (error instanceof ZitadelAssertionRejectedError) return 'check "serviceUser" (its key file)';
  if (error instanceof ZitadelOAuthError)
    return error.error === 'unauthorized_client' && error.status === 400
      ? 'check "apiApplication" (its key file or client id and secret)'
      : 'check "serviceUser" and "apiApplication" (key files, client ids and secrets)';
  if (error instanceof ZitadelUnauthenticatedError)
    return 'check "serviceUser" and that its token scopes include the ZITADEL API audience';
  if (error instanceof ZitadelPermissionDeniedError)
    return "check the service user's manager roles (e.g. ORG_OWNER) in ZITADEL";
  if (error instanceof ZitadelTokenExchangeError) return 'check "apiApplication" and the ZITADEL instance settings';
  return undefined;
}
