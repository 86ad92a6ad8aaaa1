import { isRecord } from './is-record.js';

/** How deeply `act` claims may nest (an actor acting for an actor ...); ZITADEL nests one level per exchange. */
const MAX_ACTOR_DEPTH = 8;

/**
 * Whether a value is an `act` claim (RFC 8693 §4.1) as ZITADEL writes it: an object with a
 * non-empty string `sub`, an optional string `iss`, and optionally the actor's own `act`, nested
 * at most a few levels.
 */
export function isActorClaim(value: unknown, depth = 0): boolean {
  if (!isRecord(value) || depth >= MAX_ACTOR_DEPTH) return false;
  const { sub, iss, act } = value;
  if (typeof sub !== 'string' || sub === '') return false;
  if (iss !== undefined && typeof iss !== 'string') return false;
  return act === undefined || isActorClaim(act, depth + 1);
}
