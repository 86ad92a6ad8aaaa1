import { grantChanged } from '../actions/action-events.js';
import type { EmulatorStore, GrantRecord } from '../emulator-store.js';
import { authenticate, requirePermission } from './authorization.js';
import { checkString, type Call } from './call.js';
import { GrpcCode, GrpcFailure, invalidField } from './grpc-status.js';
import { listPage, readListQuery, textQuery } from './list-query.js';
import { MetaKey } from './management-state.js';
import { ownProject } from './project-roles.js';
import type { ProtoMessage } from './proto-json.js';
import { objectDetails, userGrantV1 } from './views.js';

/**
 * `POST /management/v1/users/{userId}/grants` (`AddUserGrant`, permission `user.grant.write`):
 * the call's organisation grants roles of one of its projects to a user. The user must exist,
 * the roles must be roles of the project, and the organisation must not have granted that
 * project to the user already. Project grants (projects granted by another organisation) are
 * not emulated.
 */
export function addUserGrant({ request, context, state, body, params }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'user.grant.write');
  const M = 'AddUserGrantRequest';
  const userId = checkString(M, 'UserId', params['userId'] ?? '', { min: 1, max: 200 });
  const projectId = checkString(M, 'ProjectId', body.string('projectId'), { min: 1, max: 200 });
  const projectGrantId = checkString(M, 'ProjectGrantId', body.string('projectGrantId'), { max: 200 });
  const roleKeys = [...new Set(body.strings('roleKeys'))];
  if (!context.store.users.has(userId))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.NotFound', 'EMU-Us3rP');
  if (projectGrantId !== '')
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.Grant.NotFound', 'EMU-Pr0jG');
  const project = ownProject(context, projectId, caller.orgId);
  if (roleKeys.some((key) => !project.roles.has(key)))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.Role.NotFound', 'EMU-R0leN');
  if (context.store.grants.some((g) => g.userId === userId && g.projectId === projectId && g.orgId === caller.orgId)) {
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.UserGrant.AlreadyExists', 'EMU-Gr4nX');
  }
  const grant: GrantRecord = { userId, projectId, orgId: caller.orgId, roles: new Set(roleKeys) };
  context.store.grants.push(grant);
  const id = state.grantId(grant);
  grantChanged(context.store, grant, id, 'user.grant.added', caller.user.id);
  return { userGrantId: id, details: objectDetails(state.touch(MetaKey.grant(id)), caller.orgId) };
}

/** `POST /management/v1/users/grants/_search` (`ListUserGrants`, permission `user.grant.read`): the grants the call's organisation gave. */
export function listUserGrants({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'user.grant.read');
  const query = readListQuery(body);
  const filters = body.messages('queries').map((q) => grantFilter(q, context.store));
  const grants = context.store.grants.filter(
    (grant) => grant.orgId === caller.orgId && filters.every((matches) => matches(grant)),
  );
  return listPage(grants, query, state, (grant) => userGrantV1(context.store, state, grant));
}

/** A `zitadel.user.v1.UserGrantQuery` as a predicate. */
function grantFilter(query: ProtoMessage, store: EmulatorStore): (grant: GrantRecord) => boolean {
  const names = [
    'projectIdQuery',
    'userIdQuery',
    'withGrantedQuery',
    'roleKeyQuery',
    'projectGrantIdQuery',
    'userNameQuery',
    'firstNameQuery',
    'lastNameQuery',
    'emailQuery',
    'orgNameQuery',
    'orgDomainQuery',
    'projectNameQuery',
    'displayNameQuery',
  ];
  const which = query.oneof(names);
  const criterion = which === undefined ? undefined : query.message(which);
  if (which === undefined || criterion === undefined)
    throw invalidField('UserGrantQuery', 'Query', 'value is required');
  const human = (grant: GrantRecord) => {
    const user = store.users.get(grant.userId);
    return user?.kind === 'human' ? user : undefined;
  };
  switch (which) {
    case 'projectIdQuery': {
      const wanted = criterion.string('projectId');
      return (grant) => grant.projectId === wanted;
    }
    case 'userIdQuery': {
      const wanted = criterion.string('userId');
      return (grant) => grant.userId === wanted;
    }
    case 'withGrantedQuery':
      return () => true;
    case 'projectGrantIdQuery': {
      const wanted = criterion.string('projectGrantId');
      return () => wanted === '';
    }
    case 'roleKeyQuery': {
      const matches = textQuery(criterion, 'roleKey');
      return (grant) => [...grant.roles].some((key) => matches(key));
    }
    case 'userNameQuery': {
      const matches = textQuery(criterion, 'userName');
      return (grant) => matches(store.users.get(grant.userId)?.userName);
    }
    case 'firstNameQuery': {
      const matches = textQuery(criterion, 'firstName');
      return (grant) => matches(human(grant)?.firstName);
    }
    case 'lastNameQuery': {
      const matches = textQuery(criterion, 'lastName');
      return (grant) => matches(human(grant)?.lastName);
    }
    case 'emailQuery': {
      const matches = textQuery(criterion, 'email');
      return (grant) => matches(human(grant)?.email);
    }
    case 'orgNameQuery': {
      const matches = textQuery(criterion, 'orgName');
      return (grant) => matches(store.orgs.get(grant.orgId)?.name);
    }
    case 'orgDomainQuery': {
      const matches = textQuery(criterion, 'orgDomain');
      return (grant) => matches(store.orgs.get(grant.orgId)?.primaryDomain);
    }
    case 'projectNameQuery': {
      const matches = textQuery(criterion, 'projectName');
      return (grant) => matches(store.projects.get(grant.projectId)?.name);
    }
    default: {
      const matches = textQuery(criterion, 'displayName');
      return (grant) => {
        const user = store.users.get(grant.userId);
        return matches(user === undefined ? undefined : user.kind === 'human' ? user.displayName : user.name);
      };
    }
  }
}
