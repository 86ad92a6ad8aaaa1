import type { IncomingHttpHeaders } from 'node:http';
import { parseClientCredentials } from './client-authentication.js';
import type { EmulatorContext } from './emulator-context.js';
import { secretMatches, type AppRecord, type TokenActor, type UserRecord } from './emulator-store.js';
import type { Form } from './form.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import { verifyInstanceJwt } from './jwt.js';
import { AssertionRejected, parseAssertion, verifyJwtAssertion } from './jwt-profile-assertion.js';
import { appKeyLookup } from './key-lookup.js';
import { invalidRequest, OAuthFailure, zitadelError } from './oauth-errors.js';
import { Scope, validateScopes } from './scopes.js';

/** `grant_type` of the token exchange grant (RFC 8693 §2.1). */
export const GRANT_TYPE_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  userId: 'urn:zitadel:params:oauth:token-type:user_id',
} as const;
/** `oidc.AllTokenTypes` plus ZITADEL's `user_id` (added in `init()` of `token_exchange.go`). */
const ALL_TOKEN_TYPES: readonly string[] = Object.values(TOKEN_TYPE);
const ACTOR_TOKEN_TYPES: readonly string[] = [TOKEN_TYPE.accessToken, TOKEN_TYPE.idToken, TOKEN_TYPE.refreshToken];
/** Roles whose permissions include `impersonation` in ZITADEL's default role mapping. */
const ADMIN_IMPERSONATORS = ['IAM_ADMIN_IMPERSONATOR', 'ORG_ADMIN_IMPERSONATOR'];
const END_USER_IMPERSONATORS = ['IAM_END_USER_IMPERSONATOR', 'ORG_END_USER_IMPERSONATOR'];

/** A verified subject or actor token (`exchangeToken` in ZITADEL's `token_exchange_converter.go`). */
interface ExchangeToken {
  readonly tokenType: string;
  readonly user: UserRecord;
  readonly issuer: string;
  readonly authTime: number | undefined;
  readonly amr: readonly string[];
  readonly actor: TokenActor | undefined;
  readonly audience: readonly string[];
  readonly scopes: readonly string[];
}

/** A `zerrors` error on the way to ZITADEL's OpenID layer; only the outer description reaches the client. */
class ExchangeTokenInvalid extends Error {}

/**
 * The token exchange grant (RFC 8693) as ZITADEL serves it (`Server.TokenExchange`,
 * `internal/api/oidc/token_exchange.go`, and `webServer.tokenExchangeHandler` of zitadel/oidc),
 * in its order: the client (an OIDC application, by secret or `private_key_jwt`) and its grant
 * types; the required parameters and supported token types; the instance feature
 * `oidcTokenExchange`; `resource` (not supported: `invalid_target`); the subject token; for
 * impersonation (a `user_id` or `jwt` subject, or an actor token) the security policy and the
 * actor token; the audience and the scopes (each a subset of what the subject and actor tokens
 * carry); then the impersonation permission of the actor while the new session is created.
 * Impersonated tokens carry `act` (the actor's `iss`/`sub`, nesting the actor's own `act`).
 */
