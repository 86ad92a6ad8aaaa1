import { randomBytes } from 'node:crypto';
import { runTokenFunction } from './actions/token-functions.js';
import { buildUserInfo, type UserInfo, type UserInfoRequest } from './claims.js';
import type { EmulatorStore, TokenActor, TokenRecord, UserRecord } from './emulator-store.js';
import type { EmulatorClock } from './emulator.types.js';
import { newId } from './ids.js';
import { accessTokenHash, signJwt, verifyInstanceJwt } from './jwt.js';
import { assertProjectRoleScopes } from './scopes.js';
import type { SigningKeys } from './signing-keys.js';

/** What a new OIDC session (and its access token) is made of. */
export interface SessionRequest {
  readonly user: UserRecord;
  /** An app's client id, or the service user's user name. */
  readonly clientId: string;
  readonly audience: readonly string[];
  readonly scope: readonly string[];
  readonly format: 'opaque' | 'jwt';
  /** Seconds from now; may be negative (an already expired token). */
  readonly lifetimeSeconds: number;
  /** Epoch seconds; defaults to now. */
  readonly notBefore?: number;
  readonly amr: readonly string[];
  /**
   * How role claims are asserted for the JWT access token and the ID token: the flags ZITADEL's
   * token endpoint passes to `accessTokenResponseFromSession` (`internal/api/oidc/token.go`). A
   * login to an application (`token_code.go`) passes the app's project, the project's "assert
   * roles on authentication" and the app's "user roles inside access token"; the JWT-profile and
   * client-credentials grants of a service user pass no project, no project assertion, and
   * `true` (`token_jwt_profile.go`).
   */
  readonly roles: Pick<UserInfoRequest, 'projectId' | 'projectRoleAssertion'> & {
    readonly accessTokenRoleAssertion: boolean;
  };
  /** Who acts for the user (token exchange with impersonation): the tokens' `act` claim. */
  readonly actor?: TokenActor;
}

/** A new session's tokens. */
export interface IssuedTokens {
  readonly accessToken: string;
  readonly record: TokenRecord;
  /** Issued when the scope holds `openid`, as ZITADEL does. */
  readonly idToken: string | undefined;
}

/**
 * Issues access tokens and finds them again. Opaque tokens are random and known only by their
 * hash; JWT access tokens are signed with the instance's current key and found by `jti`. Both
 * are backed by a stored session, so revocation and expiry apply to both, as in ZITADEL.
 */
export class AccessTokens {
  constructor(
    private readonly store: EmulatorStore,
    private readonly keys: SigningKeys,
    private readonly issuer: () => string,
    private readonly zitadelProjectId: string,
    private readonly clock: EmulatorClock,
  ) {}

  /** Creates a session and its access token (and ID token with `openid`). */
  issue(request: SessionRequest): IssuedTokens {
    return this.complete(request, this.newSession(request), {}, {});
  }

  /**
   * {@link issue} with the instance's functions: `preaccesstoken` for a JWT access token, then
   * `preuserinfo` for the ID token, each adding claims (`createJWT`, `createIDToken`).
   *
   * @throws {TargetFailure} a target that interrupts on error failed: no token is issued.
   */
  async issueWithFunctions(request: SessionRequest): Promise<IssuedTokens> {
    const session = this.newSession(request);
    const access =
      request.format === 'jwt'
        ? await runTokenFunction(this.store, 'preaccesstoken', request.user, this.accessInfo(request, session.record))
        : {};
    const id = session.record.scope.includes('openid')
      ? await runTokenFunction(this.store, 'preuserinfo', request.user, this.idInfo(request, session.record))
      : {};
    return this.complete(request, session, access, id);
  }

  private newSession(request: SessionRequest): { record: TokenRecord; sessionId: string } {
    const nowMs = this.clock.now();
    const now = Math.floor(nowMs / 1000);
    const sessionId = newId(nowMs);
    // At login ZITADEL turns the project's "assert roles on authentication" into role scopes
    // (`assertProjectRoleScopesByProject`); service users' grants name no project, so nothing changes.
    const project = this.store.projects.get(request.roles.projectId);
    const scope = assertProjectRoleScopes(
      request.scope,
      request.roles.projectRoleAssertion && project !== undefined,
      project?.roles.keys() ?? [],
    );
    const record: TokenRecord = {
      tokenId: `V2_${sessionId}-at_${newId(nowMs)}`,
      userId: request.user.id,
      clientId: request.clientId,
      audience: [...request.audience],
      scope,
      issuedAt: now,
      notBefore: request.notBefore ?? now,
      expiresAt: now + request.lifetimeSeconds,
      authTime: now,
      amr: [...request.amr],
      format: request.format,
      revoked: false,
      ...(request.actor === undefined ? {} : { actor: request.actor }),
    };
    return { record, sessionId };
  }

