/**
 * Every stable error code this library throws. A closed union, so `switch (err.code)` narrows.
 */
export type ZitadelErrorCode =
  | 'ZITADEL_CONFIGURATION_INVALID'
  | 'ZITADEL_KEY_FILE_INVALID'
  | 'ZITADEL_DISCOVERY_FAILED'
  | 'ZITADEL_UNAVAILABLE'
  | 'ZITADEL_OAUTH_ERROR'
  | 'ZITADEL_ASSERTION_REJECTED'
  | 'ZITADEL_RESPONSE_INVALID'
  | 'ZITADEL_TOKEN_INVALID'
  | 'ZITADEL_API_ERROR';

/**
 * Base class of every error this library throws. Messages say what to fix and never contain a
 * token, an assertion, a private key or a client secret.
 */
export abstract class ZitadelError extends Error {
  /** Stable, documented code: match on this, not on the message. */
  abstract readonly code: ZitadelErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The class name survives minification and subclassing better than a literal string.
    this.name = new.target.name;
  }
}
