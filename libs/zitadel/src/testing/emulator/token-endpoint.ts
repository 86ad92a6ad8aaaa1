import type { IssuedTokens } from './access-tokens.js';
import { TargetFailure } from './actions/target-failure.js';
import { activePublicKey } from './key-lookup.js';
import { parseClientCredentials } from './client-authentication.js';
import type { EmulatorContext } from './emulator-context.js';
import { secretMatches, type MachineUserRecord } from './emulator-store.js';
import { parseForm, type Form } from './form.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import { AssertionRejected, verifyJwtAssertion } from './jwt-profile-assertion.js';
import { invalidRequest, OAuthFailure, zitadelError } from './oauth-errors.js';
import { addAudienceScopes, checkOrgScopes, splitScope, validateScopes } from './scopes.js';
import { GRANT_TYPE_TOKEN_EXCHANGE, tokenExchangeGrant } from './token-exchange-grant.js';

/** `grant_type` of the JWT-profile grant (RFC 7523 §2.1). */
export const GRANT_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * `POST /oauth/v2/token`: the JWT-profile grant and client credentials for service users, with
 * ZITADEL's checks, order and error answers. Other grant types answer `unsupported_grant_type`.
 */
export async function tokenEndpoint(request: EmulatorRequest, context: EmulatorContext): Promise<EmulatorResponse> {
  try {
    const form = parseForm(request);
    // `tokensHandler` switches on `r.Form.Get("grant_type")`: the first value, unlike every other parameter.
    const grantType = form.first('grant_type');
    if (grantType === GRANT_TYPE_JWT_BEARER) return await jwtProfileGrant(form, context);
    if (grantType === 'client_credentials') return await clientCredentialsGrant(form, request, context);
    if (grantType === GRANT_TYPE_TOKEN_EXCHANGE) return await tokenExchangeGrant(form, request, context);
    if (grantType === '') throw invalidRequest('grant_type missing');
    throw new OAuthFailure(400, 'unsupported_grant_type', `${grantType} not supported`);
  } catch (error) {
    if (error instanceof OAuthFailure) return error.toResponse();
    throw error;
  }
}

function jwtProfileGrant(form: Form, context: EmulatorContext): Promise<EmulatorResponse> {
  const assertion = form.get('assertion');
  if (assertion === '') throw invalidRequest('assertion missing');
  const { store } = context;
  let userId: string;
  try {
    // The key is looked up by (kid, iss): a service user's own keys only.
    const nowMs = context.clock.now();
    userId = verifyJwtAssertion(
      assertion,
      context.issuer,
      (keyId, issuer) => {
        const user = store.users.get(issuer);
        return user?.kind === 'machine' ? activePublicKey(user.keys, keyId, nowMs) : undefined;
      },
      nowMs,
    ).issuer;
  } catch (error) {
    if (error instanceof AssertionRejected) throw assertionFailure(error, context);
    throw error;
  }
  return issueForServiceUser(store.users.get(userId) as MachineUserRecord, form, context, []);
}

/**
 * How ZITADEL answers a refused assertion. Its OpenID library classifies the failure
 * (`oidc.DefaultToServerError`); ZITADEL releases up to at least v4.10 instead answer every
 * refused assertion with 500 `server_error` "Errors.Internal" (zitadel/zitadel#12692).
 */
function assertionFailure(error: AssertionRejected, context: EmulatorContext): OAuthFailure {
  if (context.settings.jwtProfileErrors === 'server_error')
    return new OAuthFailure(500, 'server_error', 'Errors.Internal');
  if (error.kind === 'parse') return new OAuthFailure(400, 'invalid_request', error.message);
  if (error.kind === 'json') return new OAuthFailure(500, 'server_error', error.message);
  return new OAuthFailure(400, 'invalid_grant', error.message);
}

/** Client credentials: the service user is found by login name and its secret checked (`clientCredentialsAuth`). */
function clientCredentialsGrant(
  form: Form,
  request: EmulatorRequest,
  context: EmulatorContext,
): Promise<EmulatorResponse> {
  const credentials = parseClientCredentials(form, request.headers);
  const user = context.store.userByLoginName(credentials.clientId);
  if (user === undefined) throw new OAuthFailure(400, 'invalid_client', 'client not found');
  if (user.kind !== 'machine' || user.secretHash === undefined)
    throw zitadelError(400, 'Errors.User.Machine.Secret.NotExisting');
  if (!secretMatches(user.secretHash, credentials.clientSecret))
    throw zitadelError(400, 'Errors.User.Machine.Secret.Invalid');
  return issueForServiceUser(user, form, context, ['pwd']);
}

/**
 * The common end of both grants: scopes, audience, session (with the `preaccesstoken` and
 * `preuserinfo` functions), token response. A function target that interrupts on error fails
 * the request as ZITADEL's `oidcError` answers it.
 */
async function issueForServiceUser(
  user: MachineUserRecord,
  form: Form,
  context: EmulatorContext,
  amr: string[],
): Promise<EmulatorResponse> {
  const requested = splitScope(form.get('scope'), form.has('scope'));
  const scope = checkOrgScopes(validateScopes(requested), user, context.store);
  const lifetime = context.settings.accessTokenLifetimeSeconds;
  const issuing = context.tokens.issueWithFunctions({
    user,
    clientId: user.userName,
    // The audience comes from the scopes as sent, before any was filtered out.
    audience: addAudienceScopes([], requested ?? [], context.zitadelProjectId),
    scope,
    format: user.accessTokenType,
    lifetimeSeconds: lifetime,
    amr,
    roles: { projectId: '', projectRoleAssertion: false, accessTokenRoleAssertion: true },
  });
  try {
    return tokenResponse(await issuing, lifetime);
  } catch (error) {
    if (error instanceof TargetFailure) throw zitadelError(error.status, error.message);
    throw error;
  }
}

/** `{access_token, token_type, expires_in, id_token?}`; `expires_in` is the time left, rounded down. */
function tokenResponse(issued: IssuedTokens, lifetime: number): EmulatorResponse {
  return jsonResponse(
    200,
    {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(0, lifetime - 1),
      ...(issued.idToken === undefined ? {} : { id_token: issued.idToken }),
    },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}
