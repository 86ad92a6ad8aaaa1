import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import type { IntrospectionResult } from './introspection-result.js';

/**
 * Checks the lifetime ZITADEL states in an active introspection answer against the module's
 * clock, with the same tolerance as JWTs (`jwt.clockToleranceSeconds`): `active: true` does not
 * outweigh an `exp` that has passed or an `nbf` still ahead. Such an answer is refused and never
 * cached. Inactive answers carry no times and pass.
 *
 * @throws {ZitadelTokenInvalidError} `expired` or `not-yet-valid`.
 */
export function assertIntrospectionTimes(result: IntrospectionResult, nowMs: number, toleranceSeconds: number): void {
  if (!result.active) return;
  const now = nowMs / 1000;
  if (result.exp !== undefined && result.exp <= now - toleranceSeconds) throw new ZitadelTokenInvalidError('expired');
  if (result.nbf !== undefined && result.nbf > now + toleranceSeconds)
    throw new ZitadelTokenInvalidError('not-yet-valid');
}
