import { remoteText } from '../shared/remote-text.js';
import { ZitadelError } from './zitadel.error.js';

/**
 * ZITADEL refused an OAuth request (RFC 6749 §5.2 error body): a bad grant, an unknown client,
 * an invalid scope. Not retried: the request must change before it can succeed.
 *
 * `error` and `error_description` are ZITADEL's, passed through `remoteText` (control characters
 * escaped, token-shaped strings redacted, length capped): ordinary values such as `invalid_grant`
 * or `Errors.User.Machine.Secret.Invalid` are unchanged, so they can be matched and logged as they are.
 *
 * @see https://zitadel.com/docs/apis/openidoauth/endpoints
 */
export class ZitadelOAuthError extends ZitadelError {
  readonly code = 'ZITADEL_OAUTH_ERROR' as const;
  /** The OAuth `error` code, e.g. `invalid_grant`. */
  readonly error: string;
  /** ZITADEL's `error_description`, when given. */
  readonly error_description: string | undefined;

  constructor(
    /** The OAuth `error` code as ZITADEL sent it (sanitised here). */
    error: string,
    /** ZITADEL's `error_description` as it sent it (sanitised here). */
    errorDescription: string | undefined,
    /** The HTTP status of the response. */
    readonly status: number,
    endpoint: string,
  ) {
    const code = remoteText(error);
    const description = errorDescription === undefined ? undefined : remoteText(errorDescription);
    super(
      `ZITADEL ${endpoint} endpoint refused the request (${status} ${code}${description ? `: ${description}` : ''})`,
    );
    this.error = code;
    this.error_description = description;
  }
}
