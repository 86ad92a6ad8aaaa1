import type { UserInfo } from '../claims.js';
import type { EmulatorStore, UserRecord } from '../emulator-store.js';
import type { EmulatorClock } from '../emulator.types.js';
import { managementState, userMeta } from '../management/management-state.js';
import { loginName, userStateOf } from '../management/views.js';

const USER_STATES: Readonly<Record<string, number>> = {
  USER_STATE_ACTIVE: 1,
  USER_STATE_INACTIVE: 2,
  USER_STATE_INITIAL: 6,
};
const GENDERS: Readonly<Record<string, number>> = { GENDER_FEMALE: 1, GENDER_MALE: 2, GENDER_DIVERSE: 3 };
/** Go's zero `time.Time`, which `omitempty` does not leave out. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 with up to nanoseconds, as Go's `time.Time` marshals (trailing zeros dropped). */
function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0*Z$/, 'Z');
}

/**
 * The `ContextInfo` ZITADEL posts to `preuserinfo` / `preaccesstoken` targets
 * (`internal/api/oidc/userinfo.go`): the function, the userinfo built so far, the user as
 * `query.User` marshals it (snake case, empty fields left out), its metadata (values base64),
 * its organisation and its grants. The emulator fills the fields it models.
 */
export function functionContext(
  store: EmulatorStore,
  clock: EmulatorClock,
  fn: string,
  user: UserRecord,
  info: UserInfo,
): Record<string, unknown> {
  const state = managementState(store, clock);
  const meta = userMeta(state, user);
  const login = loginName(store, user);
  const extras = state.humans.get(user.id);
  const human =
    user.kind === 'human'
      ? omitEmpty({
          first_name: user.firstName,
          last_name: user.lastName,
          nick_name: user.nickName,
          display_name: user.displayName,
          preferred_language: user.preferredLanguage ?? 'und',
          gender: extras?.gender === undefined ? undefined : GENDERS[extras.gender],
          email: user.email,
          is_email_verified: user.emailVerified || undefined,
          phone: extras?.phone,
          is_phone_verified: extras?.phoneVerified === true || undefined,
          password_change_required: extras?.passwordChangeRequired === true || undefined,
          password_changed:
            extras?.passwordChangedAt === undefined ? ZERO_TIME : goTime(new Date(extras.passwordChangedAt)),
          mfa_init_skipped: ZERO_TIME,
        })
      : undefined;
  const org = store.orgs.get(user.orgId);
  const metadata = [...(state.userMetadata.get(user.id) ?? new Map<string, never>()).entries()].map(([key, entry]) => ({
    creation_date: goTime(entry.createdAt),
    change_date: goTime(entry.changedAt),
    resource_owner: user.orgId,
    key,
    value: entry.value.toString('base64'),
  }));
  const grants = store.grants
    .filter((grant) => grant.userId === user.id)
    .map((grant) =>
      omitEmpty({
        id: state.grantId(grant),
        roles: grant.roles.size > 0 ? [...grant.roles] : undefined,
        state: 1,
        user_id: user.id,
        username: user.userName,
        user_resource_owner: user.orgId,
        resource_owner: grant.orgId,
        org_name: store.orgs.get(grant.orgId)?.name,
        org_primary_domain: store.orgs.get(grant.orgId)?.primaryDomain,
        project_id: grant.projectId,
        project_name: store.projects.get(grant.projectId)?.name,
      }),
    );
  return omitEmpty({
    function: fn,
    // `oidc.UserInfo` marshals its registered fields over its extra claims.
    userinfo: { ...info.claims, sub: info.sub, ...info.standard },
    user: omitEmpty({
      id: user.id,
      creation_date: goTime(meta.createdAt),
      change_date: goTime(meta.changedAt),
      resource_owner: user.orgId,
      sequence: meta.sequence > 0 ? meta.sequence : undefined,
      state: USER_STATES[userStateOf(state, user)],
      type: user.kind === 'human' ? 1 : 2,
      username: user.userName,
      login_names: [login],
      preferred_login_name: login,
      human,
      machine: user.kind === 'machine' ? omitEmpty({ name: user.name }) : undefined,
    }),
    user_metadata: metadata.length > 0 ? metadata : undefined,
    org: org === undefined ? undefined : { id: org.id, name: org.name, primary_domain: org.primaryDomain },
    user_grants: grants.length > 0 ? grants : undefined,
  });
}

/** Go's `omitempty`: `undefined` and empty strings left out. */
function omitEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''));
}
