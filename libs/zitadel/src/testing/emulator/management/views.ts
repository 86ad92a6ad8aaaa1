import type {
  EmulatorStore,
  GrantRecord,
  OrgRecord,
  ProjectRecord,
  RoleRecord,
  UserRecord,
} from '../emulator-store.js';
import { MetaKey, userMeta, type ManagementState, type ObjectMeta } from './management-state.js';

// How the gateway writes ZITADEL's objects (protojson: camelCase names, uint64 as strings,
// timestamps in RFC 3339, enums by name). Fields holding their zero value are left out.

/** `zitadel.v1.ObjectDetails`. */
export function objectDetails(meta: ObjectMeta, resourceOwner: string): Record<string, unknown> {
  return omitZero({
    sequence: meta.sequence > 0 ? String(meta.sequence) : undefined,
    creationDate: meta.createdAt.toISOString(),
    changeDate: meta.changedAt.toISOString(),
    resourceOwner,
  });
}

/** `zitadel.object.v2.Details`. */
export function detailsV2(meta: ObjectMeta, resourceOwner: string): Record<string, unknown> {
  return omitZero({
    sequence: meta.sequence > 0 ? String(meta.sequence) : undefined,
    changeDate: meta.changedAt.toISOString(),
    resourceOwner,
    creationDate: meta.createdAt.toISOString(),
  });
}

/** `userName@primaryDomain`, ZITADEL's preferred login name of a user. */
export function loginName(store: EmulatorStore, user: UserRecord): string {
  const domain = store.orgs.get(user.orgId)?.primaryDomain;
  return domain === undefined ? user.userName : `${user.userName}@${domain}`;
}

/** `USER_STATE_INACTIVE` once deactivated; `USER_STATE_ACTIVE`, or `USER_STATE_INITIAL` for a human imported without password and verified email. */
export function userStateOf(state: ManagementState, user: UserRecord): string {
  if (state.inactiveUsers.has(user.id)) return 'USER_STATE_INACTIVE';
  if (user.kind === 'machine') return 'USER_STATE_ACTIVE';
  const extras = state.humans.get(user.id);
  // ZITADEL keeps a user without password (and unverified email) in the initial state.
  return extras === undefined || extras.hasPassword || user.emailVerified ? 'USER_STATE_ACTIVE' : 'USER_STATE_INITIAL';
}

/** `zitadel.user.v1.User`. */
export function userV1(store: EmulatorStore, state: ManagementState, user: UserRecord): Record<string, unknown> {
  const login = loginName(store, user);
  const base = {
    id: user.id,
    details: objectDetails(userMeta(state, user), user.orgId),
    state: userStateOf(state, user),
    userName: user.userName,
    loginNames: [login],
    preferredLoginName: login,
  };
  if (user.kind === 'machine') {
    return omitZero({
      ...base,
      machine: omitZero({
        name: user.name,
        hasSecret: user.secretHash !== undefined,
        accessTokenType: user.accessTokenType === 'jwt' ? 'ACCESS_TOKEN_TYPE_JWT' : undefined,
      }),
    });
  }
  const extras = state.humans.get(user.id);
  return omitZero({
    ...base,
    human: omitZero({
      profile: omitZero({
        firstName: user.firstName,
        lastName: user.lastName,
        nickName: user.nickName,
        displayName: user.displayName,
        preferredLanguage: user.preferredLanguage,
        gender: extras?.gender,
      }),
      email:
        user.email === undefined ? undefined : omitZero({ email: user.email, isEmailVerified: user.emailVerified }),
      phone:
        extras?.phone === undefined
          ? undefined
          : omitZero({ phone: extras.phone, isPhoneVerified: extras.phoneVerified }),
    }),
  });
}

