import { ZitadelUser, type ZitadelTokenSource } from '../auth/zitadel-user.js';

/** The claim ZITADEL puts a user's roles of the requested project in. */
const ROLES_CLAIM = 'urn:zitadel:iam:org:project:roles';

/**
 * A test user's roles: role key → the organisations that granted it, as a list of organisation
 * ids or as ZITADEL's map of organisation id → primary domain.
 */
export type TestUserRoles = Readonly<Record<string, readonly string[] | Readonly<Record<string, string>>>>;

/** Options of {@link createTestUser}. */
export interface TestUserOptions {
  /** The user's id (`sub`). */
  readonly sub: string;
  /**
   * Roles per granting organisation, e.g. `{ admin: ['org-1'], viewer: ['org-1', 'org-2'] }`.
   * Put in `urn:zitadel:iam:org:project:roles`, replacing that claim of `claims`. @default none
   */
  readonly roles?: TestUserRoles;
  /** Further claims (`email`, `preferred_username`, `urn:zitadel:iam:user:resourceowner:id`, `scope`, ...). @default none */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** The API's project: its specific role claim `urn:zitadel:iam:org:project:{projectId}:roles` is read too. @default '' */
  readonly projectId?: string;
  /** How the token was verified, as `user.source` reports it. @default 'jwt' */
  readonly source?: ZitadelTokenSource;
}

/**
 * A {@link ZitadelUser} as the guard would build it from a token with these claims, for unit
 * tests: give it to a {@link FakeTokenValidator}, or to code that takes a user.
 *
 * @throws {TypeError} `sub` is empty, or a role has no organisation or a malformed one.
 * @example
 * const alice = createTestUser({ sub: 'alice', roles: { admin: ['org-1'] }, claims: { email: 'alice@example.com' } });
 * alice.hasRole('admin', 'org-1'); // true
 */
export function createTestUser(options: TestUserOptions): ZitadelUser {
  if (typeof options.sub !== 'string' || options.sub === '')
    throw new TypeError('createTestUser: "sub" must be a non-empty string');
  const claims: Record<string, unknown> = { ...options.claims, sub: options.sub };
  if (options.roles !== undefined) claims[ROLES_CLAIM] = roleClaim(options.roles);
  return new ZitadelUser(claims, options.projectId ?? '', options.source ?? 'jwt');
}

/** ZITADEL's shape: role → organisation id → primary domain (`''` where only ids were given). */
function roleClaim(roles: TestUserRoles): Record<string, Record<string, string>> {
  const claim = Object.create(null) as Record<string, Record<string, string>>;
  for (const [role, orgs] of Object.entries(roles)) {
    const where = `createTestUser: role "${role}"`;
    if (role === '') throw new TypeError('createTestUser: a role key must be a non-empty string');
    const entries: [string, unknown][] = Array.isArray(orgs)
      ? orgs.map((orgId: unknown) => [typeof orgId === 'string' ? orgId : '', ''])
      : typeof orgs === 'object' && orgs !== null
        ? Object.entries(orgs)
        : [];
    if (entries.length === 0) throw new TypeError(`${where} needs at least one granting organisation id`);
    const granted = Object.create(null) as Record<string, string>;
    for (const [orgId, domain] of entries) {
      if (orgId === '' || typeof domain !== 'string')
        throw new TypeError(`${where}: organisation ids must be non-empty strings, primary domains strings`);
      granted[orgId] = domain;
    }
    claim[role] = granted;
  }
  return claim;
}