  /** Stores the session and signs its tokens; the functions' claims go beneath the built ones. */
  private complete(
    request: SessionRequest,
    { record, sessionId }: { record: TokenRecord; sessionId: string },
    accessExtras: Record<string, unknown>,
    idExtras: Record<string, unknown>,
  ): IssuedTokens {
    let accessToken: string;
    if (request.format === 'jwt') {
      this.store.tokens.set(record.tokenId, record);
      accessToken = signJwt(this.keys.current, { ...accessExtras, ...this.accessTokenClaims(request, record) });
    } else {
      accessToken = randomBytes(48).toString('base64url');
      this.store.addOpaqueToken(accessToken, record);
    }
    const idToken = record.scope.includes('openid')
      ? signJwt(this.keys.current, { ...idExtras, ...this.idTokenClaims(request, record, accessToken, sessionId) })
      : undefined;
    return { accessToken, record, idToken };
  }

  /**
   * The session behind an access token if the token is active now: issued here, signature valid
   * against a published key (JWT), not expired, not revoked, not before its `nbf`, user present and
   * not deactivated (ZITADEL checks the user's state at introspection and on its APIs).
   */
  resolve(token: string): TokenRecord | undefined {
    let record = this.store.opaqueToken(token);
    if (record === undefined) {
      const claims = verifyInstanceJwt(token, this.keys, this.issuer());
      const jti = claims?.['jti'];
      record = typeof jti === 'string' ? this.store.tokens.get(jti) : undefined;
      if (record?.format !== 'jwt') record = undefined;
    }
    const now = this.clock.now() / 1000;
    if (record === undefined || record.revoked || record.expiresAt <= now || record.notBefore > now) return undefined;
    return this.store.users.has(record.userId) && !this.store.inactiveUsers.has(record.userId) ? record : undefined;
  }

  /**
   * `createJWT` (`internal/api/oidc/token.go`): `oidc.NewAccessTokenClaims` plus the private
   * claims of `userInfo` (organisation, and roles only when `accessTokenRoleAssertion`). Which
   * roles is `prepareRoles` + `assertRoles` (`userinfo.go`), see {@link buildUserInfo}: with
   * neither a role scope nor "assert roles on authentication", `urn:zitadel:iam:org:projects:roles`
   * asserts the roles of the projects named by audience scopes only, so without
   * `urn:zitadel:iam:org:project:id:{projectId}:aud` a JWT carries no roles at all. Introspection
   * differs (`currentProjectOnly`): it always asserts the introspecting API's project.
   */
  private accessTokenClaims(request: SessionRequest, record: TokenRecord): Record<string, unknown> {
    const info = this.accessInfo(request, record);
    return {
      ...info.claims,
      iss: this.issuer(),
      sub: record.userId,
      aud: record.audience.length > 0 ? record.audience : [record.clientId],
      exp: record.expiresAt,
      iat: record.issuedAt,
      nbf: record.notBefore,
      client_id: record.clientId,
      jti: record.tokenId,
      ...(record.actor === undefined ? {} : { act: record.actor }),
    };
  }

  /** `oidc.NewIDTokenClaims` for the token response; service users' ID tokens expire at once (lifetime 0). */
  private idTokenClaims(
    request: SessionRequest,
    record: TokenRecord,
    accessToken: string,
    sessionId: string,
  ): Record<string, unknown> {
    const info = this.idInfo(request, record);
    const audience = record.audience.includes(record.clientId)
      ? record.audience
      : [...record.audience, record.clientId];
    return {
      ...info.claims,
      ...info.standard,
      iss: this.issuer(),
      sub: record.userId,
      aud: audience,
      exp: request.user.kind === 'machine' ? record.issuedAt : record.expiresAt,
      iat: record.issuedAt,
      auth_time: record.authTime,
      ...(record.amr.length > 0 ? { amr: record.amr } : {}),
      azp: record.clientId,
      client_id: record.clientId,
      at_hash: accessTokenHash(accessToken),
      sid: `V2_${sessionId}`,
      ...(record.actor === undefined ? {} : { act: record.actor }),
    };
  }

  /** The user's claims for a JWT access token (`getUserInfo` with the access token's role assertion). */
  private accessInfo(request: SessionRequest, record: TokenRecord): UserInfo {
    return buildUserInfo(this.store, this.zitadelProjectId, {
      user: request.user,
      scope: record.scope,
      projectId: request.roles.projectId,
      projectRoleAssertion: request.roles.projectRoleAssertion,
      userInfoAssertion: true,
      currentProjectOnly: false,
      roleAssertion: request.roles.accessTokenRoleAssertion,
    });
  }

  /** The user's claims for an ID token. */
  private idInfo(request: SessionRequest, record: TokenRecord): UserInfo {
    return buildUserInfo(this.store, this.zitadelProjectId, {
      user: request.user,
      scope: record.scope,
      projectId: request.roles.projectId,
      projectRoleAssertion: request.roles.projectRoleAssertion,
      userInfoAssertion: request.user.kind === 'human',
      currentProjectOnly: false,
      roleAssertion: true,
    });
  }
}
