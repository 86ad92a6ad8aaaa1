import { userAdded, userChanged } from '../../actions/action-events.js';
import type { HumanUserRecord, MachineUserRecord } from '../../emulator-store.js';
import { authenticate } from '../../management/authorization.js';
import { checkEmailSyntax, checkString, embedded, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';
import { MetaKey } from '../../management/management-state.js';
import * as v2 from '../../management/user-service-v2.js';
import { GENDERS } from '../../management/users.js';
import { detailsV2, userStateOf } from '../../management/views.js';
import { existingUser, requireUserPermission, timestamp, userIdOf } from './user-lookup.js';

/** `AddHumanUser`: the same call as `POST /v2/users/human`. */
export const addHumanUser = v2.addHumanUser;

/** `GetUserByID`: the same call as `GET /v2/users/{userId}`, the id from the message. */
export function getUserById(call: Call): Record<string, unknown> {
  return v2.getUserById({ ...call, params: { userId: call.body.string('userId') } });
}

/**
 * `CreateUser` (the v2 call for humans and machines): the organisation is required; a human is
 * created as `AddHumanUser` creates one (its checks, so validation messages name
 * `AddHumanUserRequest`), a machine with a name (1-200 runes).
 */
export function createUser(call: Call): Record<string, unknown> {
  const { request, context, state, body } = call;
  const M = 'CreateUserRequest';
  const organizationId = checkString(M, 'OrganizationId', body.string('organizationId'), { min: 1, max: 200 });
  const kind = body.oneof(['human', 'machine']);
  if (kind === 'human') {
    const human = body.message('human');
    const created = v2.addHumanUser({
      ...call,
      body: (human ?? body).with({
        userId: body.has('userId') ? body.string('userId') : null,
        username: body.has('username') ? body.string('username') : null,
        organization: { orgId: organizationId },
      }),
    });
    const { userId, details, ...codes } = created;
    return { id: userId, creationDate: (details as Record<string, unknown>)['creationDate'], ...codes };
  }
  const caller = authenticate(request, context);
  if (kind === undefined) throw new GrpcFailure(GrpcCode.invalidArgument, `invalid ${M}.UserType: value is required`);
  const machine = body.message('machine');
  const name = embedded(M, 'Machine', () =>
    checkString(`${M}_Machine`, 'Name', machine?.string('name') ?? '', { min: 1, max: 200 }),
  );
  const org = context.store.orgs.get(organizationId);
  if (org === undefined) throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Org.NotFound', 'EMU-0rgN0');
  v2.requireObjectPermission(context, caller, 'user.write', org.id);
  const userId = body.has('userId') ? checkString(M, 'UserId', body.string('userId'), { min: 1, max: 200 }) : '';
  const userName = body.has('username')
    ? checkString(M, 'Username', body.string('username'), { min: 1, max: 200 })
    : name;
  if (context.store.users.has(userId) || [...context.store.users.values()].some((u) => u.userName === userName))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.User.AlreadyExists', 'EMU-Us3rX');
  const user: MachineUserRecord = {
    kind: 'machine',
    id: userId === '' ? state.newId() : userId,
    userName,
    orgId: org.id,
    changedAt: Math.floor(state.clock.now() / 1000),
    name,
    accessTokenType: 'opaque',
    secretHash: undefined,
    keys: new Map(),
  };
  context.store.users.set(user.id, user);
  userAdded(context.store, user, caller.user.id);
  return { id: user.id, creationDate: timestamp(state.touch(MetaKey.user(user.id)).createdAt) };
}

/**
 * `UpdateHumanUser`: user name, profile, email, phone of a human user, by the user itself or a
 * caller with `user.write` in its organisation. Ids of the "not human" and "not found" answers
 * were not checked (`EMU-`).
 */
export function updateHumanUser({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'UpdateHumanUserRequest';
  const userId = userIdOf(M, body);
  const username = body.has('username')
    ? checkString(M, 'Username', body.string('username'), { min: 1, max: 200 })
    : undefined;
  const profile = body.message('profile');
  const P = 'SetHumanProfile';
  const names =
    profile === undefined
      ? undefined
      : embedded(M, 'Profile', () => ({
          firstName: checkString(P, 'GivenName', profile.string('givenName'), { min: 1, max: 200 }),
          lastName: checkString(P, 'FamilyName', profile.string('familyName'), { min: 1, max: 200 }),
          nickName: checkString(P, 'NickName', profile.string('nickName'), { max: 200 }),
          displayName: checkString(P, 'DisplayName', profile.string('displayName'), { max: 200 }),
          preferredLanguage: checkString(P, 'PreferredLanguage', profile.string('preferredLanguage'), { max: 10 }),
          gender: profile.enum('gender', GENDERS),
        }));
  const email = body.message('email');
  const address =
    email === undefined
      ? undefined
      : embedded(M, 'Email', () => checkString('SetHumanEmail', 'Email', email.string('email'), { min: 1, max: 200 }));
  const phone = body.message('phone');
  const phoneNumber =
    phone === undefined
      ? undefined
      : embedded(M, 'Phone', () => checkString('SetHumanPhone', 'Phone', phone.string('phone'), { max: 200 }));

  const user = existingUser(context, userId, 'EMU-Us3rU');
  if (user.kind !== 'human') throw new GrpcFailure(GrpcCode.notFound, 'Errors.User.NotHuman', 'EMU-N0tHu');
  requireUserPermission(context, caller, user, 'user.write');
  if (address !== undefined) checkEmailSyntax(address);
  if (username !== undefined && username !== user.userName) {
    if ([...context.store.users.values()].some((u) => u.userName === username))
      throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.User.AlreadyExists', 'EMU-Us3rX');
  }
  const updated: HumanUserRecord = {
    ...user,
    userName: username ?? user.userName,
    changedAt: Math.floor(state.clock.now() / 1000),
    ...(names === undefined
      ? {}
      : {
          firstName: names.firstName,
          lastName: names.lastName,
          nickName: names.nickName === '' ? undefined : names.nickName,
          displayName: names.displayName === '' ? `${names.firstName} ${names.lastName}` : names.displayName,
          preferredLanguage: names.preferredLanguage === '' ? undefined : names.preferredLanguage,
        }),
    ...(address === undefined ? {} : { email: address, emailVerified: email?.bool('isVerified') ?? false }),
  };
  context.store.users.set(user.id, updated);
  const extras = state.humans.get(user.id);
  if (extras !== undefined || names !== undefined || phoneNumber !== undefined) {
    const base = extras ?? {
      phone: undefined,
      phoneVerified: false,
      gender: undefined,
      passwordChangeRequired: false,
      hasPassword: true,
      passwordChangedAt: undefined,
    };
    state.humans.set(user.id, {
      ...base,
      ...(names === undefined ? {} : { gender: names.gender === 'GENDER_UNSPECIFIED' ? undefined : names.gender }),
      ...(phoneNumber === undefined
        ? {}
        : { phone: phoneNumber === '' ? undefined : phoneNumber, phoneVerified: phone?.bool('isVerified') ?? false }),
    });
  }
  const response: Record<string, unknown> = { details: detailsV2(state.touch(MetaKey.user(user.id)), user.orgId) };
  if (email?.has('returnCode') === true) response['emailCode'] = v2.verificationCode();
  if (phone?.has('returnCode') === true) response['phoneCode'] = v2.verificationCode();
  return response;
}

/** `DeactivateUser` (`DeactivateUserV2`): its tokens stop being active; ids from ZITADEL's command. */
export function deactivateUser({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const user = existingUser(context, userIdOf('DeactivateUserRequest', body), 'COMMAND-5gp2p62iin');
  const current = userStateOf(state, user);
  if (current === 'USER_STATE_INITIAL')
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.CantDeactivateInitial', 'COMMAND-gvx4kct9r2');
  if (current === 'USER_STATE_INACTIVE')
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.AlreadyInactive', 'COMMAND-5gunjw0cd7');
  requireUserPermission(context, caller, user, 'user.write');
  context.store.inactiveUsers.add(user.id);
  userChanged(context.store, user, 'user.deactivated', caller.user.id);
  return { details: detailsV2(state.touch(MetaKey.user(user.id)), user.orgId) };
}

/** `ReactivateUser` (`ReactivateUserV2`); ids from ZITADEL's command. */
export function reactivateUser({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const user = existingUser(context, userIdOf('ReactivateUserRequest', body), 'COMMAND-9hy5kzbuk6');
  if (!context.store.inactiveUsers.has(user.id))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.NotInactive', 'COMMAND-s5qqcz97hf');
  requireUserPermission(context, caller, user, 'user.write');
  context.store.inactiveUsers.delete(user.id);
  userChanged(context.store, user, 'user.reactivated', caller.user.id);
  return { details: detailsV2(state.touch(MetaKey.user(user.id)), user.orgId) };
}

/**
 * `DeleteUser` (`RemoveUserV2`, permission `user.delete`): the user, its grants, memberships and
 * metadata go; its tokens stop being active. Ids from ZITADEL's command.
 */
export function deleteUser({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const user = existingUser(context, userIdOf('DeleteUserRequest', body), 'COMMAND-bd4ir1mblj');
  requireUserPermission(context, caller, user, 'user.delete');
  const { store } = context;
  store.users.delete(user.id);
  store.inactiveUsers.delete(user.id);
  store.instanceMembers.delete(user.id);
  for (const members of store.orgMembers.values()) members.delete(user.id);
  for (let i = store.grants.length - 1; i >= 0; i--) if (store.grants[i]?.userId === user.id) store.grants.splice(i, 1);
  state.humans.delete(user.id);
  state.userMetadata.delete(user.id);
  userChanged(store, user, 'user.removed', caller.user.id);
  return { details: detailsV2(state.forget(MetaKey.user(user.id)), user.orgId) };
}
