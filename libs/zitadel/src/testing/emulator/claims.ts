import type { EmulatorStore, UserRecord } from './emulator-store.js';
import { addAudienceScopes, requestedRoles, roleOrgIds, Scope } from './scopes.js';

/** The claim of the roles of the project the request is about. */
export const CLAIM_PROJECT_ROLES = 'urn:zitadel:iam:org:project:roles';
/** The claim of one project's roles. */
export const projectRolesClaim = (projectId: string): string => `urn:zitadel:iam:org:project:${projectId}:roles`;
const CLAIM_RESOURCE_OWNER_ID = 'urn:zitadel:iam:user:resourceowner:id';
const CLAIM_RESOURCE_OWNER_NAME = 'urn:zitadel:iam:user:resourceowner:name';
const CLAIM_RESOURCE_OWNER_PRIMARY_DOMAIN = 'urn:zitadel:iam:user:resourceowner:primary_domain';
const CLAIM_ORG_ID = 'urn:zitadel:iam:org:id';
const CLAIM_ORG_DOMAIN_PRIMARY = 'urn:zitadel:iam:org:domain:primary';

/** Role key → granting organisation id → that organisation's primary domain. */
export type RoleMap = Record<string, Record<string, string>>;

/** What ZITADEL's `userInfo` needs to know about the request it builds claims for. */
export interface UserInfoRequest {
  readonly user: UserRecord;
  /** The token's (or request's) scope. */
  readonly scope: readonly string[];
  /** The project the request is made for (the client's project); `''` for none. */
  readonly projectId: string;
  /** The project's "assert roles on authentication". */
  readonly projectRoleAssertion: boolean;
  /** Whether the profile, email and phone claims are included. */
  readonly userInfoAssertion: boolean;
  /** Roles of `projectId` only, ignoring audience scopes (introspection). */
  readonly currentProjectOnly: boolean;
  /** Whether role claims are included at all. */
  readonly roleAssertion: boolean;
}

/** The user's claims: standard OpenID claims (profile, email) and ZITADEL's private claims. */
export interface UserInfo {
  readonly sub: string;
  /** `name`, `email`, ... per scope; empty unless `userInfoAssertion`. */
  readonly standard: Record<string, unknown>;
  /** Role, organisation and resource-owner claims (what a JWT access token carries). */
  readonly claims: Record<string, unknown>;
}

/**
 * Builds a user's claims the way ZITADEL's `userInfo` does for userinfo, introspection, ID and
 * JWT access tokens: profile and email per scope, organisation claims for
 * `urn:zitadel:iam:user:resourceowner` and `urn:zitadel:iam:org:id:{id}`, and role claims for the
 * projects in the role audience (`prepareRoles`, `assertRoles`).
 */
export function buildUserInfo(store: EmulatorStore, zitadelProjectId: string, request: UserInfoRequest): UserInfo {
  const { user, scope } = request;
  const standard: Record<string, unknown> = {};
  const claims: Record<string, unknown> = {};
  for (const s of scope) {
    if (s === Scope.email && request.userInfoAssertion) Object.assign(standard, emailClaims(user));
    else if (s === Scope.profile && request.userInfoAssertion) Object.assign(standard, profileClaims(user));
    else if (s === Scope.resourceOwner) Object.assign(claims, resourceOwnerClaims(store, user));
    else if (s.startsWith(Scope.orgDomainPrimaryPrefix))
      claims[CLAIM_ORG_DOMAIN_PRIMARY] = s.slice(Scope.orgDomainPrimaryPrefix.length);
    else if (s.startsWith(Scope.orgIdPrefix)) {
      claims[CLAIM_ORG_ID] = s.slice(Scope.orgIdPrefix.length);
      Object.assign(claims, resourceOwnerClaims(store, user));
    }
  }
  if (request.roleAssertion) Object.assign(claims, roleClaims(store, zitadelProjectId, request));
  return { sub: user.id, standard, claims };
}