export function tokenExchangeGrant(form: Form, request: EmulatorRequest, context: EmulatorContext): EmulatorResponse {
  const client = authenticateOidcClient(form, request.headers, context);
  if (!client.grantTypes.includes(GRANT_TYPE_TOKEN_EXCHANGE))
    throw new OAuthFailure(400, 'unauthorized_client', `grant_type "${GRANT_TYPE_TOKEN_EXCHANGE}" not allowed`);
  const subjectToken = form.get('subject_token');
  const subjectTokenType = form.get('subject_token_type');
  const actorToken = form.get('actor_token');
  const actorTokenType = form.get('actor_token_type');
  const requestedTokenType = form.get('requested_token_type');
  if (subjectToken === '') throw invalidRequest('subject_token missing');
  if (subjectTokenType === '') throw invalidRequest('subject_token_type missing');
  if (!ALL_TOKEN_TYPES.includes(subjectTokenType)) throw invalidRequest('subject_token_type is not supported');
  if (requestedTokenType !== '' && !ALL_TOKEN_TYPES.includes(requestedTokenType))
    throw invalidRequest('requested_token_type is not supported');
  if (actorTokenType !== '' && !ALL_TOKEN_TYPES.includes(actorTokenType))
    throw invalidRequest('actor_token_type is not supported');

  if (!context.store.features.oidcTokenExchange) throw zitadelError(400, 'Errors.TokenExchange.FeatureDisabled');
  if (form.all('resource').length > 0)
    throw new OAuthFailure(400, 'invalid_target', 'resource parameter not supported');

  const subject = verifyOrFail(subjectToken, subjectTokenType, ALL_TOKEN_TYPES, client, context, 'subject_token');
  let actor = subject;
  if (subject.tokenType === TOKEN_TYPE.userId || subject.tokenType === TOKEN_TYPE.jwt || actorToken !== '') {
    if (!context.store.securityPolicy.enableImpersonation)
      throw zitadelError(403, 'Errors.TokenExchange.Impersonation.PolicyDisabled');
    actor = verifyOrFail(actorToken, actorTokenType, ACTOR_TOKEN_TYPES, client, context, 'actor_token');
  }
  const audience = exchangeAudience(
    form.all('audience').filter((a) => a !== ''),
    subject.audience,
    actor.audience,
  );
  const requestedScopes = form.has('scope') ? form.get('scope').split(' ') : [];
  const scopes = exchangeScopes(requestedScopes, subject.scopes, actor.scopes, actor !== subject);

  const impersonation = actor !== subject;
  const act = impersonation ? nestedActor(actor) : actor.actor;
  const format =
    requestedTokenType === '' || requestedTokenType === TOKEN_TYPE.accessToken
      ? 'opaque'
      : requestedTokenType === TOKEN_TYPE.jwt
        ? 'jwt'
        : requestedTokenType === TOKEN_TYPE.idToken
          ? 'id_token'
          : undefined;
  if (format === undefined) throw zitadelError(400, 'Errors.TokenExchange.Token.TypeNotSupported');
  if (impersonation && !mayImpersonate(actor.user, subject.user, context))
    throw zitadelError(403, 'Errors.PermissionDenied');

  const project = context.store.projects.get(client.projectId);
  const lifetime = context.settings.accessTokenLifetimeSeconds;
  const issued = context.tokens.issue({
    user: subject.user,
    clientId: client.clientId,
    audience,
    scope: format === 'id_token' && !scopes.includes(Scope.openid) ? [...scopes, Scope.openid] : scopes,
    format: format === 'jwt' ? 'jwt' : 'opaque',
    lifetimeSeconds: lifetime,
    amr: actor.amr,
    roles: {
      projectId: client.projectId,
      projectRoleAssertion: project?.assertRolesOnAuthentication ?? false,
      accessTokenRoleAssertion: client.accessTokenRoleAssertion,
    },
    ...(act === undefined ? {} : { actor: act }),
  });
  const expiresIn = Math.max(0, lifetime - 1);
  if (format === 'id_token') {
    return exchangeResponse({
      access_token: issued.idToken,
      issued_token_type: TOKEN_TYPE.idToken,
      token_type: 'N_A',
      expires_in: expiresIn,
      scope: scopes,
    });
  }
  return exchangeResponse({
    access_token: issued.accessToken,
    issued_token_type: format === 'jwt' ? TOKEN_TYPE.jwt : TOKEN_TYPE.accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    scope: scopes,
    id_token: scopes.includes(Scope.openid) ? issued.idToken : undefined,
  });
}

