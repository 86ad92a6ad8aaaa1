import type { EmulatorStore, UserRecord } from '../../emulator-store.js';
import { authenticate, hasPermission } from '../../management/authorization.js';
import type { Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure, invalidField } from '../../management/grpc-status.js';
import { readListQuery, textQuery } from '../../management/list-query.js';
import type { ManagementState } from '../../management/management-state.js';
import type { ProtoMessage } from '../../management/proto-json.js';
import { loginName, userStateOf, userV2 } from '../../management/views.js';

const USER_STATES = [
  'USER_STATE_UNSPECIFIED',
  'USER_STATE_ACTIVE',
  'USER_STATE_INACTIVE',
  'USER_STATE_DELETED',
  'USER_STATE_LOCKED',
  'USER_STATE_INITIAL',
] as const;
const TYPES = ['TYPE_UNSPECIFIED', 'TYPE_HUMAN', 'TYPE_MACHINE'] as const;
const FIELD_NAMES = [
  'USER_FIELD_NAME_UNSPECIFIED',
  'USER_FIELD_NAME_USER_NAME',
  'USER_FIELD_NAME_FIRST_NAME',
  'USER_FIELD_NAME_LAST_NAME',
  'USER_FIELD_NAME_NICK_NAME',
  'USER_FIELD_NAME_DISPLAY_NAME',
  'USER_FIELD_NAME_EMAIL',
  'USER_FIELD_NAME_STATE',
  'USER_FIELD_NAME_TYPE',
  'USER_FIELD_NAME_CREATION_DATE',
] as const;
/** How deep `or`/`and`/`not` queries may nest (the emulator's own guard). */
const MAX_DEPTH = 20;

type Predicate = (user: UserRecord) => boolean;

/**
 * `ListUsers` (v2): every user of the instance the caller may read (`user.read` in the user's
 * organisation, or the caller itself), filtered by the queries (all must match), sorted by
 * `sortingColumn` (creation order when unspecified), paged by `query.offset`/`limit` (1000 at
 * most), with `details.totalResult` the number of matches before paging.
 */
