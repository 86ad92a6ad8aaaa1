import { runTokenFunction } from './actions/token-functions.js';
import { TargetFailure } from './actions/target-failure.js';
import { appKeyLookup } from './key-lookup.js';
import { buildUserInfo } from './claims.js';
import { parseClientCredentials, type ClientCredentials } from './client-authentication.js';
import type { EmulatorContext } from './emulator-context.js';
import { secretMatches, type AppRecord } from './emulator-store.js';
import { parseForm } from './form.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import { AssertionRejected, parseAssertion, verifyJwtAssertion } from './jwt-profile-assertion.js';
import { invalidRequest, OAuthFailure } from './oauth-errors.js';

const INACTIVE = { active: false } as const;

/**
 * `POST /oauth/v2/introspect` (RFC 7662) as ZITADEL answers it (`Server.Introspect`): the
 * client (an API or OIDC application) authenticates with `client_secret_basic` or
 * `private_key_jwt`; a failed authentication is a 400 `unauthorized_client`; every problem with
 * the token, including an audience that names neither the client nor its project
 * (`validateIntrospectionAudience`), is `{"active":false}` without a reason.
 *
 * When both the client and the token are bad, the client's failure wins: ZITADEL checks both
 * concurrently but lets a client error replace a token error whichever arrives first
 * (zitadel/zitadel `internal/api/oidc/introspect.go`, `Server.Introspect`: "we prioritize the
 * client error over the token error"; older releases kept whichever error came first).
 */
export async function introspectionEndpoint(
  request: EmulatorRequest,
  context: EmulatorContext,
): Promise<EmulatorResponse> {
  try {
    const form = parseForm(request);
    const credentials = parseClientCredentials(form, request.headers);
    if (credentials.clientSecret === '' && credentials.clientAssertion === '') {
      throw new OAuthFailure(400, 'invalid_client', 'client must be authenticated');
    }
    const token = form.get('token');
    if (token === '') throw invalidRequest('token missing');

    const client = authenticateClient(credentials, context);
    // Only a failed client authentication is reported; anything else reads as an inactive token.
    if (client === 'unauthorized') return new OAuthFailure(400, 'unauthorized_client').toResponse();
    if (client === 'unknown') return jsonResponse(200, INACTIVE);
    return jsonResponse(200, await introspect(token, client, context));
  } catch (error) {
    if (error instanceof OAuthFailure) return error.toResponse();
    throw error;
  }
}

/** `introspectionClientAuth`: the authenticated app, `unauthorized`, or `unknown` for an unparsable assertion. */
function authenticateClient(
  credentials: ClientCredentials,
  context: EmulatorContext,
): AppRecord | 'unauthorized' | 'unknown' {
  let clientId = credentials.clientId;
  if (credentials.clientAssertion !== '') {
    try {
      clientId = parseAssertion(credentials.clientAssertion).issuer;
    } catch (error) {
      // ZITADEL answers this `invalid_client`, which introspection then hides as an inactive token.
      if (error instanceof AssertionRejected) return 'unknown';
      throw error;
    }
  }
  const app = context.store.appByClientId(clientId);
  if (app === undefined) return 'unauthorized';
  if (credentials.clientAssertion !== '') {
    try {
      const nowMs = context.clock.now();
      verifyJwtAssertion(credentials.clientAssertion, context.issuer, appKeyLookup(app, nowMs), nowMs);
      return app;
    } catch (error) {
      if (error instanceof AssertionRejected) return 'unauthorized';
      throw error;
    }
  }
  return secretMatches(app.secretHash, credentials.clientSecret) ? app : 'unauthorized';
}

/**
 * The introspection answer; the `preuserinfo` function adds its claims (ZITADEL's introspection
 * runs `userInfo` with the userinfo trigger), and a failing interrupting target makes the token
 * read as inactive (ZITADEL answers every error but the client's with `active: false`).
 */
async function introspect(
  token: string,
  client: AppRecord,
  context: EmulatorContext,
): Promise<Record<string, unknown>> {
  const record = context.tokens.resolve(token);
  if (record === undefined || !record.audience.some((aud) => aud === client.clientId || aud === client.projectId))
    return INACTIVE;
  const user = context.store.users.get(record.userId);
  if (user === undefined) return INACTIVE;
  const info = buildUserInfo(context.store, context.zitadelProjectId, {
    user,
    scope: record.scope,
    projectId: client.projectId,
    projectRoleAssertion: context.store.projects.get(client.projectId)?.assertRolesOnAuthentication ?? false,
    userInfoAssertion: true,
    currentProjectOnly: true,
    roleAssertion: true,
  });
  let added: Record<string, unknown>;
  try {
    added = await runTokenFunction(context.store, 'preuserinfo', user, info);
  } catch (error) {
    if (error instanceof TargetFailure) return INACTIVE;
    throw error;
  }
  const username = info.standard['preferred_username'];
  return {
    ...added,
    ...info.claims,
    active: true,
    ...(record.scope.length > 0 ? { scope: record.scope.join(' ') } : {}),
    client_id: record.clientId,
    token_type: 'Bearer',
    exp: record.expiresAt,
    iat: record.issuedAt,
    auth_time: record.authTime,
    nbf: record.notBefore,
    sub: record.userId,
    aud: record.audience,
    ...(record.amr.length > 0 ? { amr: record.amr } : {}),
    iss: context.issuer,
    jti: record.tokenId,
    ...(record.actor === undefined ? {} : { act: record.actor }),
    ...(typeof username === 'string' ? { username } : {}),
    ...info.standard,
  };
}
