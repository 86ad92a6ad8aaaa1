import { grantChanged } from '../../actions/action-events.js';
import type { EmulatorContext } from '../../emulator-context.js';
import type { GrantRecord } from '../../emulator-store.js';
import { authenticate, hasPermission, type Caller } from '../../management/authorization.js';
import { checkString, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure, invalidField } from '../../management/grpc-status.js';
import { MetaKey, type ManagementState } from '../../management/management-state.js';
import type { ProtoMessage } from '../../management/proto-json.js';
import { loginName } from '../../management/views.js';
import type { EmulatedConnectService } from '../connect-service.js';
import { permissionDenied } from './instance-permissions.js';
import { paginate, readPagination, requiredOneof, textFilter } from './resource-pagination.js';

// An authorization is ZITADEL's user grant: the same record the v1 calls, the token endpoint and
// introspection read, so a role granted here shows up in role claims like any other grant.

/** `repeated string` with `unique` and per-item length rules, as protoc-gen-validate checks them. */
function uniqueIds(message: string, field: string, values: readonly string[]): string[] {
  values.forEach((value, index) => {
    if (values.indexOf(value) !== index) throw invalidField(message, field, `repeated value must contain unique items`);
    checkString(message, `${field}[${index}]`, value, { min: 1, max: 200 });
  });
  return [...values];
}

/**
 * `zitadel.authorization.v2beta.AuthorizationService/CreateAuthorization` (the command checks
 * `user.grant.write` in the organisation): grants roles of a project to a user. Without
 * `organizationId` the grant belongs to the project's organisation; an organisation other than
 * the project's would need a project grant, which the emulator does not model. Preconditions
 * and ids as in ZITADEL's `checkUserGrantPreCondition`.
 */
