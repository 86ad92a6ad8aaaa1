import type { ProjectRecord, RoleRecord } from '../../emulator-store.js';
import { authenticate, hasPermission, requirePermission } from '../../management/authorization.js';
import { checkString, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';
import { MetaKey } from '../../management/management-state.js';
import type { EmulatedConnectService } from '../connect-service.js';
import { permissionDenied } from './instance-permissions.js';
import { paginate, readPagination, requiredOneof, textFilter } from './resource-pagination.js';

/** Bookkeeping key of a project. */
const projectKey = (projectId: string): string => `project:${projectId}`;

const PRIVATE_LABELING = [
  'PRIVATE_LABELING_SETTING_UNSPECIFIED',
  'PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY',
  'PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY',
] as const;
const ROLE_FIELD_NAMES = [
  'PROJECT_ROLE_FIELD_NAME_UNSPECIFIED',
  'PROJECT_ROLE_FIELD_NAME_KEY',
  'PROJECT_ROLE_FIELD_NAME_CREATION_DATE',
  'PROJECT_ROLE_FIELD_NAME_CHANGE_DATE',
] as const;

/**
 * `zitadel.project.v2beta.ProjectService/CreateProject` (`auth_option` `authenticated`; the
 * command checks `project.create` in the organisation): the project is the one the v1 calls and
 * the token endpoint see; `projectRoleAssertion` is its "assert roles on authentication". The
 * organisation must exist (`Errors.Org.NotFound`, id not confirmed), a name is unique within its
 * organisation (already_exists `V3-DKcYh`, the eventstore's unique constraint).
 */
function createProject({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'CreateProjectRequest';
  const orgId = checkString(M, 'OrganizationId', body.string('organizationId'), { min: 1, max: 200 });
  const id = body.has('id') ? checkString(M, 'Id', body.string('id'), { min: 1, max: 200 }) : '';
  const name = checkString(M, 'Name', body.string('name'), { min: 1, max: 200 });
  body.enum('privateLabelingSetting', PRIVATE_LABELING);
  if (!context.store.orgs.has(orgId))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Org.NotFound', 'EMU-Pr0jO');
  if (!hasPermission(context, caller.user.id, orgId, 'project.create')) throw permissionDenied();
  const projects = [...context.store.projects.values()];
  if (context.store.projects.has(id) || projects.some((p) => p.orgId === orgId && p.name === name))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Project.AlreadyExists', 'V3-DKcYh');
  const project: ProjectRecord = {
    id: id === '' ? state.newId() : id,
    name,
    orgId,
    assertRolesOnAuthentication: body.bool('projectRoleAssertion'),
    roles: new Map(),
  };
  context.store.projects.set(project.id, project);
  return { id: project.id, creationDate: state.touch(projectKey(project.id)).createdAt.toISOString() };
}

/**
 * `ProjectService/AddProjectRole` (the command checks `project.role.write` in the project's
 * organisation). @throws {GrpcFailure} 9 `Errors.Project.NotFound` (id not confirmed), 6 for a
 * key the project has (`V3-DKcYh`).
 */
function addProjectRole({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'AddProjectRoleRequest';
  const projectId = checkString(M, 'ProjectId', body.string('projectId'), { min: 1, max: 200 });
  const key = checkString(M, 'RoleKey', body.string('roleKey'), { min: 1, max: 200 });
  const displayName = checkString(M, 'DisplayName', body.string('displayName'), { min: 1, max: 200 });
  const group = checkString(M, 'Group', body.string('group'), { max: 200 });
  const project = context.store.projects.get(projectId);
  if (project === undefined) throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.NotFound', 'EMU-Pr0jR');
  if (!hasPermission(context, caller.user.id, project.orgId, 'project.role.write')) throw permissionDenied();
  if (project.roles.has(key))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Project.Role.AlreadyExists', 'V3-DKcYh');
  project.roles.set(key, { key, displayName, group });
  return { creationDate: state.touch(MetaKey.role(project.id, key)).createdAt.toISOString() };
}

/**
 * `ProjectService/ListProjectRoles` (`auth_option` `project.role.read` in the call's
 * organisation): the roles of a project the caller may read, filtered, paged the v2beta way
 * (`pagination { offset, limit, asc }` → `pagination { totalResult, appliedLimit }`). A project
 * the caller cannot see lists empty, as ZITADEL's permission-filtered query does.
 */
function listProjectRoles({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'project.role.read');
  const projectId = checkString('ListProjectRolesRequest', 'ProjectId', body.string('projectId'), {
    min: 1,
    max: 200,
  });
  const pagination = readPagination(body);
  const sorting = body.enum('sortingColumn', ROLE_FIELD_NAMES);
  const filters = body.messages('filters').map((filter) => {
    const { name, value } = requiredOneof(filter, 'ProjectRoleSearchFilter', 'Filter', [
      'roleKeyFilter',
      'displayNameFilter',
    ]);
    const field = name === 'roleKeyFilter' ? 'key' : 'displayName';
    checkString(
      name === 'roleKeyFilter' ? 'ProjectRoleKeyFilter' : 'ProjectRoleDisplayNameFilter',
      name === 'roleKeyFilter' ? 'Key' : 'DisplayName',
      value.string(field),
      { max: 200 },
    );
    const matches = textFilter(value, field);
    return (role: RoleRecord) => matches(field === 'key' ? role.key : role.displayName);
  });
  const project = context.store.projects.get(projectId);
  const visible = project !== undefined && hasPermission(context, caller.user.id, project.orgId, 'project.role.read');
  let roles = visible ? [...project.roles.values()].filter((role) => filters.every((matches) => matches(role))) : [];
  if (sorting === 'PROJECT_ROLE_FIELD_NAME_KEY') roles = roles.sort((a, b) => (a.key < b.key ? -1 : 1));
  if (sorting !== 'PROJECT_ROLE_FIELD_NAME_UNSPECIFIED' && !pagination.asc) roles.reverse();
  const { page, pagination: response } = paginate(roles, pagination);
  const result: Record<string, unknown> = { pagination: response };
  if (page.length > 0 && project !== undefined)
    result['projectRoles'] = page.map((role) => {
      const meta = state.metaOf(MetaKey.role(project.id, role.key));
      const view: Record<string, unknown> = {
        projectId: project.id,
        key: role.key,
        creationDate: meta.createdAt.toISOString(),
        changeDate: meta.changedAt.toISOString(),
        displayName: role.displayName,
      };
      if (role.group !== '') view['group'] = role.group;
      return view;
    });
  return result;
}

/** `zitadel.project.v2beta.ProjectService`: the calls the emulator models. */
export const PROJECT_SERVICE: EmulatedConnectService = {
  typeName: 'zitadel.project.v2beta.ProjectService',
  methods: { CreateProject: createProject, AddProjectRole: addProjectRole, ListProjectRoles: listProjectRoles },
};
