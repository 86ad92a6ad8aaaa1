import { Logger } from '@nestjs/common';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import type { ZitadelClock } from '../shared/clock.js';
import { readCappedBody } from './response-body.js';
import {
  backoffDelayMs,
  isRetryableNetworkError,
  isRetryableStatus,
  networkErrorCode,
  retryAfterMs,
  type RetrySettings,
} from './retry-policy.js';

/** One HTTP call to ZITADEL. */
export interface ZitadelHttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Text, or bytes for binary protocols (Connect's `application/proto`). */
  readonly body?: string | Uint8Array;
  /** Whether sending it twice is harmless. Writes are retried only when they cannot have been applied. */
  readonly idempotent: boolean;
  /** Short name of the endpoint for messages and logs, e.g. `token`. Never a URL with secrets. */
  readonly endpoint: string;
  /** Some 5xx answers the caller interprets itself; without it every 5xx gets the default handling. */
  readonly serverErrors?: ServerErrorHandling;
  /**
   * The caller's cancellation: combined with the per-attempt timeout, checked before every retry.
   * Once it is aborted nothing more is sent and `send` rejects with its `reason` (what `fetch` does).
   */
  readonly signal?: AbortSignal;
  /**
   * When the retries of a 429 or 5xx are used up, return that last answer (read within
   * `http.maxResponseBytes`) instead of throwing `ZitadelUnavailableError`: for callers that turn
   * ZITADEL's error bodies into typed errors, so its message and error id are not lost.
   */
  readonly returnLastRetryableAnswer?: boolean;
}

/**
 * How a request takes over some 5xx answers from the default (retried up to `http.retries` times,
 * then `ZitadelUnavailableError`). A 5xx answer is then read (within `http.maxResponseBytes`) and
 * shown to `matches`: a matching one is retried at most `retries` times (and never beyond
 * `http.retries`), and then returned to the caller; any other gets the default handling.
 *
 * @example
 * // ZITADEL answers a refused JWT-profile assertion with 500 server_error: one retry, then the caller decides.
 * { retries: 1, matches: (response) => response.status === 500 && readOAuthError(response)?.error === 'server_error' }
 */
export interface ServerErrorHandling {
  /** Whether the caller handles this 5xx answer itself. */
  readonly matches: (response: ZitadelHttpResponse) => boolean;
  /** Further attempts after a matching answer. */
  readonly retries: number;
}

/** Resolved settings of the client (see `ZitadelHttpOptions`). */
export interface HttpClientSettings extends RetrySettings {
  /** Largest response body read, in bytes; a longer one fails the call with `ZitadelResponseError`. */
  readonly maxResponseBytes: number;
}

/** A response read in full. */
export interface ZitadelHttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body decoded as UTF-8. */
  readonly body: string;
  /** The body as received, for binary protocols (always set by `ZitadelHttpClient`; fakes may leave it out). */
  readonly bytes?: Uint8Array;
}

/**
 * Sends requests to ZITADEL with a per-attempt timeout and retries (network errors, 5xx and 429,
 * with capped exponential backoff and jitter, honouring `Retry-After`). Other responses, 4xx
 * included, are returned for the caller to interpret. No body is read beyond
 * `http.maxResponseBytes`.
 */
export class ZitadelHttpClient {
  private readonly logger = new Logger('Zitadel');

  constructor(
    private readonly settings: HttpClientSettings,
    private readonly clock: ZitadelClock,
  ) {}

  /**
   * @throws {ZitadelUnavailableError} when every attempt failed on the network or with a
   *   retryable status, or when `Retry-After` asks for a longer wait than `backoffMaxMs`.
   * @throws {ZitadelResponseError} the answer's body is larger than `http.maxResponseBytes`.
   */
  async send(request: ZitadelHttpRequest): Promise<ZitadelHttpResponse> {
    let matchedServerErrors = 0;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.settings.retries;
      let response: Response;
      throwIfAborted(request.signal);
      const timeout = AbortSignal.timeout(this.settings.timeoutMs);
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: 'error',
          signal: request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]),
        });
      } catch (cause) {
        throwIfAborted(request.signal);
        const reason = describeNetworkError(cause, this.settings.timeoutMs);
        if (last || !isRetryableNetworkError(cause, request.idempotent)) {
          throw new ZitadelUnavailableError(
            `ZITADEL ${request.endpoint} endpoint is unreachable: ${reason}`,
            undefined,
            { cause },
          );
        }
        this.logger.debug(`ZITADEL ${request.endpoint} attempt ${attempt + 1} failed (${reason}); retrying`);
        await this.clock.sleep(backoffDelayMs(attempt, this.settings));
        continue;
      }

      if (!isRetryableStatus(response.status, request.idempotent)) return this.read(response, request);
      const handling = request.serverErrors;
      const asked = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
      const givingUp = last || (asked !== undefined && asked > this.settings.backoffMaxMs);
      if (handling !== undefined && response.status >= 500) {
        const answer = await this.read(response, request);
        if (handling.matches(answer)) {
          if (last || matchedServerErrors >= handling.retries) return answer;
          matchedServerErrors++;
          this.logger.debug(
            `ZITADEL ${request.endpoint} answered ${response.status} (a matching server error); retrying`,
          );
          await this.clock.sleep(backoffDelayMs(attempt, this.settings));
          continue;
        }
        if (givingUp && request.returnLastRetryableAnswer === true) return answer;
      } else if (givingUp && request.returnLastRetryableAnswer === true) {
        return this.read(response, request);
      } else await response.body?.cancel().catch(() => undefined);
      if (givingUp) {
        const wait = asked === undefined ? '' : ` (asked to retry after ${Math.ceil(asked / 1000)} s)`;
        throw new ZitadelUnavailableError(
          `ZITADEL ${request.endpoint} endpoint answered ${response.status}${wait}`,
          response.status,
          asked === undefined ? undefined : { retryAfterSeconds: Math.ceil(asked / 1000) },
        );
      }
      this.logger.debug(`ZITADEL ${request.endpoint} answered ${response.status}; retrying`);
      await this.clock.sleep(asked ?? backoffDelayMs(attempt, this.settings));
    }
  }

  private async read(response: Response, request: ZitadelHttpRequest): Promise<ZitadelHttpResponse> {
    try {
      const bytes = await readCappedBody(response, request.endpoint, this.settings.maxResponseBytes);
      return { status: response.status, headers: response.headers, body: new TextDecoder().decode(bytes), bytes };
    } catch (error) {
      throwIfAborted(request.signal);
      throw error;
    }
  }
}

/** The caller gave up: its reason, not ours (an `AbortError` unless it said otherwise). */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw signal.reason;
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch wraps the system error: its cause says what happened ("bad port", "other side closed").
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return networkErrorCode(error) ?? (cause instanceof Error ? cause.message : 'network error');
}
