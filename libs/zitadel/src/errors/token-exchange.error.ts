import { remoteText } from '../shared/remote-text.js';
import { ZitadelError } from './zitadel.error.js';

/**
 * Why ZITADEL refused a token exchange, as a stable keyword:
 * - `feature-disabled`: the instance feature `oidcTokenExchange` is off (400 `Errors.TokenExchange.FeatureDisabled`).
 * - `impersonation-disabled`: the instance's security policy does not allow impersonation (403
 *   `Errors.TokenExchange.Impersonation.PolicyDisabled`); needed for a `user_id` or `jwt` subject and for any actor token.
 * - `permission-denied`: the actor lacks an impersonator role for the subject (403 `Errors.PermissionDenied`).
 * - `client-not-allowed`: the `apiApplication` is not an OIDC application with the Token Exchange
 *   grant type, or its credentials were refused (`invalid_client`, `unauthorized_client`).
 * - `invalid-subject` / `invalid-actor`: ZITADEL refused the subject or actor token (unknown,
 *   expired, revoked, not meant for this client, a refresh token, a wrong type): `subject_token invalid`.
 * - `invalid-target`: an audience not found in the subject or actor token (or a `resource`).
 * - `invalid-scope`: a scope that neither the subject nor the actor token carries.
 * - `invalid-request`: any other refusal of the request as sent.
 */
export type TokenExchangeRefusal =
  | 'feature-disabled'
  | 'impersonation-disabled'
  | 'permission-denied'
  | 'client-not-allowed'
  | 'invalid-subject'
  | 'invalid-actor'
  | 'invalid-target'
  | 'invalid-scope'
  | 'invalid-request';

const ADVICE: Readonly<Record<TokenExchangeRefusal, string>> = {
  'feature-disabled':
    'turn on the instance feature "oidcTokenExchange" (ZITADEL console: Settings > Features, or the feature API)',
  'impersonation-disabled':
    'allow impersonation in the instance security policy ("enable impersonation"), needed for a user_id or jwt subject and for an actor token',
  'permission-denied':
    "give the actor (the actor token's user) an impersonator role, e.g. ORG_END_USER_IMPERSONATOR in the subject's organisation",
  'client-not-allowed':
    'configure "apiApplication" with the credentials of an OIDC application whose grant types include Token Exchange',
  'invalid-subject':
    'the subject token is unknown, expired, revoked, a refresh token, of another type, or not meant for this application',
  'invalid-actor':
    'the actor token is missing, unknown, expired, revoked or of a type ZITADEL does not accept as actor',
  'invalid-target': 'ask only for audiences that the subject or actor token already has, and send no "resource"',
  'invalid-scope': 'ask only for scopes that the subject or actor token already carries',
  'invalid-request': "check the exchange request against ZITADEL's token exchange guide",
};

/**
 * ZITADEL refused a token exchange (RFC 8693). `reason` says why (see {@link TokenExchangeRefusal});
 * `error`, `error_description` and `status` are ZITADEL's answer, sanitised. Not retried: the
 * request or ZITADEL's settings must change first. Never contains a token.
 *
 * @see https://zitadel.com/docs/guides/integrate/token-exchange
 */
export class ZitadelTokenExchangeError extends ZitadelError {
  readonly code = 'ZITADEL_TOKEN_EXCHANGE_REFUSED' as const;
  /** The OAuth `error` code, e.g. `invalid_request`, `invalid_target`. */
  readonly error: string;
  /** ZITADEL's `error_description`, when given (e.g. `Errors.TokenExchange.FeatureDisabled`). */
  readonly error_description: string | undefined;

  constructor(
    /** Why, as a stable keyword. */
    readonly reason: TokenExchangeRefusal,
    error: string,
    errorDescription: string | undefined,
    /** The HTTP status of ZITADEL's answer. */
    readonly status: number,
  ) {
    const code = remoteText(error);
    const description = errorDescription === undefined ? undefined : remoteText(errorDescription);
    super(
      `ZITADEL refused the token exchange (${status} ${code}${description ? `: ${description}` : ''}): ${ADVICE[reason]}`,
    );
    this.error = code;
    this.error_description = description;
  }
}

/** The refusal an OAuth error answer of the token endpoint stands for. */
export function tokenExchangeRefusal(error: string, description: string | undefined): TokenExchangeRefusal {
  if (error === 'invalid_client' || error === 'unauthorized_client') return 'client-not-allowed';
  if (error === 'invalid_target') return 'invalid-target';
  if (error === 'invalid_scope') return 'invalid-scope';
  switch (description) {
    case 'Errors.TokenExchange.FeatureDisabled':
    case 'Errors.Feature.Disabled.TokenExchange':
      return 'feature-disabled';
    case 'Errors.TokenExchange.Impersonation.PolicyDisabled':
      return 'impersonation-disabled';
    case 'Errors.PermissionDenied':
      return 'permission-denied';
    case 'subject_token invalid':
    case 'subject_token is invalid':
      return 'invalid-subject';
    case 'actor_token invalid':
    case 'actor_token is invalid':
      return 'invalid-actor';
    default:
      return 'invalid-request';
  }
}
