import { Logger } from '@nestjs/common';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import type { ZitadelClock } from '../shared/clock.js';
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
  readonly body?: string;
  /** Whether sending it twice is harmless. Writes are retried only when they cannot have been applied. */
  readonly idempotent: boolean;
  /** Short name of the endpoint for messages and logs, e.g. `token`. Never a URL with secrets. */
  readonly endpoint: string;
}

/** A response read in full. */
export interface ZitadelHttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * Sends requests to ZITADEL with a per-attempt timeout and retries (network errors, 5xx and 429,
 * with capped exponential backoff and jitter, honouring `Retry-After`). Other responses, 4xx
 * included, are returned for the caller to interpret.
 */
export class ZitadelHttpClient {
  private readonly logger = new Logger('Zitadel');

  constructor(
    private readonly settings: RetrySettings,
    private readonly clock: ZitadelClock,
  ) {}

  /**
   * @throws {ZitadelUnavailableError} when every attempt failed on the network or with a
   *   retryable status, or when `Retry-After` asks for a longer wait than `backoffMaxMs`.
   */
  async send(request: ZitadelHttpRequest): Promise<ZitadelHttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.settings.retries;
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.settings.timeoutMs),
        });
      } catch (cause) {
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

      if (!isRetryableStatus(response.status, request.idempotent)) {
        return { status: response.status, headers: response.headers, body: await readBody(response, request.endpoint) };
      }
      await response.body?.cancel().catch(() => undefined);
      const asked = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
      if (last || (asked !== undefined && asked > this.settings.backoffMaxMs)) {
        const wait = asked === undefined ? '' : ` (asked to retry after ${Math.ceil(asked / 1000)} s)`;
        throw new ZitadelUnavailableError(
          `ZITADEL ${request.endpoint} endpoint answered ${response.status}${wait}`,
          response.status,
        );
      }
      this.logger.debug(`ZITADEL ${request.endpoint} answered ${response.status}; retrying`);
      await this.clock.sleep(asked ?? backoffDelayMs(attempt, this.settings));
    }
  }
}

async function readBody(response: Response, endpoint: string): Promise<string> {
  try {
    return await response.text();
  } catch (cause) {
    throw new ZitadelUnavailableError(`ZITADEL ${endpoint} response was cut off`, response.status, { cause });
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch wraps the system error: its cause says what happened ("bad port", "other side closed").
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return networkErrorCode(error) ?? (cause instanceof Error ? cause.message : 'network error');
}
