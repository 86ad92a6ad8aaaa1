import { ZitadelError } from './zitadel.error.js';

/**
 * Why an access token was refused, in words safe to send back to the client (the guard puts
 * them in `error_description`): never the token, its claims or a key.
 */
export type TokenRejection = 'malformed' | 'expired' | 'not-yet-valid' | 'inactive' | 'wrong-audience' | 'invalid';

const DESCRIPTIONS: Readonly<Record<TokenRejection, string>> = {
  malformed: 'The access token is malformed',
  expired: 'The access token expired',
  'not-yet-valid': 'The access token is not valid yet',
  inactive: 'The access token is not active',
  'wrong-audience': 'The access token is not meant for this API',
  invalid: 'The access token is invalid',
};

/**
 * An access token was refused: malformed, badly signed, expired, not yet valid, issued by
 * another issuer, meant for another audience, or inactive at introspection. The guard answers
 * 401 with `error="invalid_token"`.
 *
 * The message is one of a few fixed sentences (see `reason`); the token never appears in it.
 */
export class ZitadelTokenInvalidError extends ZitadelError {
  readonly code = 'ZITADEL_TOKEN_INVALID' as const;

  constructor(
    /** Why, as a stable keyword. */
    readonly reason: TokenRejection,
    options?: { cause?: unknown },
  ) {
    super(DESCRIPTIONS[reason], options);
  }
}
