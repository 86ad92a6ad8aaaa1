import { runTokenFunction } from './actions/token-functions.js';
import { TargetFailure } from './actions/target-failure.js';
import { buildUserInfo, type UserInfo } from './claims.js';
import type { EmulatorContext } from './emulator-context.js';
import { parseForm } from './form.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import type { UserRecord } from './emulator-store.js';
import { OAuthFailure, zitadelError } from './oauth-errors.js';

/**
 * ZITADEL sends no `WWW-Authenticate` header with its 401s here; the emulator adds one (RFC 6750
 * §3) so HTTP clients can tell a bearer challenge. Do not rely on it against a real instance.
 */
const CHALLENGE = { 'www-authenticate': 'Bearer error="invalid_token"' };

/**
 * `GET|POST /oidc/v1/userinfo`: the user's claims for a Bearer access token (header, or the
 * `access_token` parameter), per the token's scope, with the role claims of the token's
 * application project. A missing token is a 401 `invalid_request`, an invalid one a 401
 * `access_denied`, as ZITADEL answers.
 */
export async function userinfoEndpoint(request: EmulatorRequest, context: EmulatorContext): Promise<EmulatorResponse> {
  try {
    const form = parseForm(request);
    const token = bearerToken(request.headers['authorization']) ?? form.get('access_token');
    if (token === '') throw new OAuthFailure(401, 'invalid_request', 'access token missing');
    const record = context.tokens.resolve(token);
    const user = record === undefined ? undefined : context.store.users.get(record.userId);
    if (record === undefined || user === undefined)
      throw new OAuthFailure(401, 'access_denied', 'access token invalid');
    const app = context.store.appByClientId(record.clientId);
    const info = buildUserInfo(context.store, context.zitadelProjectId, {
      user,
      scope: record.scope,
      projectId: app?.projectId ?? '',
      projectRoleAssertion:
        app === undefined ? false : (context.store.projects.get(app.projectId)?.assertRolesOnAuthentication ?? false),
      userInfoAssertion: true,
      currentProjectOnly: false,
      roleAssertion: true,
    });
    const added = await preuserinfo(context, user, info);
    return jsonResponse(200, { ...added, sub: info.sub, ...info.standard, ...info.claims });
  } catch (error) {
    if (error instanceof OAuthFailure) return error.toResponse(error.status === 401 ? CHALLENGE : {});
    throw error;
  }
}

/**
 * The `preuserinfo` function's claims. A failing interrupting target fails the request
 * (`oidcError`); one that forwards 404 reads as a user not found: 401 "no active user".
 */
async function preuserinfo(
  context: EmulatorContext,
  user: UserRecord,
  info: UserInfo,
): Promise<Record<string, unknown>> {
  try {
    return await runTokenFunction(context.store, 'preuserinfo', user, info);
  } catch (error) {
    if (!(error instanceof TargetFailure)) throw error;
    if (error.status === 404) throw new OAuthFailure(401, 'access_denied', 'no active user');
    throw zitadelError(error.status, error.message);
  }
}

/** The token of an `Authorization: Bearer <token>` header, split as ZITADEL's OpenID library does. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const parts = header.split('Bearer ');
  return parts.length === 2 ? parts[1] : undefined;
}
