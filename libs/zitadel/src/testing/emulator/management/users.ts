import { userAdded } from '../actions/action-events.js';
import type { EmulatorStore, HumanUserRecord, UserRecord } from '../emulator-store.js';
import { newSecret } from '../ids.js';
import { authenticate, requirePermission } from './authorization.js';
import { checkEmailSyntax, checkString, embedded, required, type Call } from './call.js';
import { GrpcCode, GrpcFailure, invalidField } from './grpc-status.js';
import { readListQuery, listPage, textQuery } from './list-query.js';
import { MetaKey, type HumanExtras, type ManagementState } from './management-state.js';
import type { ProtoMessage } from './proto-json.js';
import { objectDetails, userStateOf, userV1 } from './views.js';

export const GENDERS = ['GENDER_UNSPECIFIED', 'GENDER_FEMALE', 'GENDER_MALE', 'GENDER_DIVERSE'] as const;
const USER_STATES = [
  'USER_STATE_UNSPECIFIED',
  'USER_STATE_ACTIVE',
  'USER_STATE_INACTIVE',
  'USER_STATE_DELETED',
  'USER_STATE_LOCKED',
  'USER_STATE_SUSPEND',
  'USER_STATE_INITIAL',
] as const;
const USER_TYPES = ['TYPE_UNSPECIFIED', 'TYPE_HUMAN', 'TYPE_MACHINE'] as const;
const USER_FIELD_NAMES = [
  'USER_FIELD_NAME_UNSPECIFIED',
  'USER_FIELD_NAME_USER_NAME',
  'USER_FIELD_NAME_FIRST_NAME',
  'USER_FIELD_NAME_LAST_NAME',
  'USER_FIELD_NAME_NICK_NAME',
  'USER_FIELD_NAME_DISPLAY_NAME',
  'USER_FIELD_NAME_EMAIL',
  'USER_FIELD_NAME_STATE',
  'USER_FIELD_NAME_TYPE',
] as const;

/** The fields of a new human user, from either API version. */
export interface NewHuman {
  readonly id: string;
  readonly orgId: string;
  readonly userName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly nickName: string;
  readonly displayName: string;
  readonly preferredLanguage: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly extras: HumanExtras;
}

/**
 * Adds a human user to the store (and its bookkeeping); user names are unique in the instance,
 * as the emulator's helpers keep them. Pushes `user.human.added` (Actions v2 events).
 *
 * @throws {GrpcFailure} 6 when the id or the user name is taken.
 */
export function addHuman(
  store: EmulatorStore,
  state: ManagementState,
  human: NewHuman,
  creator?: string,
): HumanUserRecord {
  if (store.users.has(human.id))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.User.AlreadyExists', 'EMU-Us3rI');
  if ([...store.users.values()].some((user) => user.userName === human.userName)) {
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.User.AlreadyExists', 'EMU-Us3rX');
  }
  const user: HumanUserRecord = {
    kind: 'human',
    id: human.id,
    userName: human.userName,
    orgId: human.orgId,
    changedAt: Math.floor(state.clock.now() / 1000),
    firstName: human.firstName,
    lastName: human.lastName,
    displayName: human.displayName === '' ? `${human.firstName} ${human.lastName}` : human.displayName,
    nickName: human.nickName === '' ? undefined : human.nickName,
    email: human.email,
    emailVerified: human.emailVerified,
    preferredLanguage: human.preferredLanguage === '' ? undefined : human.preferredLanguage,
  };
  store.users.set(user.id, user);
  state.humans.set(user.id, human.extras);
  state.touch(MetaKey.user(user.id));
  userAdded(store, user, creator, human.extras.gender, human.extras.phone);
  return user;
}

/** `POST /management/v1/users/human/_import` (`ImportHumanUser`, permission `user.write`). */
export function importHumanUser({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'user.write');
  const M = 'ImportHumanUserRequest';
  const userName = checkString(M, 'UserName', body.string('userName'), { min: 1, max: 200 });
  const profile = embedded(M, 'Profile', () => readProfileV1(required(M, 'Profile', body.message('profile'))));
  const email = required(M, 'Email', body.message('email'));
  const address = embedded(M, 'Email', () =>
    checkString(`${M}_Email`, 'Email', email.string('email'), { min: 1, max: 200 }),
  );
  const phone = body.message('phone');
  const phoneNumber =
    phone === undefined
      ? ''
      : embedded(M, 'Phone', () =>
          checkString(`${M}_Phone`, 'Phone', phone.string('phone'), { min: 1, max: 50, prefix: '+' }),
        );
  const hasPassword = body.string('password') !== '' || (body.message('hashedPassword')?.string('value') ?? '') !== '';
  checkEmailSyntax(address);

  const user = addHuman(
    context.store,
    state,
    {
      id: state.newId(),
      orgId: caller.orgId,
      userName,
      ...profile,
      email: address,
      emailVerified: email.bool('isEmailVerified'),
      extras: {
        phone: phoneNumber === '' ? undefined : phoneNumber,
        phoneVerified: phone?.bool('isPhoneVerified') ?? false,
        gender: profile.gender,
        passwordChangeRequired: body.bool('passwordChangeRequired'),
        hasPassword,
        passwordChangedAt: hasPassword ? state.clock.now() : undefined,
      },
    },
    caller.user.id,
  );
  const response: Record<string, unknown> = {
    userId: user.id,
    details: objectDetails(state.metaOf(MetaKey.user(user.id)), user.orgId),
  };
  if (body.bool('requestPasswordlessRegistration')) {
    response['passwordlessRegistration'] = {
      link: `${context.issuer}/ui/login/login/passwordless/init?userID=${user.id}&orgID=${user.orgId}&codeID=${state.newId()}&code=${newSecret().slice(0, 12)}`,
      lifetime: '3600s',
      expiration: '3600s',
    };
  }
  return response;
}

