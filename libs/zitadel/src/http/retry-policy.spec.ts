import { backoffDelayMs, isRetryableNetworkError, isRetryableStatus, retryAfterMs } from './retry-policy.js';

const settings = { timeoutMs: 1000, retries: 5, backoffBaseMs: 100, backoffMaxMs: 1000 };

describe('retry policy', () => {
  it('retries 5xx and 429 for idempotent calls, only 429 and 503 for writes', () => {
    expect([500, 502, 503, 504, 429].map((s) => isRetryableStatus(s, true))).toEqual([true, true, true, true, true]);
    expect([500, 502, 503, 504, 429].map((s) => isRetryableStatus(s, false))).toEqual([
      false,
      false,
      true,
      false,
      true,
    ]);
    expect([200, 400, 401, 404].some((s) => isRetryableStatus(s, true))).toBe(false);
  });

  it('retries a write only when the request cannot have been sent', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) });
    expect(isRetryableNetworkError(refused, false)).toBe(true);
    expect(isRetryableNetworkError(reset, false)).toBe(false);
    expect(isRetryableNetworkError(reset, true)).toBe(true);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelayMs(0, settings, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, settings, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, settings, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, settings, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-02T00:00:00Z'))).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