/**
 * `prepareRoles` + `assertRoles` + `newProjectRoles` (`internal/api/oidc/userinfo.go`). The role
 * audience holds the audience-scope projects (`urn:zitadel:iam:org:project:id:{id}:aud`) when a
 * role is asked for by key or by `urn:zitadel:iam:org:projects:roles`, then the request's project
 * when the project asserts roles, the request is an introspection (`currentProjectOnly`), the
 * audience is not empty or a role was asked for by key. No role audience, no roles: so
 * `projects:roles` without an audience scope asserts nothing, unless the project asserts roles or
 * it is an introspection.
 */
function roleClaims(store: EmulatorStore, zitadelProjectId: string, request: UserInfoRequest): Record<string, unknown> {
  const { scope, projectId } = request;
  const requested = requestedRoles(scope);
  let roleAudience: string[] = [];
  if (!request.currentProjectOnly && (requested.length > 0 || scope.includes(Scope.projectsRoles))) {
    roleAudience = addAudienceScopes([], scope, zitadelProjectId);
  }
  if (
    (request.projectRoleAssertion || request.currentProjectOnly || roleAudience.length > 0 || requested.length > 0) &&
    projectId !== '' &&
    !roleAudience.includes(projectId)
  ) {
    roleAudience.push(projectId);
  }
  // Grants are not handed out unless roles were asked for (or the project asserts them).
  if (!((projectId !== '' && requested.length > 0) || roleAudience.length > 0)) return {};

  const orgIds = roleOrgIds(scope);
  const grants = store.grants.filter(
    (grant) =>
      grant.userId === request.user.id &&
      roleAudience.includes(grant.projectId) &&
      (orgIds.length === 0 || orgIds.includes(grant.orgId)),
  );
  const projects = new Map<string, RoleMap>();
  let requestProjectFound = false;
  const add = (grantProjectId: string, role: string, orgId: string): void => {
    if (grantProjectId === projectId) requestProjectFound = true;
    let roles = projects.get(grantProjectId);
    if (roles === undefined) projects.set(grantProjectId, (roles = {}));
    (roles[role] ??= {})[orgId] = store.orgs.get(orgId)?.primaryDomain ?? '';
  };
  for (const grant of grants) {
    for (const role of grant.roles) {
      if (requested.length === 0 || requested.includes(role)) add(grant.projectId, role, grant.orgId);
    }
  }
  const result: Record<string, unknown> = {};
  // The unqualified claim only for the project the request is for, never for audience projects.
  if (requestProjectFound) {
    const roles = projects.get(projectId);
    if (roles !== undefined) result[CLAIM_PROJECT_ROLES] = roles;
  }
  for (const [id, roles] of projects) result[projectRolesClaim(id)] = roles;
  return result;
}

function resourceOwnerClaims(store: EmulatorStore, user: UserRecord): Record<string, unknown> {
  const org = store.orgs.get(user.orgId);
  if (org === undefined) return {};
  return {
    [CLAIM_RESOURCE_OWNER_ID]: org.id,
    [CLAIM_RESOURCE_OWNER_NAME]: org.name,
    [CLAIM_RESOURCE_OWNER_PRIMARY_DOMAIN]: org.primaryDomain,
  };
}

/** The `profile` scope's claims; a service user has only a name. */
function profileClaims(user: UserRecord): Record<string, unknown> {
  if (user.kind === 'machine')
    return { name: user.name, updated_at: user.changedAt, preferred_username: user.userName };
  const claims: Record<string, unknown> = {
    name: user.displayName,
    given_name: user.firstName,
    family_name: user.lastName,
    nickname: user.nickName,
    locale: user.preferredLanguage,
    updated_at: user.changedAt,
    preferred_username: user.userName,
  };
  return omitEmpty(claims);
}

/** The `email` scope's claims; `email_verified` is left out when false, as Go's `omitempty` does. */
function emailClaims(user: UserRecord): Record<string, unknown> {
  if (user.kind === 'machine') return {};
  return omitEmpty({ email: user.email, email_verified: user.emailVerified });
}

function omitEmpty(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(claims).filter(([, value]) => value !== undefined && value !== '' && value !== false),
  );
}