/** `zitadel.user.v2.User`. */
export function userV2(store: EmulatorStore, state: ManagementState, user: UserRecord): Record<string, unknown> {
  const login = loginName(store, user);
  const base = {
    userId: user.id,
    details: detailsV2(userMeta(state, user), user.orgId),
    state: userStateOf(state, user),
    username: user.userName,
    loginNames: [login],
    preferredLoginName: login,
  };
  if (user.kind === 'machine') {
    return omitZero({
      ...base,
      machine: omitZero({
        name: user.name,
        hasSecret: user.secretHash !== undefined,
        accessTokenType: user.accessTokenType === 'jwt' ? 'ACCESS_TOKEN_TYPE_JWT' : undefined,
      }),
    });
  }
  const extras = state.humans.get(user.id);
  return omitZero({
    ...base,
    human: omitZero({
      userId: user.id,
      state: base.state,
      username: user.userName,
      loginNames: base.loginNames,
      preferredLoginName: login,
      profile: omitZero({
        givenName: user.firstName,
        familyName: user.lastName,
        nickName: user.nickName,
        displayName: user.displayName,
        preferredLanguage: user.preferredLanguage,
        gender: extras?.gender,
      }),
      email: user.email === undefined ? undefined : omitZero({ email: user.email, isVerified: user.emailVerified }),
      phone:
        extras?.phone === undefined ? undefined : omitZero({ phone: extras.phone, isVerified: extras.phoneVerified }),
      passwordChangeRequired: extras?.passwordChangeRequired,
      passwordChanged:
        extras?.passwordChangedAt === undefined ? undefined : new Date(extras.passwordChangedAt).toISOString(),
    }),
  });
}

/** The user fields member and grant views repeat. */
function userFields(store: EmulatorStore, user: UserRecord | undefined): Record<string, unknown> {
  if (user === undefined) return {};
  if (user.kind === 'machine') {
    return {
      preferredLoginName: loginName(store, user),
      displayName: user.name,
      userType: 'TYPE_MACHINE',
      userResourceOwner: user.orgId,
    };
  }
  return {
    preferredLoginName: loginName(store, user),
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    displayName: user.displayName,
    userType: 'TYPE_HUMAN',
    userResourceOwner: user.orgId,
  };
}

/** `zitadel.member.v1.Member`. */
export function memberV1(
  store: EmulatorStore,
  state: ManagementState,
  orgId: string,
  userId: string,
  roles: readonly string[],
): Record<string, unknown> {
  return omitZero({
    userId,
    details: objectDetails(state.metaOf(MetaKey.member(orgId, userId)), orgId),
    roles: [...roles],
    ...userFields(store, store.users.get(userId)),
  });
}

/** `zitadel.org.v1.Org`: an organisation is its own resource owner; the emulator's are all active. */
export function orgV1(state: ManagementState, org: OrgRecord): Record<string, unknown> {
  return omitZero({
    id: org.id,
    details: objectDetails(state.metaOf(MetaKey.org(org.id)), org.id),
    state: 'ORG_STATE_ACTIVE',
    name: org.name,
    primaryDomain: org.primaryDomain,
  });
}

/** `zitadel.project.v1.Role`. */
export function roleV1(state: ManagementState, project: ProjectRecord, role: RoleRecord): Record<string, unknown> {
  return omitZero({
    key: role.key,
    details: objectDetails(state.metaOf(MetaKey.role(project.id, role.key)), project.orgId),
    displayName: role.displayName,
    group: role.group,
  });
}

/** `zitadel.user.v1.UserGrant`. */
export function userGrantV1(store: EmulatorStore, state: ManagementState, grant: GrantRecord): Record<string, unknown> {
  const id = state.grantId(grant);
  const user = store.users.get(grant.userId);
  const org = store.orgs.get(grant.orgId);
  const fields = userFields(store, user);
  return omitZero({
    id,
    details: objectDetails(state.metaOf(MetaKey.grant(id)), grant.orgId),
    roleKeys: [...grant.roles],
    state: 'USER_GRANT_STATE_ACTIVE',
    userId: grant.userId,
    userName: user?.userName,
    firstName: fields['firstName'],
    lastName: fields['lastName'],
    email: fields['email'],
    displayName: fields['displayName'],
    orgId: grant.orgId,
    orgName: org?.name,
    orgDomain: org?.primaryDomain,
    projectId: grant.projectId,
    projectName: store.projects.get(grant.projectId)?.name,
    preferredLoginName: fields['preferredLoginName'],
    userType: fields['userType'],
  });
}

/** Leaves out fields holding a zero value (`undefined`, `''`, `false`, `[]`), as protojson writes messages. */
export function omitZero(fields: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0))
      continue;
    result[name] = value;
  }
  return result;
}
