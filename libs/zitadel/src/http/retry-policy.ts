/** Resolved retry settings (see `ZitadelHttpOptions`). */
export interface RetrySettings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** Statuses worth another attempt: the server was busy or broken, not the request wrong. */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true; // nothing was applied: safe even for writes
  return idempotent && status >= 500;
}

/**
 * Network failures worth another attempt. A write is retried only when the request cannot have
 * reached the server (the connection was refused or the name did not resolve).
 */
export function isRetryableNetworkError(error: unknown, idempotent: boolean): boolean {
  if (idempotent) return true;
  const code = networkErrorCode(error);
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/** The `code` of the system error behind a failed `fetch`, if any. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffDelayMs(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds, or `undefined` when absent or
 * unreadable. Accepts delta-seconds and HTTP dates (RFC 9110 §10.2.3).
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
