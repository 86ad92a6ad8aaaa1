import type { EmulatorContext } from '../emulator-context.js';
import type { UserRecord } from '../emulator-store.js';
import type { EmulatorRequest } from '../http-exchange.js';
import { GrpcCode, GrpcFailure } from './grpc-status.js';

/** The manager roles of organisation members (`ListOrgMemberRoles`: ZITADEL's roles prefixed `ORG_`). */
export const ORG_MEMBER_ROLES: readonly string[] = [
  'ORG_OWNER',
  'ORG_USER_MANAGER',
  'ORG_OWNER_VIEWER',
  'ORG_SETTINGS_MANAGER',
  'ORG_USER_PERMISSION_EDITOR',
  'ORG_PROJECT_PERMISSION_EDITOR',
  'ORG_PROJECT_CREATOR',
  'ORG_USER_SELF_MANAGER',
  'ORG_ADMIN_IMPERSONATOR',
  'ORG_END_USER_IMPERSONATOR',
];

/** The permissions the emulated endpoints check (`auth_option.permission` in ZITADEL's protos). */
export type Permission =
  | 'user.read'
  | 'user.write'
  | 'user.delete'
  | 'org.member.read'
  | 'org.member.write'
  | 'org.member.delete'
  | 'project.role.read'
  | 'project.role.write'
  | 'user.grant.read'
  | 'user.grant.write'
  | 'user.grant.delete'
  | 'org.read'
  | 'org.write'
  | 'project.create'
  | 'project.read';

const ALL: readonly Permission[] = [
  'user.read',
  'user.write',
  'user.delete',
  'org.member.read',
  'org.member.write',
  'org.member.delete',
  'project.role.read',
  'project.role.write',
  'user.grant.read',
  'user.grant.write',
  'user.grant.delete',
  'org.read',
  'org.write',
  'project.create',
  'project.read',
];
const READ: readonly Permission[] = ALL.filter((p) => p.endsWith('.read'));

/**
 * Manager role → the permissions it gives, for the endpoints the emulator serves: a subset of
 * `InternalAuthZ.RolePermissionMappings` in ZITADEL's `defaults.yaml`. Instance roles apply in
 * every organisation, organisation roles in their organisation.
 */
const ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  IAM_OWNER: ALL,
  IAM_ORG_MANAGER: ALL,
  IAM_OWNER_VIEWER: READ,
  IAM_USER_MANAGER: ['user.read', 'user.write', 'user.grant.read', 'user.grant.write', 'org.read', 'org.member.read'],
  ORG_OWNER: ALL,
  ORG_USER_MANAGER: [
    'user.read',
    'user.write',
    'user.delete',
    'user.grant.read',
    'user.grant.write',
    'user.grant.delete',
    'org.read',
    'org.member.read',
    'project.role.read',
  ],
  ORG_OWNER_VIEWER: READ,
  ORG_SETTINGS_MANAGER: ['org.read', 'org.write', 'org.member.read'],
  ORG_USER_PERMISSION_EDITOR: [
    'org.read',
    'user.read',
    'user.grant.read',
    'user.grant.write',
    'user.grant.delete',
    'org.member.read',
    'project.role.read',
  ],
  ORG_PROJECT_PERMISSION_EDITOR: [
    'org.read',
    'user.read',
    'user.grant.read',
    'user.grant.write',
    'user.grant.delete',
    'org.member.read',
    'project.role.read',
    'project.role.write',
  ],
  ORG_PROJECT_CREATOR: ['user.read'],
};

/** Who calls, and in which organisation. */
export interface Caller {
  readonly user: UserRecord;
  /** The organisation of the call: `x-zitadel-orgid`, else the caller's own. */
  readonly orgId: string;
}

/**
 * `AuthorizationInterceptor` + `VerifyTokenAndCreateCtxData`: a Bearer token issued by this
 * instance, active, with ZITADEL's own project in its audience (minted with the scope
 * `urn:zitadel:iam:org:project:id:zitadel:aud`), and an existing organisation to act in.
 *
 * @throws {GrpcFailure} 16 for a missing, malformed, inactive token or the wrong audience; 7 for an unknown organisation.
 */
export function authenticate(request: EmulatorRequest, context: EmulatorContext): Caller {
  const header = request.headers['authorization'];
  if (header === undefined || header === '') throw new GrpcFailure(GrpcCode.unauthenticated, 'auth header missing');
  const parts = header.split('Bearer ');
  if (parts.length !== 2) throw new GrpcFailure(GrpcCode.unauthenticated, 'invalid auth header', 'AUTH-7fs1e');
  const record = context.tokens.resolve(parts[1] ?? '');
  const user = record === undefined ? undefined : context.store.users.get(record.userId);
  if (record === undefined || user === undefined)
    throw new GrpcFailure(GrpcCode.unauthenticated, 'invalid token', 'APP-Reb32');
  if (!record.audience.includes(context.zitadelProjectId))
    throw new GrpcFailure(GrpcCode.unauthenticated, 'invalid audience', 'APP-Zxfako');
  const requested = headerValue(request, 'x-zitadel-orgid');
  const orgId = requested === '' ? user.orgId : requested;
  if (!context.store.orgs.has(orgId))
    throw new GrpcFailure(GrpcCode.permissionDenied, "Organisation doesn't exist", 'AUTH-Bs7Ds');
  return { user, orgId };
}

/** Whether a user holds a permission in an organisation, through an instance or organisation membership. */
export function hasPermission(
  context: EmulatorContext,
  userId: string,
  orgId: string,
  permission: Permission,
): boolean {
  const roles = [
    ...(context.store.instanceMembers.get(userId) ?? []),
    ...(context.store.orgMembers.get(orgId)?.get(userId) ?? []),
  ];
  return roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission) === true);
}

/** @throws {GrpcFailure} 7 "No matching permissions found" (`checkUserPermissions`). */
export function requirePermission(
  context: EmulatorContext,
  caller: Caller,
  permission: Permission,
  orgId: string = caller.orgId,
): void {
  if (!hasPermission(context, caller.user.id, orgId, permission)) {
    throw new GrpcFailure(GrpcCode.permissionDenied, 'No matching permissions found', 'AUTH-5mWD2');
  }
}

function headerValue(request: EmulatorRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}
