import type { EmulatorContext } from '../../emulator-context.js';
import type { OrgRecord } from '../../emulator-store.js';
import { authenticate, hasPermission, ORG_MEMBER_ROLES } from '../../management/authorization.js';
import { checkString, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';
import { listPage, readListQuery, TEXT_QUERY_METHODS, textQuery } from '../../management/list-query.js';
import { MetaKey } from '../../management/management-state.js';
import type { ProtoMessage } from '../../management/proto-json.js';
import { detailsV2 } from '../../management/views.js';
import type { EmulatedConnectService } from '../connect-service.js';
import { requireInstancePermission } from './instance-permissions.js';
import { requiredOneof } from './resource-pagination.js';

/** Bookkeeping key of an organisation. */
const orgKey = (orgId: string): string => `org:${orgId}`;

/** `domain.NewIAMDomainName`: the organisation's generated primary domain, from its name. */
function generatedDomain(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9-]/g, '');
  return `${label === '' ? 'org' : label}.localhost`;
}

/**
 * `zitadel.org.v2.OrganizationService/AddOrganization` (`auth_option` `org.create`, an instance
 * permission): a new organisation, its id given or generated, with admins among existing users
 * (`admins[].userId`, roles defaulting to `ORG_OWNER`). Name, id and domain are unique (the
 * eventstore's unique constraints: already_exists `V3-DKcYh`). Admins created as new human users
 * (`admins[].human`) are not emulated.
 */
