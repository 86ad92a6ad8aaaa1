import type { EmulatorStore, UserRecord } from './emulator-store.js';
import { invalidRequest } from './oauth-errors.js';

/** ZITADEL's reserved scopes and claims (`internal/domain`, `internal/api/oidc`). */
export const Scope = {
  openid: 'openid',
  profile: 'profile',
  email: 'email',
  phone: 'phone',
  address: 'address',
  offlineAccess: 'offline_access',
  projectIdPrefix: 'urn:zitadel:iam:org:project:id:',
  audSuffix: ':aud',
  zitadelProject: 'zitadel',
  rolePrefix: 'urn:zitadel:iam:org:project:role:',
  projectsRoles: 'urn:zitadel:iam:org:projects:roles',
  orgIdPrefix: 'urn:zitadel:iam:org:id:',
  orgDomainPrimaryPrefix: 'urn:zitadel:iam:org:domain:primary:',
  orgRoleIdPrefix: 'urn:zitadel:iam:org:roles:id:',
  selectIdpPrefix: 'urn:zitadel:iam:org:idp:id:',
  userMetadata: 'urn:zitadel:iam:user:metadata',
  resourceOwner: 'urn:zitadel:iam:user:resourceowner',
} as const;

const STANDARD_SCOPES: ReadonlySet<string> = new Set([
  Scope.openid,
  Scope.profile,
  Scope.email,
  Scope.phone,
  Scope.address,
  Scope.offlineAccess,
]);
const RESERVED_PREFIXES = [
  Scope.projectIdPrefix,
  Scope.rolePrefix,
  Scope.orgIdPrefix,
  Scope.orgDomainPrimaryPrefix,
  Scope.orgRoleIdPrefix,
  Scope.selectIdpPrefix,
];
const RESERVED_SCOPES: ReadonlySet<string> = new Set([Scope.projectsRoles, Scope.userMetadata, Scope.resourceOwner]);

/**
 * The `scope` parameter split on single spaces, as ZITADEL's `SpaceDelimitedArray` does;
 * `undefined` when the parameter is absent.
 */
export function splitScope(value: string, present: boolean): string[] | undefined {
  return present ? value.split(' ') : undefined;
}

/**
 * `op.ValidateAuthReqScopes` for service users: a scope parameter is required, and what is neither
 * a standard OpenID scope nor one of ZITADEL's reserved scopes is dropped without an error.
 *
 * @throws {OAuthFailure} 400 `invalid_request` when no scope was sent.
 */
export function validateScopes(scope: readonly string[] | undefined): string[] {
  if (scope === undefined || scope.length === 0) {
    throw invalidRequest(
      'The scope of your request is missing. Please ensure some scopes are requested. If you have any questions, you may contact the administrator of the application.',
    );
  }
  return allowedScopes(scope);
}

/** The scopes ZITADEL keeps: standard OpenID scopes and its reserved ones; others are dropped. */
export function allowedScopes(scope: readonly string[]): string[] {
  return scope.filter(
    (s) => STANDARD_SCOPES.has(s) || RESERVED_SCOPES.has(s) || RESERVED_PREFIXES.some((prefix) => s.startsWith(prefix)),
  );
}

/**
 * `checkOrgScopes`: organisation scopes (`urn:zitadel:iam:org:id:{id}`,
 * `urn:zitadel:iam:org:domain:primary:{domain}`) that do not name the user's own organisation are
 * removed; ZITADEL filters them out rather than failing the request.
 */
export function checkOrgScopes(scope: readonly string[], user: UserRecord, store: EmulatorStore): string[] {
  return scope.filter((s) => {
    if (s.startsWith(Scope.orgDomainPrimaryPrefix)) {
      const domain = s.slice(Scope.orgDomainPrimaryPrefix.length);
      return [...store.orgs.values()].some((org) => org.primaryDomain === domain && org.id === user.orgId);
    }
    if (s.startsWith(Scope.orgIdPrefix)) return s.slice(Scope.orgIdPrefix.length) === user.orgId;
    return true;
  });
}

/**
 * `domain.AddAudScopeToAudience`: each `urn:zitadel:iam:org:project:id:{id}:aud` adds the project
 * id (`zitadel` meaning ZITADEL's own project) to the audience, once. ZITADEL does not check that
 * the project exists.
 */
export function addAudienceScopes(
  audience: readonly string[],
  scope: readonly string[],
  zitadelProjectId: string,
): string[] {
  const result = [...audience];
  for (const s of scope) {
    if (!(s.startsWith(Scope.projectIdPrefix) && s.endsWith(Scope.audSuffix))) continue;
    let projectId = s.slice(Scope.projectIdPrefix.length, s.length - Scope.audSuffix.length);
    if (projectId === Scope.zitadelProject) projectId = zitadelProjectId;
    if (!result.includes(projectId)) result.push(projectId);
  }
  return result;
}

/** The role keys asked for with `urn:zitadel:iam:org:project:role:{key}`. */
export function requestedRoles(scope: readonly string[]): string[] {
  return scope.filter((s) => s.startsWith(Scope.rolePrefix)).map((s) => s.slice(Scope.rolePrefix.length));
}

/**
 * `assertProjectRoleScopesByProject` (`internal/api/oidc/auth_request.go`), applied when a user
 * logs in to an application: a project with "assert roles on authentication" gets a
 * `urn:zitadel:iam:org:project:role:{key}` scope for each of its roles, unless the request asked
 * for roles by key itself. The session keeps these scopes, so introspection reports them.
 */
export function assertProjectRoleScopes(
  scope: readonly string[],
  projectRoleAssertion: boolean,
  roleKeys: Iterable<string>,
): string[] {
  if (!projectRoleAssertion || scope.some((s) => s.startsWith(Scope.rolePrefix))) return [...scope];
  return [...scope, ...[...roleKeys].map((key) => Scope.rolePrefix + key)];
}

/** The organisations named by `urn:zitadel:iam:org:roles:id:{orgId}`: only their grants count. */
export function roleOrgIds(scope: readonly string[]): string[] {
  return scope.filter((s) => s.startsWith(Scope.orgRoleIdPrefix)).map((s) => s.slice(Scope.orgRoleIdPrefix.length));
}
