import type { EmulatorContext } from '../../emulator-context.js';
import type { UserRecord } from '../../emulator-store.js';
import { hasPermission, type Caller, type Permission } from '../../management/authorization.js';
import { checkString } from '../../management/call.js';
import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';
import type { ProtoMessage } from '../../management/proto-json.js';

/** The request's `user_id` (`validate.rules`: 1 to 200 runes). */
export function userIdOf(message: string, body: ProtoMessage): string {
  return checkString(message, 'UserId', body.string('userId'), { min: 1, max: 200 });
}

/** A user of any organisation, or 404 with ZITADEL's id for the command. */
export function existingUser(context: EmulatorContext, userId: string, notFoundId: string): UserRecord {
  const user = context.store.users.get(userId);
  if (user === undefined) throw new GrpcFailure(GrpcCode.notFound, 'Errors.User.NotFound', notFoundId);
  return user;
}

/**
 * The v2 commands' `checkPermissionUpdateUser` and friends: a user may change itself; anyone
 * else needs the permission in the user's organisation. The id of ZITADEL's "permission denied"
 * was not checked (`EMU-P3rmD`).
 */
export function requireUserPermission(
  context: EmulatorContext,
  caller: Caller,
  user: UserRecord,
  permission: Permission,
): void {
  if (user.id === caller.user.id) return;
  if (!hasPermission(context, caller.user.id, user.orgId, permission))
    throw new GrpcFailure(GrpcCode.permissionDenied, 'Errors.PermissionDenied', 'EMU-P3rmD');
}

/** `google.protobuf.Timestamp` in proto3 JSON. */
export function timestamp(date: Date): string {
  return date.toISOString();
}