function addOrganization({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requireInstancePermission(context, caller, 'org.create');
  const M = 'AddOrganizationRequest';
  const name = checkString(M, 'Name', body.string('name'), { min: 1, max: 200 });
  const orgId = body.has('orgId') ? checkString(M, 'OrgId', body.string('orgId'), { min: 1, max: 200 }) : '';
  const admins = body.messages('admins').map((admin) => {
    if (admin.has('human'))
      throw new GrpcFailure(
        GrpcCode.unimplemented,
        'the emulator creates no human admins with an organisation',
        'EMU-0rgHu',
      );
    const userId = admin.string('userId');
    const roles = admin.strings('roles');
    return { userId, roles: roles.length === 0 ? ['ORG_OWNER'] : roles };
  });
  const store = context.store;
  const primaryDomain = generatedDomain(name);
  const orgs = [...store.orgs.values()];
  // ZITADEL's message for the org's unique constraint reads "Organisation's name or id already taken".
  if (store.orgs.has(orgId) || orgs.some((org) => org.name === name))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Org.AlreadyExists', 'V3-DKcYh');
  if (orgs.some((org) => org.primaryDomain === primaryDomain))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Org.Domain.AlreadyExists', 'V3-DKcYh');
  for (const admin of admins) {
    // The user must exist (`OrgSetupAdmin.ID`); the id of ZITADEL's error here was not confirmed.
    if (!store.users.has(admin.userId))
      throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.NotFound', 'EMU-0rgAd');
    if (admin.roles.some((role) => !ORG_MEMBER_ROLES.includes(role)))
      throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Org.MemberInvalid', 'EMU-0rgRo');
  }
  const org: OrgRecord = { id: orgId === '' ? state.newId() : orgId, name, primaryDomain };
  store.orgs.set(org.id, org);
  const meta = state.touch(orgKey(org.id));
  const members = new Map<string, string[]>();
  for (const admin of admins) {
    members.set(admin.userId, [...new Set([...(members.get(admin.userId) ?? []), ...admin.roles])]);
    state.touch(MetaKey.member(org.id, admin.userId));
  }
  store.orgMembers.set(org.id, members);
  const response: Record<string, unknown> = { details: detailsV2(meta, org.id), organizationId: org.id };
  if (admins.length > 0) response['createdAdmins'] = admins.map((admin) => ({ userId: admin.userId }));
  return response;
}

const ORG_STATES = [
  'ORGANIZATION_STATE_UNSPECIFIED',
  'ORGANIZATION_STATE_ACTIVE',
  'ORGANIZATION_STATE_INACTIVE',
  'ORGANIZATION_STATE_REMOVED',
] as const;
const FIELD_NAMES = ['ORGANIZATION_FIELD_NAME_UNSPECIFIED', 'ORGANIZATION_FIELD_NAME_NAME'] as const;

/** A `zitadel.org.v2.SearchQuery` as a predicate (`orgQueryToQuery`), with its `validate.rules`. */
function orgFilter(query: ProtoMessage, defaultOrgId: string): (org: OrgRecord) => boolean {
  const { name, value } = requiredOneof(query, 'SearchQuery', 'Query', [
    'nameQuery',
    'domainQuery',
    'stateQuery',
    'idQuery',
    'defaultQuery',
  ]);
  const checkText = (message: string, field: string, proto: string) => {
    checkString(message, proto, value.string(field), { min: 1, max: 200 });
    value.enum('method', TEXT_QUERY_METHODS);
    return textQuery(value, field);
  };
  switch (name) {
    case 'nameQuery': {
      const matches = checkText('OrganizationNameQuery', 'name', 'Name');
      return (org) => matches(org.name);
    }
    case 'domainQuery': {
      const matches = checkText('OrganizationDomainQuery', 'domain', 'Domain');
      return (org) => matches(org.primaryDomain);
    }
    case 'stateQuery': {
      // Every emulated organisation is active.
      const wanted = value.enum('state', ORG_STATES);
      return () => wanted === 'ORGANIZATION_STATE_ACTIVE';
    }
    case 'idQuery': {
      const id = checkString('OrganizationIDQuery', 'Id', value.string('id'), { min: 1, max: 200 });
      return (org) => org.id === id;
    }
    default:
      return (org) => org.id === defaultOrgId;
  }
}

/** `zitadel.org.v2.Organization`. */
function organizationV2(call: Call, org: OrgRecord): Record<string, unknown> {
  return {
    id: org.id,
    details: detailsV2(call.state.metaOf(orgKey(org.id)), org.id),
    state: 'ORGANIZATION_STATE_ACTIVE',
    name: org.name,
    primaryDomain: org.primaryDomain,
  };
}

/** Whether the caller may see an organisation: `org.read` there, through an instance or org membership. */
function canRead(context: EmulatorContext, userId: string, orgId: string): boolean {
  return hasPermission(context, userId, orgId, 'org.read');
}

/**
 * `zitadel.org.v2.OrganizationService/ListOrganizations` (`auth_option` `authenticated`): the
 * organisations the caller may read (`org.read`), filtered by the queries (all must match),
 * paged by `query` (offset, limit: 0 for 1000), ordered by name when `sortingColumn` asks,
 * answered with `zitadel.object.v2.ListDetails`.
 */
function listOrganizations(call: Call): Record<string, unknown> {
  const { request, context, state, body } = call;
  const caller = authenticate(request, context);
  const query = readListQuery(body);
  const sorting = body.enum('sortingColumn', FIELD_NAMES);
  const defaultOrgId = [...context.store.orgs.keys()][0] ?? '';
  const filters = body.messages('queries').map((q) => orgFilter(q, defaultOrgId));
  let orgs = [...context.store.orgs.values()].filter(
    (org) => canRead(context, caller.user.id, org.id) && filters.every((matches) => matches(org)),
  );
  if (sorting === 'ORGANIZATION_FIELD_NAME_NAME') {
    orgs = orgs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!query.asc) orgs.reverse();
  }
  const page = listPage(orgs, query, state, (org) => organizationV2(call, org));
  const details = page['details'] as Record<string, unknown>;
  // v2's ListDetails calls the view timestamp `timestamp`.
  const { viewTimestamp, ...rest } = details;
  const response: Record<string, unknown> = { details: { ...rest, timestamp: viewTimestamp } };
  if (sorting !== 'ORGANIZATION_FIELD_NAME_UNSPECIFIED') response['sortingColumn'] = sorting;
  if (page['result'] !== undefined) response['result'] = page['result'];
  return response;
}

/** `zitadel.org.v2.OrganizationService`. */
export const ORGANIZATION_SERVICE_V2: EmulatedConnectService = {
  typeName: 'zitadel.org.v2.OrganizationService',
  methods: { AddOrganization: addOrganization, ListOrganizations: listOrganizations },
};
