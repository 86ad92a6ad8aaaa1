const PREFIX = 'urn:zitadel:iam';

function part(name: string, value: string): string {
  if (typeof value !== 'string' || value === '' || /[\s:]/.test(value)) {
    throw new TypeError(`"${name}" must be a non-empty string without spaces or colons`);
  }
  return value;
}

/**
 * Builds ZITADEL's reserved scopes, which shape the tokens it issues.
 *
 * @example
 * tokenService.getAccessToken({ scopes: ['openid', ZitadelScopes.zitadelApi()] });
 * @see https://zitadel.com/docs/apis/openidoauth/scopes
 */
export const ZitadelScopes = {
  /** `openid`: asked for by default. */
  openid: 'openid',
  /** Puts the project in the token's audience, so that project's APIs accept (and can introspect) it. */
  projectAudience: (projectId: string): string => `${PREFIX}:org:project:id:${part('projectId', projectId)}:aud`,
  /** Audience of ZITADEL's own APIs (management, admin, auth, v2 services). */
  zitadelApi: (): string => `${PREFIX}:org:project:id:zitadel:aud`,
  /** Asks for one role of the audience projects to be asserted in the token. */
  role: (roleKey: string): string => `${PREFIX}:org:project:role:${part('roleKey', roleKey)}`,
  /** Asserts the roles of every project in the audience. */
  allProjectRoles: (): string => `${PREFIX}:org:projects:roles`,
  /** The user must belong to (and acts in) this organisation. */
  orgId: (orgId: string): string => `${PREFIX}:org:id:${part('orgId', orgId)}`,
  /** The same as `orgId`, by the organisation's primary domain. */
  orgDomain: (domain: string): string => `${PREFIX}:org:domain:primary:${part('domain', domain)}`,
  /** Asserts the user's metadata (base64-encoded values). */
  userMetadata: (): string => `${PREFIX}:user:metadata`,
  /** Asserts the user's organisation: id, name and primary domain. */
  resourceOwner: (): string => `${PREFIX}:user:resourceowner`,
} as const;