/** `oidc.TokenExchangeResponse`: `scope` (space-separated), `id_token` and `expires_in` left out when empty. */
function exchangeResponse(fields: {
  access_token: string | undefined;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  scope: readonly string[];
  id_token?: string | undefined;
}): EmulatorResponse {
  return jsonResponse(
    200,
    {
      access_token: fields.access_token ?? '',
      issued_token_type: fields.issued_token_type,
      token_type: fields.token_type,
      ...(fields.expires_in > 0 ? { expires_in: fields.expires_in } : {}),
      ...(fields.scope.length > 0 ? { scope: fields.scope.join(' ') } : {}),
      ...(fields.id_token === undefined ? {} : { id_token: fields.id_token }),
    },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}

/**
 * `Server.VerifyClient` for grants other than client credentials: the client must be an active
 * OIDC application (`ActiveOIDCClientByID`; API applications are not OIDC clients), proving
 * itself with its secret or a `private_key_jwt` assertion.
 */
function authenticateOidcClient(form: Form, headers: IncomingHttpHeaders, context: EmulatorContext): AppRecord {
  const credentials = parseClientCredentials(form, headers);
  let clientId = credentials.clientId;
  if (credentials.clientAssertion !== '') {
    try {
      clientId = parseAssertion(credentials.clientAssertion).issuer;
    } catch (error) {
      if (error instanceof AssertionRejected) throw new OAuthFailure(400, 'invalid_client', error.message);
      throw error;
    }
  }
  const app = context.store.appByClientId(clientId);
  if (app === undefined || app.kind !== 'oidc')
    throw new OAuthFailure(400, 'invalid_client', 'no active client not found');
  if (app.authMethod === 'private_key_jwt') {
    if (credentials.clientAssertion === '') throw new OAuthFailure(400, 'invalid_client', 'client_assertion missing');
    try {
      const nowMs = context.clock.now();
      verifyJwtAssertion(credentials.clientAssertion, context.issuer, appKeyLookup(app, nowMs), nowMs);
    } catch (error) {
      if (error instanceof AssertionRejected) throw new OAuthFailure(400, 'invalid_client', error.message);
      throw error;
    }
    return app;
  }
  if (app.authMethod === 'none' || !secretMatches(app.secretHash, credentials.clientSecret))
    throw new OAuthFailure(400, 'invalid_client', 'client secret invalid');
  return app;
}

function verifyOrFail(
  token: string,
  tokenType: string,
  allowed: readonly string[],
  client: AppRecord,
  context: EmulatorContext,
  what: 'subject_token' | 'actor_token',
): ExchangeToken {
  try {
    return verifyExchangeToken(token, tokenType, allowed, client, context);
  } catch (error) {
    // ZITADEL hides the reason unless the instance has the `debugOIDCParentError` feature.
    if (error instanceof ExchangeTokenInvalid) throw invalidRequest(`${what} invalid`);
    throw error;
  }
}

/** `verifyExchangeToken`: the token, by its type, among the types allowed at this stage. */
function verifyExchangeToken(
  token: string,
  tokenType: string,
  allowed: readonly string[],
  client: AppRecord,
  context: EmulatorContext,
): ExchangeToken {
  if (token === '' || tokenType === '' || !allowed.includes(tokenType)) throw new ExchangeTokenInvalid();
  switch (tokenType) {
    case TOKEN_TYPE.accessToken: {
      const record = context.tokens.resolve(token);
      // `validateIntrospectionAudience`: the token must be meant for the exchanging client or its project.
      if (record === undefined || !record.audience.some((a) => a === client.clientId || a === client.projectId))
        throw new ExchangeTokenInvalid();
      return {
        tokenType,
        user: userOrFail(record.userId, context),
        issuer: context.issuer,
        authTime: record.authTime,
        amr: record.amr,
        actor: record.actor,
        audience: record.audience,
        scopes: record.scope,
      };
    }
    case TOKEN_TYPE.idToken: {
      const claims = verifyInstanceJwt(token, context.keys, context.issuer);
      const exp = claims?.['exp'];
      const sub = claims?.['sub'];
      if (
        claims === undefined ||
        typeof exp !== 'number' ||
        exp * 1000 <= context.clock.now() ||
        typeof sub !== 'string'
      )
        throw new ExchangeTokenInvalid();
      const aud = claims['aud'];
      const amr = claims['amr'];
      return {
        tokenType,
        user: userOrFail(sub, context),
        issuer: context.issuer,
        authTime: typeof claims['auth_time'] === 'number' ? claims['auth_time'] : undefined,
        amr: Array.isArray(amr) ? amr.filter((m): m is string => typeof m === 'string') : [],
        actor: claims['act'] as TokenActor | undefined,
        audience: Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [],
        scopes: [],
      };
    }
    case TOKEN_TYPE.jwt: {
      // A JWT signed with one of the client's keys naming the user as subject; its audience is not trusted.
      const nowMs = context.clock.now();
      let claims;
      try {
        claims = verifyJwtAssertion(token, context.issuer, appKeyLookup(client, nowMs), nowMs);
      } catch (error) {
        if (error instanceof AssertionRejected) throw new ExchangeTokenInvalid();
        throw error;
      }
      return {
        tokenType,
        user: userOrFail(claims.subject, context),
        issuer: claims.issuer,
        authTime: claims.issuedAt,
        amr: [],
        actor: undefined,
        audience: [],
        scopes: [],
      };
    }
    case TOKEN_TYPE.userId:
      return {
        tokenType,
        user: userOrFail(token, context),
        issuer: '',
        authTime: undefined,
        amr: [],
        actor: undefined,
        audience: [],
        scopes: [],
      };
    default:
      // Refresh tokens are never accepted (`Errors.TokenExchange.Token.TypeNotSupported`).
      throw new ExchangeTokenInvalid();
  }
}

function userOrFail(userId: string, context: EmulatorContext): UserRecord {
  const user = context.store.users.get(userId);
  if (user === undefined || context.store.inactiveUsers.has(userId)) throw new ExchangeTokenInvalid();
  return user;
}

/** `exchangeToken.nestedActor`: the actor's own identity, wrapping whoever acted for it. */
function nestedActor(actor: ExchangeToken): TokenActor {
  return {
    ...(actor.actor === undefined ? {} : { act: actor.actor }),
    ...(actor.issuer === '' ? {} : { iss: actor.issuer }),
    sub: actor.user.id,
  };
}

/**
 * `validateTokenExchangeAudience`: none requested → the subject's, else the actor's; otherwise
 * every requested audience must be in the subject's or the actor's, or it is `invalid_target`.
 */
function exchangeAudience(
  requested: readonly string[],
  subject: readonly string[],
  actor: readonly string[],
): readonly string[] {
  if (requested.length === 0) {
    if (subject.length > 0) return subject;
    if (actor.length > 0) return actor;
  }
  for (const audience of requested) {
    if (!subject.includes(audience) && !actor.includes(audience))
      throw new OAuthFailure(400, 'invalid_target', `audience "${audience}" not found in subject or actor token`);
  }
  return requested;
}

/**
 * `validateTokenExchangeScopes`: none requested → the subject's, else the actor's; each must be
 * on the subject or the actor token, except for impersonation of a scope-less subject (`user_id`,
 * `jwt`), where only authorisation scopes (audience, roles, organisation, `offline_access`) must be.
 * Then `op.ValidateAuthReqScopes` (unknown scopes dropped; none left is `invalid_request`).
 */
function exchangeScopes(
  requested: readonly string[],
  subject: readonly string[],
  actor: readonly string[],
  impersonation: boolean,
): string[] {
  let scopes = requested.filter((s) => s !== '');
  const relaxed = impersonation && subject.length === 0;
  if (scopes.length === 0) scopes = [...(relaxed ? actor : subject.length > 0 ? subject : actor)];
  for (const scope of scopes) {
    if ((!relaxed || isAuthorisationScope(scope)) && !subject.includes(scope) && !actor.includes(scope))
      throw new OAuthFailure(400, 'invalid_scope', `scope "${scope}" not found in subject or actor token`);
  }
  return validateScopes(scopes);
}

const AUTHORISATION_PREFIXES: readonly string[] = [
  Scope.rolePrefix,
  Scope.projectIdPrefix,
  Scope.orgIdPrefix,
  Scope.orgDomainPrimaryPrefix,
  Scope.orgRoleIdPrefix,
  Scope.selectIdpPrefix,
];

function isAuthorisationScope(scope: string): boolean {
  return (
    scope === Scope.offlineAccess ||
    scope === Scope.projectsRoles ||
    scope === 'urn:zitadel:iam:org:project:roles' ||
    AUTHORISATION_PREFIXES.some((prefix) => scope.startsWith(prefix))
  );
}

/**
 * `checkPermission(ctx, "impersonation", subject's organisation, subject)` for the actor: an
 * instance impersonator role, or an organisation impersonator role in the subject's
 * organisation; the end-user roles do not reach managers (users with manager roles).
 */
function mayImpersonate(actor: UserRecord, subject: UserRecord, context: EmulatorContext): boolean {
  const { store } = context;
  const roles = [
    ...(store.instanceMembers.get(actor.id) ?? []),
    ...(store.orgMembers.get(subject.orgId)?.get(actor.id) ?? []),
  ];
  if (roles.some((role) => ADMIN_IMPERSONATORS.includes(role))) return true;
  const subjectIsManager =
    (store.instanceMembers.get(subject.id)?.length ?? 0) > 0 ||
    [...store.orgMembers.values()].some((members) => (members.get(subject.id)?.length ?? 0) > 0);
  return !subjectIsManager && roles.some((role) => END_USER_IMPERSONATORS.includes(role));
}
