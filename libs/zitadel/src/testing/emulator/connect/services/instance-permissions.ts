import type { EmulatorContext } from '../../emulator-context.js';
import type { Caller } from '../../management/authorization.js';
import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';

/** Permissions ZITADEL grants only through instance membership (`auth_option` of instance-wide calls). */
export type InstancePermission =
  | 'org.create'
  | 'iam.read'
  | 'action.target.read'
  | 'action.target.write'
  | 'action.target.delete'
  | 'action.execution.read'
  | 'action.execution.write';

/**
 * Instance role → its instance-wide permissions, a subset of `InternalAuthZ.RolePermissionMappings`
 * in ZITADEL's `defaults.yaml`: the owner has all, the viewer reads, the org manager creates orgs.
 */
const INSTANCE_ROLE_PERMISSIONS: Readonly<Record<string, readonly InstancePermission[]>> = {
  IAM_OWNER: [
    'org.create',
    'iam.read',
    'action.target.read',
    'action.target.write',
    'action.target.delete',
    'action.execution.read',
    'action.execution.write',
  ],
  IAM_OWNER_VIEWER: ['iam.read', 'action.target.read', 'action.execution.read'],
  IAM_ORG_MANAGER: ['org.create', 'iam.read'],
};

/**
 * The authorisation interceptor's check of an instance-wide `auth_option` permission.
 * @throws {GrpcFailure} 7 "No matching permissions found (AUTH-5mWD2)".
 */
export function requireInstancePermission(
  context: EmulatorContext,
  caller: Caller,
  permission: InstancePermission,
): void {
  const roles = context.store.instanceMembers.get(caller.user.id) ?? [];
  if (!roles.some((role) => INSTANCE_ROLE_PERMISSIONS[role]?.includes(permission) === true))
    throw new GrpcFailure(GrpcCode.permissionDenied, 'No matching permissions found', 'AUTH-5mWD2');
}

/**
 * A permission checked by a command against the object's organisation (`checkPermission` in
 * ZITADEL's commands and queries, for calls whose `auth_option` is only `authenticated`).
 * The failure: 7 "Errors.PermissionDenied (AUTHZ-HKJD33)", the error of ZITADEL's permission check.
 */
export function permissionDenied(): GrpcFailure {
  return new GrpcFailure(GrpcCode.permissionDenied, 'Errors.PermissionDenied', 'AUTHZ-HKJD33');
}
