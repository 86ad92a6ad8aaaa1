import { deepFreeze } from '../shared/deep-freeze.js';
import { isRecord } from '../shared/is-record.js';

/** Role key → the organisations that granted it (organisation id → its primary domain). */
export type ZitadelRoles = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The user's own organisation (ZITADEL's "resource owner"), when asserted. */
export interface ZitadelResourceOwner {
  readonly id: string;
  readonly name: string | undefined;
  readonly primaryDomain: string | undefined;
}

/**
 * Who acts for the user: the `act` claim of a token from a token exchange with impersonation
 * (RFC 8693 §4.1), e.g. a support agent or a service user acting as the user.
 */
export interface ZitadelActor {
  /** The acting user's (or service user's) id. */
  readonly sub: string;
  /** The issuer of the actor's token, when ZITADEL names it. */
  readonly issuer: string | undefined;
  /** Whoever acted for the actor in turn (an exchange of an already exchanged token). */
  readonly actor: ZitadelActor | undefined;
}

/** Where a {@link ZitadelUser}'s claims were verified. */
export type ZitadelTokenSource = 'jwt' | 'introspection';

const GENERIC_ROLES_CLAIM = 'urn:zitadel:iam:org:project:roles';
const RESOURCE_OWNER = 'urn:zitadel:iam:user:resourceowner';

/**
 * The caller of a protected route, built only from claims that were verified (a JWT whose
 * signature, issuer, audience and lifetime were checked, or an active introspection result).
 * Immutable.
 *
 * @example
 * \@Get('mine')
 * mine(@CurrentUser() user: ZitadelUser) {
 *   return { id: user.sub, admin: user.hasRole('admin') };
 * }
 */
export class ZitadelUser {
  /** The user's (or service user's) id. */
  readonly sub: string;
  /**
   * The project's roles: role key → organisations that granted it (id → primary domain). Read
   * from `urn:zitadel:iam:org:project:roles` and `urn:zitadel:iam:org:project:{projectId}:roles`.
   */
  readonly roles: ZitadelRoles;
  /** The user's organisation, when `urn:zitadel:iam:user:resourceowner:id` was asserted. */
  readonly resourceOwner: ZitadelResourceOwner | undefined;
  /** The token's scopes. */
  readonly scopes: readonly string[];
  /** The client the token was issued to. */
  readonly clientId: string | undefined;
  /** Expiry of the token, seconds since the epoch. */
  readonly exp: number | undefined;
  /** How the token was verified. */
  readonly source: ZitadelTokenSource;
  /**
   * Who acts for the user when the token came from an impersonating token exchange (its `act`
   * claim), `undefined` for the user's own token. Check it where an impersonated call must not
   * do everything the user could.
   */
  readonly actor: ZitadelActor | undefined;
  /** Standard claims, present when asserted (profile and email scopes, introspection). */
  readonly preferred_username: string | undefined;
  readonly name: string | undefined;
  readonly given_name: string | undefined;
  readonly family_name: string | undefined;
  readonly nickname: string | undefined;
  readonly email: string | undefined;
  readonly email_verified: boolean | undefined;
  readonly phone_number: string | undefined;
  readonly locale: string | undefined;
  /** Every verified claim, as received. */
  readonly claims: Readonly<Record<string, unknown>>;

  /**
   * @param claims verified claims, frozen in place; `sub` must be a non-empty string.
   * @param projectId the API's project, whose specific role claim is read as well.
   * @throws {TypeError} `sub` is missing.
   */
  constructor(claims: Readonly<Record<string, unknown>>, projectId: string, source: ZitadelTokenSource) {
    const sub = claims['sub'];
    if (typeof sub !== 'string' || sub === '') throw new TypeError('verified claims have no "sub"');
    this.sub = sub;
    this.roles = parseRoles(claims[GENERIC_ROLES_CLAIM], claims[`urn:zitadel:iam:org:project:${projectId}:roles`]);
    const ownerId = text(claims[`${RESOURCE_OWNER}:id`]);
    this.resourceOwner =
      ownerId === undefined
        ? undefined
        : Object.freeze({
            id: ownerId,
            name: text(claims[`${RESOURCE_OWNER}:name`]),
            primaryDomain: text(claims[`${RESOURCE_OWNER}:primary_domain`]),
          });
    const scope = text(claims['scope']);
    this.scopes = Object.freeze(scope === undefined ? [] : scope.split(' ').filter((s) => s !== ''));
    this.clientId = text(claims['client_id']) ?? text(claims['azp']);
    const exp = claims['exp'];
    this.exp = typeof exp === 'number' ? exp : undefined;
    this.source = source;
    this.actor = parseActor(claims['act'], 0);
    this.preferred_username = text(claims['preferred_username']) ?? text(claims['username']);
    this.name = text(claims['name']);
    this.given_name = text(claims['given_name']);
    this.family_name = text(claims['family_name']);
    this.nickname = text(claims['nickname']);
    this.email = text(claims['email']);
    this.email_verified = typeof claims['email_verified'] === 'boolean' ? claims['email_verified'] : undefined;
    this.phone_number = text(claims['phone_number']);
    this.locale = text(claims['locale']);
    this.claims = deepFreeze(claims);
    Object.freeze(this);
  }

  /**
   * Whether the user holds a role of the project, granted by any organisation or, with `orgId`,
   * by that organisation.
   */
  hasRole(role: string, orgId?: string): boolean {
    const grants = Object.hasOwn(this.roles, role) ? this.roles[role] : undefined;
    if (grants === undefined) return false;
    return orgId === undefined || Object.hasOwn(grants, orgId);
  }
}

/** Fields of {@link ZitadelUser} that `@CurrentUser(field)` can pick (not its methods). */
export type ZitadelUserField = {
  [K in keyof ZitadelUser]: ZitadelUser[K] extends (...args: never[]) => unknown ? never : K;
}[keyof ZitadelUser];

/** The `act` claim, typed; the token checks already refused a malformed one, so anything odd is ignored. */
function parseActor(value: unknown, depth: number): ZitadelActor | undefined {
  if (!isRecord(value) || depth >= 8) return undefined;
  const sub = text(value['sub']);
  if (sub === undefined) return undefined;
  return Object.freeze({ sub, issuer: text(value['iss']), actor: parseActor(value['act'], depth + 1) });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Merges role claims shaped `{ role: { orgId: domain } }`; anything else in them is ignored. */
function parseRoles(...claims: unknown[]): ZitadelRoles {
  const roles: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  for (const claim of claims) {
    if (!isRecord(claim)) continue;
    for (const [role, grants] of Object.entries(claim)) {
      if (!isRecord(grants)) continue;
      const orgs = (roles[role] ??= Object.create(null) as Record<string, string>);
      for (const [orgId, domain] of Object.entries(grants)) orgs[orgId] = typeof domain === 'string' ? domain : '';
    }
  }
  for (const orgs of Object.values(roles)) Object.freeze(orgs);
  return Object.freeze(roles);
}