export function listUsers({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const query = readListQuery(body);
  const sorting = body.enum('sortingColumn', FIELD_NAMES);
  const filters = body.messages('queries').map((q) => userFilter(q, context.store, state, 0));
  const users = [...context.store.users.values()].filter(
    (user) =>
      (user.id === caller.user.id || hasPermission(context, caller.user.id, user.orgId, 'user.read')) &&
      filters.every((matches) => matches(user)),
  );
  if (sorting !== 'USER_FIELD_NAME_UNSPECIFIED') {
    const key = sortKey(sorting, state);
    users.sort((a, b) => key(a).localeCompare(key(b)) * (query.asc ? 1 : -1));
  }
  const start = query.offset > BigInt(users.length) ? users.length : Number(query.offset);
  const page = users.slice(start, start + query.limit).map((user) => userV2(context.store, state, user));
  const details: Record<string, unknown> = {};
  if (users.length > 0) details['totalResult'] = String(users.length);
  if (state.processedSequence > 0) details['processedSequence'] = String(state.processedSequence);
  details['timestamp'] = state.now().toISOString();
  return {
    details,
    ...(sorting === 'USER_FIELD_NAME_UNSPECIFIED' ? {} : { sortingColumn: sorting }),
    ...(page.length > 0 ? { result: page } : {}),
  };
}

function field(user: UserRecord, name: 'firstName' | 'lastName' | 'nickName' | 'email'): string | undefined {
  return user.kind === 'human' ? user[name] : undefined;
}

/** A `zitadel.user.v2.SearchQuery` as a predicate. @throws {GrpcFailure} 3 when no criterion is set. */
function userFilter(query: ProtoMessage, store: EmulatorStore, state: ManagementState, depth: number): Predicate {
  if (depth > MAX_DEPTH) throw new GrpcFailure(GrpcCode.invalidArgument, 'invalid SearchQuery: nested too deep');
  const which = query.oneof([
    'userNameQuery',
    'firstNameQuery',
    'lastNameQuery',
    'nickNameQuery',
    'displayNameQuery',
    'emailQuery',
    'stateQuery',
    'typeQuery',
    'loginNameQuery',
    'inUserIdsQuery',
    'orQuery',
    'andQuery',
    'notQuery',
    'inUserEmailsQuery',
    'organizationIdQuery',
  ]);
  const criterion = which === undefined ? undefined : query.message(which);
  if (which === undefined || criterion === undefined) throw invalidField('SearchQuery', 'Query', 'value is required');
  const nested = (q: ProtoMessage): Predicate => userFilter(q, store, state, depth + 1);
  switch (which) {
    case 'userNameQuery': {
      const matches = textQuery(criterion, 'userName');
      return (user) => matches(user.userName);
    }
    case 'firstNameQuery':
    case 'lastNameQuery':
    case 'nickNameQuery': {
      const name = which.slice(0, -'Query'.length) as 'firstName' | 'lastName' | 'nickName';
      const matches = textQuery(criterion, name);
      return (user) => matches(field(user, name));
    }
    case 'displayNameQuery': {
      const matches = textQuery(criterion, 'displayName');
      return (user) => matches(user.kind === 'human' ? user.displayName : user.name);
    }
    case 'emailQuery': {
      const matches = textQuery(criterion, 'emailAddress');
      return (user) => matches(field(user, 'email'));
    }
    case 'loginNameQuery': {
      const matches = textQuery(criterion, 'loginName');
      return (user) => matches(loginName(store, user));
    }
    case 'stateQuery': {
      const wanted = criterion.enum('state', USER_STATES);
      return (user) => userStateOf(state, user) === wanted;
    }
    case 'typeQuery': {
      const wanted = criterion.enum('type', TYPES);
      return (user) => (user.kind === 'human' ? 'TYPE_HUMAN' : 'TYPE_MACHINE') === wanted;
    }
    case 'inUserIdsQuery': {
      const ids = new Set(criterion.strings('userIds'));
      return (user) => ids.has(user.id);
    }
    case 'inUserEmailsQuery': {
      const emails = new Set(criterion.strings('userEmails'));
      return (user) => emails.has(field(user, 'email') ?? '');
    }
    case 'organizationIdQuery': {
      const orgId = criterion.string('organizationId');
      return (user) => user.orgId === orgId;
    }
    case 'orQuery': {
      const any = criterion.messages('queries').map(nested);
      return (user) => any.some((matches) => matches(user));
    }
    case 'andQuery': {
      const all = criterion.messages('queries').map(nested);
      return (user) => all.every((matches) => matches(user));
    }
    default: {
      const inner = criterion.message('query');
      if (inner === undefined) throw invalidField('NotQuery', 'Query', 'value is required');
      const matches = nested(inner);
      return (user) => !matches(user);
    }
  }
}

function sortKey(column: (typeof FIELD_NAMES)[number], state: ManagementState): (user: UserRecord) => string {
  switch (column) {
    case 'USER_FIELD_NAME_FIRST_NAME':
      return (user) => field(user, 'firstName') ?? '';
    case 'USER_FIELD_NAME_LAST_NAME':
      return (user) => field(user, 'lastName') ?? '';
    case 'USER_FIELD_NAME_NICK_NAME':
      return (user) => field(user, 'nickName') ?? '';
    case 'USER_FIELD_NAME_DISPLAY_NAME':
      return (user) => (user.kind === 'human' ? user.displayName : user.name);
    case 'USER_FIELD_NAME_EMAIL':
      return (user) => field(user, 'email') ?? '';
    case 'USER_FIELD_NAME_STATE':
      return (user) => userStateOf(state, user);
    case 'USER_FIELD_NAME_TYPE':
      return (user) => user.kind;
    case 'USER_FIELD_NAME_CREATION_DATE':
      return (user) => String(user.changedAt).padStart(12, '0');
    default:
      return (user) => user.userName;
  }
}
