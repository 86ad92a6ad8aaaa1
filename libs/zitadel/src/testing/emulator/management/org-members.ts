import type { UserRecord } from '../emulator-store.js';
import { authenticate, ORG_MEMBER_ROLES, requirePermission } from './authorization.js';
import { checkString, type Call } from './call.js';
import { GrpcCode, GrpcFailure, invalidField } from './grpc-status.js';
import { listPage, readListQuery, textQuery } from './list-query.js';
import { MetaKey } from './management-state.js';
import type { ProtoMessage } from './proto-json.js';
import { memberV1, objectDetails } from './views.js';

/** `POST /management/v1/orgs/members/roles/_search` (`ListOrgMemberRoles`, permission `org.member.read`). */
export function listOrgMemberRoles({ request, context }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'org.member.read');
  return { result: [...ORG_MEMBER_ROLES] };
}

/**
 * `POST /management/v1/orgs/me/members` (`AddOrgMember`, permission `org.member.write`), with the
 * checks of `AddOrgMemberCommand`: roles given and all organisation roles, the user exists, not a
 * member yet.
 */
export function addOrgMember({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'org.member.write');
  const userId = checkString('AddOrgMemberRequest', 'UserId', body.string('userId'), { min: 1, max: 200 });
  const roles = body.strings('roles');
  if (roles.length === 0) throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Invalid.Argument', 'V2-PfYhb');
  if (roles.some((role) => !ORG_MEMBER_ROLES.includes(role)))
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Org.MemberInvalid', 'Org-4N8es');
  if (!context.store.users.has(userId))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.NotFound', 'ORG-GoXOn');
  let members = context.store.orgMembers.get(caller.orgId);
  if (members?.has(userId) === true)
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Org.Member.AlreadyExists', 'ORG-poWwe');
  if (members === undefined) context.store.orgMembers.set(caller.orgId, (members = new Map()));
  members.set(userId, [...new Set(roles)]);
  return { details: objectDetails(state.touch(MetaKey.member(caller.orgId, userId)), caller.orgId) };
}

/** `POST /management/v1/orgs/me/members/_search` (`ListOrgMembers`, permission `org.member.read`). */
export function listOrgMembers({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'org.member.read');
  const query = readListQuery(body);
  const filters = body.messages('queries').map(memberFilter);
  const members = [...(context.store.orgMembers.get(caller.orgId) ?? new Map<string, string[]>())].filter(([userId]) =>
    filters.every((matches) => matches(userId, context.store.users.get(userId))),
  );
  return listPage(members, query, state, ([userId, roles]) =>
    memberV1(context.store, state, caller.orgId, userId, roles),
  );
}

/**
 * `DELETE /management/v1/orgs/me/members/{userId}` (`RemoveOrgMember`, permission
 * `org.member.delete`). Like ZITADEL, removing a user who is no member succeeds without a change.
 */
export function removeOrgMember({ request, context, state, params }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'org.member.delete');
  const userId = checkString('RemoveOrgMemberRequest', 'UserId', params['userId'] ?? '', { min: 1, max: 200 });
  const members = context.store.orgMembers.get(caller.orgId);
  if (members?.delete(userId) !== true)
    return { details: { changeDate: '0001-01-01T00:00:00Z', resourceOwner: caller.orgId } };
  return { details: objectDetails(state.forget(MetaKey.member(caller.orgId, userId)), caller.orgId) };
}

/** A `zitadel.member.v1.SearchQuery` as a predicate. */
function memberFilter(query: ProtoMessage): (userId: string, user: UserRecord | undefined) => boolean {
  const which = query.oneof(['firstNameQuery', 'lastNameQuery', 'emailQuery', 'userIdQuery']);
  const criterion = which === undefined ? undefined : query.message(which);
  if (which === undefined || criterion === undefined) throw invalidField('SearchQuery', 'Query', 'value is required');
  if (which === 'userIdQuery') {
    const wanted = criterion.string('userId');
    return (userId) => userId === wanted;
  }
  const field = which === 'emailQuery' ? 'email' : which === 'firstNameQuery' ? 'firstName' : 'lastName';
  const matches = textQuery(criterion, field);
  return (_userId, user) => matches(user?.kind === 'human' ? user[field] : undefined);
}
