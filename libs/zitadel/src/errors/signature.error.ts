import { ZitadelError } from './zitadel.error.js';

/**
 * Why a call from ZITADEL (Actions v2) was refused, as a stable keyword:
 * - `missing`: no `ZITADEL-Signature` header, or an empty one;
 * - `malformed`: the header is not `t=<unix seconds>,v1=<hex>[,v1=<hex>...]` (a pair that is not
 *   `key=value`, no integer `t` or several, no hex `v1`);
 * - `stale`: the signature is genuine but its timestamp is outside the tolerance: older than
 *   `toleranceSeconds`, or more than `toleranceSeconds` in the future;
 * - `mismatch`: no `v1` value is the HMAC of the body with any of the configured keys (a tampered
 *   body, a wrong or rotated-out key, a re-serialised body).
 */
export type SignatureRejection = 'missing' | 'malformed' | 'stale' | 'mismatch';

const DESCRIPTIONS: Readonly<Record<SignatureRejection, string>> = {
  missing: 'The request carries no ZITADEL-Signature header',
  malformed: 'The ZITADEL-Signature header is malformed (expected t=<unix seconds>,v1=<hex>)',
  stale: 'The ZITADEL-Signature timestamp is outside the tolerance (a replayed call, or the clocks disagree)',
  mismatch: "The ZITADEL-Signature matches none of the target's signing keys",
};

/** The same reasons for a JWT or JWE payload (payload types `jwt` and `jwe`). */
const PAYLOAD_DESCRIPTIONS: Readonly<Record<'malformed' | 'mismatch', string>> = {
  malformed: 'The JWT/JWE payload is malformed',
  mismatch: "The JWT/JWE payload is not signed with the instance's keys or not encrypted to this target's key",
};

/** What was checked: the `ZITADEL-Signature` header, or (payload types `jwt`, `jwe`) the body's own JWS/JWE. */
export type SignaturePart = 'header' | 'payload';

/**
 * A call that claims to come from ZITADEL (an Actions v2 target call) does not carry a valid
 * signature. `@ZitadelAction()` routes answer it with 401, and `replayed` calls too (`stale`).
 *
 * The message is one of a few fixed sentences (see `reason`): never a key, the header or the body.
 */
export class ZitadelSignatureError extends ZitadelError {
  readonly code = 'ZITADEL_SIGNATURE_INVALID' as const;

  constructor(
    /** Why, as a stable keyword. */
    readonly reason: SignatureRejection,
    /** Which signature: the header (every payload type) or the JWT/JWE body. */
    readonly part: SignaturePart = 'header',
    /** A genuine signature seen before (the replay guard); `reason` is then `stale`. */
    readonly replayed = false,
  ) {
    super(
      replayed
        ? 'The ZITADEL-Signature was used before (a replayed call)'
        : part === 'payload' && (reason === 'malformed' || reason === 'mismatch')
          ? PAYLOAD_DESCRIPTIONS[reason]
          : DESCRIPTIONS[reason],
    );
  }
}
