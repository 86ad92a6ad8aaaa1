import type { Logger } from '@nestjs/common';
import { apiErrorKind, connectCodeOfKind, createZitadelApiError } from '../errors/management-api.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import type { ZitadelHttpClient, ZitadelHttpRequest, ZitadelHttpResponse } from './zitadel-http-client.js';

/** Where bearer tokens come from: `TokenService`, seen from below (http/ cannot import token/). */
export interface BearerTokenSource {
  getAccessToken(request: { scopes: readonly string[] }): Promise<string>;
  invalidate(scopes: readonly string[]): void;
}

/** What an authorised call to ZITADEL's APIs (REST or Connect) is sent with. */
export interface AuthorizedExchangeContext {
  readonly http: ZitadelHttpClient;
  readonly tokens: BearerTokenSource;
  /** The scopes of the token, the same for every API call so that one cached token serves all. */
  readonly scopes: readonly string[];
  readonly logger: Logger;
  /** `connect`: errors made from a bare status carry the Connect code too. */
  readonly protocol: 'rest' | 'connect';
}

/**
 * Sends one call with a token for ZITADEL's APIs through the shared HTTP client (its timeouts and
 * retries); on 401 drops the token and tries once more with a fresh one (the token may have been
 * revoked, or the key rotated). A 401 is decided before ZITADEL handles the call, so repeating a
 * write is safe here.
 *
 * When the client's retries of 429 and 503 (or of 5xx for reads) are used up, the last answer is
 * returned, so the caller turns ZITADEL's error body (message, error id) into a typed API error
 * (`ZitadelResourceExhaustedError`, `ZitadelApiUnavailableError`, ...); a `Retry-After` too long to
 * wait for is such a last answer as well. Without any answer (network failure, timeout) the
 * `ZitadelUnavailableError` stays as it is.
 * Other answers, errors included, are returned for the caller to read.
 */
export async function sendAuthorized(
  context: AuthorizedExchangeContext,
  request: ZitadelHttpRequest,
): Promise<ZitadelHttpResponse> {
  const response = await exchange(context, request);
  if (response.status !== 401) return response;
  context.logger.debug(`ZITADEL ${request.endpoint} answered 401; retrying once with a new access token`);
  context.tokens.invalidate(context.scopes);
  return exchange(context, request);
}

async function exchange(context: AuthorizedExchangeContext, request: ZitadelHttpRequest): Promise<ZitadelHttpResponse> {
  const token = await context.tokens.getAccessToken({ scopes: context.scopes });
  const headers = { ...request.headers, authorization: `Bearer ${token}` };
  try {
    // ZITADEL's error body of a last 429/503 carries its message and error id: keep it.
    return await context.http.send({ ...request, headers, returnLastRetryableAnswer: true });
  } catch (error) {
    if (error instanceof ZitadelUnavailableError && error.status !== undefined) {
      throw createZitadelApiError({
        endpoint: request.endpoint,
        status: error.status,
        cause: error,
        connectCode:
          context.protocol === 'connect' ? connectCodeOfKind(apiErrorKind(undefined, error.status)) : undefined,
      });
    }
    throw error;
  }
}
