import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { EmulatorStore, StoredToken, StoredUser } from './emulator-store.js';
import { newId } from './ids.js';
import type { SigningKeys } from './signing-keys.js';

/** Id of the emulated instance's own "ZITADEL" project, the audience of its APIs. */
export const ZITADEL_PROJECT_ID = '100000000000000001';
/** ZITADEL's default access token lifetime: 12 hours, minus a second. */
export const DEFAULT_LIFETIME_SECONDS = 43_199;

const SCOPE_PROJECT_AUD = /^urn:zitadel:iam:org:project:id:([^:]+):aud$/;
const SCOPE_ROLE = /^urn:zitadel:iam:org:project:role:(.+)$/;
const SCOPE_ORG_ID = /^urn:zitadel:iam:org:id:(.+)$/;
const SCOPE_ALL_ROLES = 'urn:zitadel:iam:org:projects:roles';
const SCOPE_RESOURCE_OWNER = 'urn:zitadel:iam:user:resourceowner';

/** Why a scope set cannot be granted; answered as an OAuth error. */
export class ScopeError extends Error {
  constructor(readonly error: 'invalid_scope' | 'invalid_request', description: string) {
    super(description);
  }
}

export interface TokenRequest {
  readonly user: StoredUser;
  readonly scopes: readonly string[];
  readonly clientId: string;
  readonly type: 'opaque' | 'jwt';
  readonly expiresIn: number;
  readonly notBefore?: Date;
}

/** Builds audiences and claims from ZITADEL's reserved scopes, stores and signs access tokens. */
export class TokenIssuer {
  constructor(
    private readonly store: EmulatorStore,
    private readonly keys: SigningKeys,
    private readonly issuer: () => string,
  ) {}

  /** @throws {ScopeError} a scope names an unknown project or an organisation the user is not in. */
  async issue(request: TokenRequest): Promise<{ token: string; stored: StoredToken }> {
    const { user, scopes, clientId } = request;
    const audience = this.audience(scopes, clientId);
    for (const scope of scopes) {
      const org = SCOPE_ORG_ID.exec(scope)?.[1];
      if (org !== undefined && org !== user.orgId) throw new ScopeError('invalid_request', 'user is not member of the requested organisation');
    }
    const now = Math.floor(Date.now() / 1000);
    const id = newId();
    const stored: StoredToken = {
      id,
      userId: user.id,
      clientId,
      audience,
      scopes: [...scopes],
      issuedAt: now,
      notBefore: request.notBefore === undefined ? now : Math.floor(request.notBefore.getTime() / 1000),
      expiresAt: now + request.expiresIn,
      claims: { ...this.profileClaims(user, scopes), ...this.roleClaims(user, scopes, audience), ...this.ownerClaims(user, scopes) },
      revoked: false,
    };
    if (request.type === 'opaque') {
      const token = `${id}-${randomBytes(32).toString('base64url')}`;
      this.store.tokens.set(token, stored);
      return { token, stored };
    }
    this.store.tokens.set(`jti:${id}`, stored);
    const key = this.keys.current;
    const token = await new SignJWT({ ...stored.claims, client_id: clientId, scope: scopes.join(' ') })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer())
      .setSubject(user.id)
      .setAudience(audience)
      .setIssuedAt(stored.issuedAt)
      .setNotBefore(stored.notBefore)
      .setExpirationTime(stored.expiresAt)
      .setJti(id)
      .sign(key.privateKey);
    return { token, stored };
  }

  private audience(scopes: readonly string[], clientId: string): string[] {
    const audience = new Set<string>();
    const app = this.store.appByClientId(clientId);
    if (app !== undefined) {
      audience.add(app.clientId);
      audience.add(app.projectId);
    }
    for (const scope of scopes) {
      const projectId = SCOPE_PROJECT_AUD.exec(scope)?.[1];
      if (projectId === undefined) continue;
      if (projectId === 'zitadel') audience.add(ZITADEL_PROJECT_ID);
      else if (this.store.projects.has(projectId)) audience.add(projectId);
      else throw new ScopeError('invalid_request', `project ${projectId} not found`);
    }
    if (audience.size === 0) audience.add(clientId);
    return [...audience];
  }

  private profileClaims(user: StoredUser, scopes: readonly string[]): Record<string, unknown> {
    const claims: Record<string, unknown> = { username: user.userName, preferred_username: user.userName };
    if (user.kind !== 'human') return claims;
    if (scopes.includes('profile')) {
      Object.assign(claims, {
        name: [user.firstName, user.lastName].filter(Boolean).join(' ') || user.userName,
        given_name: user.firstName,
        family_name: user.lastName,
        locale: 'en',
      });
    }
    if (scopes.includes('email') && user.email !== undefined) Object.assign(claims, { email: user.email, email_verified: true });
    return claims;
  }

  /** `role → { grantingOrgId: orgPrimaryDomain }`, generic and per project, when asserted. */
  private roleClaims(user: StoredUser, scopes: readonly string[], audience: readonly string[]): Record<string, unknown> {
    const requested = scopes.map((s) => SCOPE_ROLE.exec(s)?.[1]).filter((r): r is string => r !== undefined);
    const all = scopes.includes(SCOPE_ALL_ROLES);
    const claims: Record<string, unknown> = {};
    for (const projectId of audience) {
      const project = this.store.projects.get(projectId);
      if (project === undefined || (!all && requested.length === 0 && !project.assertRolesOnAuthentication)) continue;
      const roles: Record<string, Record<string, string>> = {};
      for (const grant of this.store.grants) {
        if (grant.userId !== user.id || grant.projectId !== projectId) continue;
        for (const role of grant.roleKeys) {
          if (requested.length > 0 && !all && !requested.includes(role)) continue;
          (roles[role] ??= {})[grant.orgId] = this.store.orgs.get(grant.orgId)?.primaryDomain ?? '';
        }
      }
      if (Object.keys(roles).length === 0) continue;
      claims[`urn:zitadel:iam:org:project:${projectId}:roles`] = roles;
      claims['urn:zitadel:iam:org:project:roles'] ??= roles;
    }
    return claims;
  }

  private ownerClaims(user: StoredUser, scopes: readonly string[]): Record<string, unknown> {
    if (!scopes.includes(SCOPE_RESOURCE_OWNER)) return {};
    const org = this.store.orgs.get(user.orgId);
    return {
      'urn:zitadel:iam:user:resourceowner:id': user.orgId,
      'urn:zitadel:iam:user:resourceowner:name': org?.name,
      'urn:zitadel:iam:user:resourceowner:primary_domain': org?.primaryDomain,
    };
  }
}