type ProfileFields = Pick<NewHuman, 'firstName' | 'lastName' | 'nickName' | 'displayName' | 'preferredLanguage'>;

function readProfileV1(profile: ProtoMessage): ProfileFields & { gender: string | undefined } {
  const M = 'ImportHumanUserRequest_Profile';
  const gender = profile.enum('gender', GENDERS);
  return {
    firstName: checkString(M, 'FirstName', profile.string('firstName'), { min: 1, max: 200 }),
    lastName: checkString(M, 'LastName', profile.string('lastName'), { min: 1, max: 200 }),
    nickName: checkString(M, 'NickName', profile.string('nickName'), { max: 200 }),
    displayName: checkString(M, 'DisplayName', profile.string('displayName'), { max: 200 }),
    preferredLanguage: checkString(M, 'PreferredLanguage', profile.string('preferredLanguage'), { max: 10 }),
    gender: gender === 'GENDER_UNSPECIFIED' ? undefined : gender,
  };
}

/** `POST /management/v1/users/_search` (`ListUsers`, permission `user.read`): users of the call's organisation. */
export function listUsers({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'user.read');
  const query = readListQuery(body);
  const sorting = body.enum('sortingColumn', USER_FIELD_NAMES);
  const filters = body.messages('queries').map((q) => userFilter(q, state));
  const users = [...context.store.users.values()].filter(
    (user) => user.orgId === caller.orgId && filters.every((matches) => matches(user)),
  );
  if (sorting !== 'USER_FIELD_NAME_UNSPECIFIED') {
    const key = sortKey(sorting, state);
    users.sort((a, b) => key(a).localeCompare(key(b)) * (query.asc ? 1 : -1));
  }
  const page = listPage(users, query, state, (user) => userV1(context.store, state, user));
  return sorting === 'USER_FIELD_NAME_UNSPECIFIED' ? page : { ...page, sortingColumn: sorting };
}

/** `GET /management/v1/users/{id}` (`GetUserByID`, permission `user.read`): a user of the call's organisation. */
export function getUserById({ request, context, state, params }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'user.read');
  const id = checkString('GetUserByIDRequest', 'Id', params['id'] ?? '', { min: 1, max: 200 });
  const user = context.store.users.get(id);
  if (user === undefined || user.orgId !== caller.orgId)
    throw new GrpcFailure(GrpcCode.notFound, 'Errors.User.NotFound', 'EMU-Us3rN');
  return { user: userV1(context.store, state, user) };
}

function humanField(user: UserRecord, field: 'firstName' | 'lastName' | 'nickName' | 'email'): string | undefined {
  return user.kind === 'human' ? user[field] : undefined;
}

function displayName(user: UserRecord): string {
  return user.kind === 'human' ? user.displayName : user.name;
}

/** A `zitadel.user.v1.SearchQuery` as a predicate. @throws {GrpcFailure} 3 when no criterion is set. */
function userFilter(query: ProtoMessage, state: ManagementState): (user: UserRecord) => boolean {
  const which = query.oneof([
    'userNameQuery',
    'firstNameQuery',
    'lastNameQuery',
    'nickNameQuery',
    'displayNameQuery',
    'emailQuery',
    'stateQuery',
    'typeQuery',
  ]);
  const criterion = which === undefined ? undefined : query.message(which);
  if (which === undefined || criterion === undefined) throw invalidField('SearchQuery', 'Query', 'value is required');
  switch (which) {
    case 'userNameQuery': {
      const matches = textQuery(criterion, 'userName');
      return (user) => matches(user.userName);
    }
    case 'firstNameQuery':
    case 'lastNameQuery':
    case 'nickNameQuery': {
      const field = which.slice(0, -'Query'.length) as 'firstName' | 'lastName' | 'nickName';
      const matches = textQuery(criterion, field);
      return (user) => matches(humanField(user, field));
    }
    case 'displayNameQuery': {
      const matches = textQuery(criterion, 'displayName');
      return (user) => matches(displayName(user));
    }
    case 'emailQuery': {
      const matches = textQuery(criterion, 'emailAddress');
      return (user) => matches(humanField(user, 'email'));
    }
    case 'stateQuery': {
      const wanted = criterion.enum('state', USER_STATES);
      return (user) => userStateOf(state, user) === wanted;
    }
    default: {
      const wanted = criterion.enum('type', USER_TYPES);
      return (user) => (user.kind === 'human' ? 'TYPE_HUMAN' : 'TYPE_MACHINE') === wanted;
    }
  }
}

function sortKey(column: (typeof USER_FIELD_NAMES)[number], state: ManagementState): (user: UserRecord) => string {
  switch (column) {
    case 'USER_FIELD_NAME_FIRST_NAME':
      return (user) => humanField(user, 'firstName') ?? '';
    case 'USER_FIELD_NAME_LAST_NAME':
      return (user) => humanField(user, 'lastName') ?? '';
    case 'USER_FIELD_NAME_NICK_NAME':
      return (user) => humanField(user, 'nickName') ?? '';
    case 'USER_FIELD_NAME_DISPLAY_NAME':
      return displayName;
    case 'USER_FIELD_NAME_EMAIL':
      return (user) => humanField(user, 'email') ?? '';
    case 'USER_FIELD_NAME_STATE':
      return (user) => userStateOf(state, user);
    case 'USER_FIELD_NAME_TYPE':
      return (user) => user.kind;
    default:
      return (user) => user.userName;
  }
}