function createAuthorization({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'CreateAuthorizationRequest';
  const userId = checkString(M, 'UserId', body.string('userId'), { min: 1, max: 200 });
  const projectId = checkString(M, 'ProjectId', body.string('projectId'), { min: 1, max: 200 });
  const requestedOrg = checkString(M, 'OrganizationId', body.string('organizationId'), { max: 200 });
  const roleKeys = uniqueIds(M, 'RoleKeys', body.strings('roleKeys'));
  const store = context.store;
  if (!store.users.has(userId))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.NotFound', 'COMMAND-4f8sg');
  const project = store.projects.get(projectId);
  if (project === undefined)
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.NotFound', 'COMMAND-3n77S');
  const orgId = requestedOrg === '' ? project.orgId : requestedOrg;
  if (orgId !== project.orgId)
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.Grant.NotFound', 'COMMAND-4m9ff');
  if (!hasPermission(context, caller.user.id, orgId, 'user.grant.write')) throw permissionDenied();
  if (roleKeys.some((key) => !project.roles.has(key)))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Project.Role.NotFound', 'COMMAND-mm9F4');
  if (store.grants.some((g) => g.userId === userId && g.projectId === projectId && g.orgId === orgId))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.UserGrant.AlreadyExists', 'V3-DKcYh');
  const grant: GrantRecord = { userId, projectId, orgId, roles: new Set(roleKeys) };
  store.grants.push(grant);
  const id = state.grantId(grant);
  grantChanged(store, grant, id, 'user.grant.added', caller.user.id);
  return { id, creationDate: state.touch(MetaKey.grant(id)).createdAt.toISOString() };
}

/** Whether the caller sees a grant: `user.grant.read` in its organisation, or it is the caller's own. */
function visible(context: EmulatorContext, caller: Caller, grant: GrantRecord): boolean {
  return grant.userId === caller.user.id || hasPermission(context, caller.user.id, grant.orgId, 'user.grant.read');
}

const STATES = ['STATE_UNSPECIFIED', 'STATE_ACTIVE', 'STATE_INACTIVE'] as const;
const FIELD_NAMES = [
  'AUTHORIZATION_FIELD_NAME_UNSPECIFIED',
  'AUTHORIZATION_FIELD_NAME_CREATED_DATE',
  'AUTHORIZATION_FIELD_NAME_CHANGED_DATE',
  'AUTHORIZATION_FIELD_NAME_ID',
  'AUTHORIZATION_FIELD_NAME_USER_ID',
  'AUTHORIZATION_FIELD_NAME_PROJECT_ID',
  'AUTHORIZATION_FIELD_NAME_ORGANIZATION_ID',
  'AUTHORIZATION_FIELD_NAME_USER_ORGANIZATION_ID',
] as const;

/** An `AuthorizationsSearchFilter` as a predicate, with its `validate.rules`. */
function grantFilter(filter: ProtoMessage, context: EmulatorContext, state: ManagementState) {
  const { name, value } = requiredOneof(filter, 'AuthorizationsSearchFilter', 'Filter', [
    'authorizationIds',
    'organizationId',
    'state',
    'userId',
    'userOrganizationId',
    'userPreferredLoginName',
    'userDisplayName',
    'projectId',
    'projectName',
    'roleKey',
    'projectGrantId',
  ]);
  const store = context.store;
  const id = () => checkString('IDFilter', 'Id', value.string('id'), { max: 200 });
  const user = (grant: GrantRecord) => store.users.get(grant.userId);
  switch (name) {
    case 'authorizationIds': {
      const ids = uniqueIds('InIDsFilter', 'Ids', value.strings('ids'));
      return (grant: GrantRecord) => ids.includes(state.grantId(grant));
    }
    case 'organizationId': {
      const wanted = id();
      return (grant: GrantRecord) => grant.orgId === wanted;
    }
    case 'state': {
      const wanted = value.enum('state', STATES);
      if (wanted === 'STATE_UNSPECIFIED') throw invalidField('StateQuery', 'State', 'value must not be in list [0]');
      return () => wanted === 'STATE_ACTIVE';
    }
    case 'userId': {
      const wanted = id();
      return (grant: GrantRecord) => grant.userId === wanted;
    }
    case 'userOrganizationId': {
      const wanted = id();
      return (grant: GrantRecord) => user(grant)?.orgId === wanted;
    }
    case 'userPreferredLoginName': {
      checkString('UserPreferredLoginNameQuery', 'LoginName', value.string('loginName'), { min: 1, max: 200 });
      const matches = textFilter(value, 'loginName');
      return (grant: GrantRecord) => {
        const found = user(grant);
        return found !== undefined && matches(loginName(store, found));
      };
    }
    case 'userDisplayName': {
      checkString('UserDisplayNameQuery', 'DisplayName', value.string('displayName'), { min: 1, max: 200 });
      const matches = textFilter(value, 'displayName');
      return (grant: GrantRecord) => matches(displayName(context, grant.userId));
    }
    case 'projectId': {
      const wanted = id();
      return (grant: GrantRecord) => grant.projectId === wanted;
    }
    case 'projectName': {
      checkString('ProjectNameQuery', 'Name', value.string('name'), { max: 200 });
      const matches = textFilter(value, 'name');
      return (grant: GrantRecord) => matches(store.projects.get(grant.projectId)?.name);
    }
    case 'roleKey': {
      checkString('RoleKeyQuery', 'Key', value.string('key'), { max: 200 });
      const matches = textFilter(value, 'key');
      return (grant: GrantRecord) => [...grant.roles].some((key) => matches(key));
    }
    default: {
      // Project grants are not emulated: only "no project grant" matches.
      const wanted = id();
      return () => wanted === '';
    }
  }
}

function displayName(context: EmulatorContext, userId: string): string | undefined {
  const user = context.store.users.get(userId);
  return user === undefined ? undefined : user.kind === 'human' ? user.displayName : user.name;
}

/** `zitadel.authorization.v2beta.Authorization`. */
function authorizationView(context: EmulatorContext, state: ManagementState, grant: GrantRecord) {
  const id = state.grantId(grant);
  const meta = state.metaOf(MetaKey.grant(id));
  const project = context.store.projects.get(grant.projectId);
  const user = context.store.users.get(grant.userId);
  const view: Record<string, unknown> = {
    id,
    projectId: grant.projectId,
    projectName: project?.name,
    projectOrganizationId: project?.orgId,
    organizationId: grant.orgId,
    creationDate: meta.createdAt.toISOString(),
    changeDate: meta.changedAt.toISOString(),
    state: 'STATE_ACTIVE',
    user:
      user === undefined
        ? undefined
        : {
            id: user.id,
            preferredLoginName: loginName(context.store, user),
            displayName: displayName(context, user.id),
            organizationId: user.orgId,
          },
  };
  if (grant.roles.size > 0) view['roles'] = [...grant.roles];
  return view;
}

/**
 * `AuthorizationService/ListAuthorizations` (`authenticated`; the query keeps the grants the
 * caller may read): every filter must match; paged the v2beta way, oldest first unless sorted.
 */
function listAuthorizations({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const pagination = readPagination(body);
  const sorting = body.enum('sortingColumn', FIELD_NAMES);
  const filters = body.messages('filters').map((filter) => grantFilter(filter, context, state));
  const grants = context.store.grants.filter(
    (grant) => visible(context, caller, grant) && filters.every((matches) => matches(grant)),
  );
  if (sorting !== 'AUTHORIZATION_FIELD_NAME_UNSPECIFIED' && !pagination.asc) grants.reverse();
  const { page, pagination: response } = paginate(grants, pagination);
  const result: Record<string, unknown> = { pagination: response };
  if (page.length > 0) result['authorizations'] = page.map((grant) => authorizationView(context, state, grant));
  return result;
}

/**
 * `AuthorizationService/DeleteAuthorization` (the command checks `user.grant.delete` in the
 * grant's organisation): the roles leave the user's next tokens. An unknown id is not_found
 * (`Errors.UserGrant.NotFound`; id not confirmed in ZITADEL's source).
 */
function deleteAuthorization({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const id = checkString('DeleteAuthorizationRequest', 'Id', body.string('id'), { min: 1, max: 200 });
  const index = context.store.grants.findIndex((grant) => state.grantId(grant) === id);
  const grant = context.store.grants[index];
  if (grant === undefined) throw new GrpcFailure(GrpcCode.notFound, 'Errors.UserGrant.NotFound', 'EMU-Gr4nD');
  if (!hasPermission(context, caller.user.id, grant.orgId, 'user.grant.delete')) throw permissionDenied();
  context.store.grants.splice(index, 1);
  grantChanged(context.store, grant, id, 'user.grant.removed', caller.user.id);
  return { deletionDate: state.forget(MetaKey.grant(id)).changedAt.toISOString() };
}

/** `zitadel.authorization.v2beta.AuthorizationService`: the calls the emulator models. */
export const AUTHORIZATION_SERVICE: EmulatedConnectService = {
  typeName: 'zitadel.authorization.v2beta.AuthorizationService',
  methods: {
    CreateAuthorization: createAuthorization,
    ListAuthorizations: listAuthorizations,
    DeleteAuthorization: deleteAuthorization,
  },
};
