import { ZitadelError } from './zitadel.error.js';

/**
 * ZITADEL answered with something the library cannot trust: an unexpected status, content type
 * or body shape. Treated like an outage by the guard (503), never as a valid answer.
 *
 * The message is the library's own sentence: a caller that puts anything from the response in it
 * passes that through `remoteText` first; `ZitadelError` escapes control characters in any case.
 */
export class ZitadelResponseError extends ZitadelError {
  readonly code = 'ZITADEL_RESPONSE_INVALID' as const;

  constructor(
    message: string,
    /** The HTTP status of the response. */
    readonly status: number,
  ) {
    super(message);
  }
}
