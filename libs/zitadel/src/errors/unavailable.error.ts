import { ZitadelError } from './zitadel.error.js';

/**
 * ZITADEL could not be reached or answered with a server error (network failure, timeout, 5xx,
 * 429) after the configured retries. Callers must fail closed: the guard answers 503.
 */
export class ZitadelUnavailableError extends ZitadelError {
  readonly code = 'ZITADEL_UNAVAILABLE' as const;

  /** How long ZITADEL asked callers to wait (its last `Retry-After`), in seconds, when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    /** The HTTP status of the last attempt, when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
