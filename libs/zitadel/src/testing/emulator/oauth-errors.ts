import { jsonResponse, type EmulatorResponse } from './http-exchange.js';

/** The OAuth error codes ZITADEL answers with on the endpoints the emulator serves. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error';

/**
 * An OAuth error answer (RFC 6749 §5.2) with the status ZITADEL gives it. ZITADEL's OpenID
 * library answers every `oidc.Error` with 400 unless it is wrapped with another status, so
 * `invalid_client` is a 400 there, not the 401 RFC 6749 suggests.
 */
export class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly description?: string,
  ) {
    super(description === undefined ? error : `${error}: ${description}`);
    this.name = 'OAuthFailure';
  }

  /** `{"error": ..., "error_description": ...}`; the description is left out when empty, as Go's `omitempty` does. */
  toResponse(headers: Readonly<Record<string, string>> = {}): EmulatorResponse {
    const body =
      this.description === undefined || this.description === ''
        ? { error: this.error }
        : { error: this.error, error_description: this.description };
    return jsonResponse(this.status, body, headers);
  }
}

/** A 400 `invalid_request`, ZITADEL's answer to malformed requests. */
export function invalidRequest(description: string): OAuthFailure {
  return new OAuthFailure(400, 'invalid_request', description);
}

/**
 * A ZITADEL error (`zerrors`) that reached the OpenID layer: ZITADEL answers it as
 * `invalid_request` (status below 500) or `server_error`, with the error's i18n key as description.
 */
export function zitadelError(status: number, messageKey: string): OAuthFailure {
  return new OAuthFailure(status, status < 500 ? 'invalid_request' : 'server_error', messageKey);
}
