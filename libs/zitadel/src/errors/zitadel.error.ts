import { escapeControlCharacters } from '../shared/remote-text.js';

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
  | 'ZITADEL_API_ERROR'
  | 'ZITADEL_SIGNATURE_INVALID'
  | 'ZITADEL_DEPENDENCY_MISSING'
  | 'ZITADEL_TOKEN_EXCHANGE_REFUSED';

/**
 * Base class of every error this library throws. Messages say what to fix and never contain a
 * token, an assertion, a private key, a client secret or a raw control character: text from
 * ZITADEL goes through `remoteText` where it enters a message, and every message is escaped here
 * once more, so no subclass or caller can put a line break or a terminal escape into a log.
 */
export abstract class ZitadelError extends Error {
  /** Stable, documented code: match on this, not on the message. */
  abstract readonly code: ZitadelErrorCode;

  /**
   * @param message one line, or several lines (each escaped, then joined with line breaks).
   */
  constructor(message: string | readonly string[], options?: { cause?: unknown }) {
    super(
      typeof message === 'string' ? escapeControlCharacters(message) : message.map(escapeControlCharacters).join('\n'),
      options,
    );
    // The class name survives minification and subclassing better than a literal string.
    this.name = new.target.name;
  }
}
