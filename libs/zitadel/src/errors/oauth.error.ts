import { ZitadelError } from './zitadel.error.js';

/**
 * ZITADEL refused an OAuth request (RFC 6749 §5.2 error body): a bad grant, an unknown client,
 * an invalid scope. Not retried: the request must change before it can succeed.
 *
 * @see https://zitadel.com/docs/apis/openidoauth/endpoints
 */
export class ZitadelOAuthError extends ZitadelError {
  readonly code = 'ZITADEL_OAUTH_ERROR' as const;

  constructor(
    /** The OAuth `error` code, e.g. `invalid_grant`. */
    readonly error: string,
    /** ZITADEL's `error_description`, when given. */
    readonly error_description: string | undefined,
    /** The HTTP status of the response. */
    readonly status: number,
    endpoint: string,
  ) {
    super(
      `ZITADEL ${endpoint} endpoint refused the request (${status} ${scrub(error)}` +
        `${error_description ? `: ${scrub(error_description)}` : ''})`,
    );
  }
}

/**
 * The upstream text as it may appear in a message: short, and without anything shaped like a
 * token (a proxy that echoes the request must not put a credential into our logs).
 */
function scrub(text: string): string {
  return text.slice(0, 300).replace(/[\w~+/=-]{24,}/g, '[redacted]');
}
