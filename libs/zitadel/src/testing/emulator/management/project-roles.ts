import type { EmulatorContext } from '../emulator-context.js';
import type { ProjectRecord, RoleRecord } from '../emulator-store.js';
import { authenticate, requirePermission } from './authorization.js';
import { checkString, type Call } from './call.js';
import { GrpcCode, GrpcFailure, invalidField } from './grpc-status.js';
import { listPage, readListQuery, textQuery } from './list-query.js';
import { MetaKey } from './management-state.js';
import type { ProtoMessage } from './proto-json.js';
import { objectDetails, roleV1 } from './views.js';

/**
 * A project owned by the call's organisation.
 * @throws {GrpcFailure} 9 "Errors.Project.NotFound" otherwise.
 */
export function ownProject(context: EmulatorContext, projectId: string, orgId: string): ProjectRecord {
  const project = context.store.projects.get(projectId);
  if (project === undefined || project.orgId !== orgId)
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.NotFound', 'EMU-Pr0jN');
  return project;
}

/** `POST /management/v1/projects/{projectId}/roles` (`AddProjectRole`, permission `project.role.write`). */
export function addProjectRole({ request, context, state, body, params }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'project.role.write');
  const M = 'AddProjectRoleRequest';
  const projectId = checkString(M, 'ProjectId', params['projectId'] ?? '', { min: 1, max: 200 });
  const key = checkString(M, 'RoleKey', body.string('roleKey'), { min: 1, max: 200 });
  const displayName = checkString(M, 'DisplayName', body.string('displayName'), { min: 1, max: 200 });
  const group = checkString(M, 'Group', body.string('group'), { max: 200 });
  const project = ownProject(context, projectId, caller.orgId);
  if (project.roles.has(key))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Project.Role.AlreadyExists', 'EMU-R0leX');
  project.roles.set(key, { key, displayName, group });
  return { details: objectDetails(state.touch(MetaKey.role(project.id, key)), project.orgId) };
}

/**
 * `POST /management/v1/projects/{projectId}/roles/_search` (`ListProjectRoles`, permission
 * `project.role.read`): empty for a project of another organisation, as ZITADEL filters by owner.
 */
export function listProjectRoles({ request, context, state, body, params }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'project.role.read');
  const projectId = checkString('ListProjectRolesRequest', 'ProjectId', params['projectId'] ?? '', {
    min: 1,
    max: 200,
  });
  const query = readListQuery(body);
  const filters = body.messages('queries').map(roleFilter);
  const project = context.store.projects.get(projectId);
  const roles =
    project === undefined || project.orgId !== caller.orgId
      ? []
      : [...project.roles.values()].filter((role) => filters.every((matches) => matches(role)));
  return listPage(roles, query, state, (role) => roleV1(state, project as ProjectRecord, role));
}

/** A `zitadel.project.v1.RoleQuery` as a predicate. */
function roleFilter(query: ProtoMessage): (role: RoleRecord) => boolean {
  const which = query.oneof(['keyQuery', 'displayNameQuery']);
  const criterion = which === undefined ? undefined : query.message(which);
  if (which === undefined || criterion === undefined) throw invalidField('RoleQuery', 'Query', 'value is required');
  if (which === 'keyQuery') {
    const matches = textQuery(criterion, 'key');
    return (role) => matches(role.key);
  }
  const matches = textQuery(criterion, 'displayName');
  return (role) => matches(role.displayName);
}
