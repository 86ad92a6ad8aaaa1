import { randomInt } from 'node:crypto';
import type { EmulatorContext } from '../emulator-context.js';
import { authenticate, hasPermission, type Caller, type Permission } from './authorization.js';
import { checkEmailSyntax, checkString, embedded, required, type Call } from './call.js';
import { GrpcCode, GrpcFailure } from './grpc-status.js';
import { MetaKey } from './management-state.js';
import type { ProtoMessage } from './proto-json.js';
import { addHuman, GENDERS } from './users.js';
import { detailsV2, userV2 } from './views.js';

/**
 * The user service checks permissions in its commands and queries (`checkPermission`), against
 * the organisation of the object rather than the call's.
 */
export function requireObjectPermission(
  context: EmulatorContext,
  caller: Caller,
  permission: Permission,
  orgId: string,
): void {
  if (!hasPermission(context, caller.user.id, orgId, permission))
    throw new GrpcFailure(GrpcCode.permissionDenied, 'Errors.PermissionDenied', 'EMU-P3rmD');
}

/** The organisation of `organization` (`orgId` or `orgDomain`), else the call's. */
export function targetOrg(context: EmulatorContext, caller: Caller, organization: ProtoMessage | undefined): string {
  const orgId = organization?.string('orgId') ?? '';
  const orgDomain = organization?.string('orgDomain') ?? '';
  if (orgId === '' && orgDomain === '') return caller.orgId;
  const org = [...context.store.orgs.values()].find((o) =>
    orgId !== '' ? o.id === orgId : o.primaryDomain === orgDomain,
  );
  if (org === undefined) throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Org.NotFound', 'EMU-0rgN0');
  return org.id;
}

/** A verification code as ZITADEL generates them for `returnCode`. */
export function verificationCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 6; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/** `POST /v2/users/human` (`UserService.AddHumanUser`, permission `user.write` in the target organisation). */
export function addHumanUser({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'AddHumanUserRequest';
  const userId = body.has('userId') ? checkString(M, 'UserId', body.string('userId'), { min: 1, max: 200 }) : '';
  const username = body.has('username')
    ? checkString(M, 'Username', body.string('username'), { min: 1, max: 200 })
    : '';
  const profile = required(M, 'Profile', body.message('profile'));
  const P = 'SetHumanProfile';
  const names = embedded(M, 'Profile', () => ({
    firstName: checkString(P, 'GivenName', profile.string('givenName'), { min: 1, max: 200 }),
    lastName: checkString(P, 'FamilyName', profile.string('familyName'), { min: 1, max: 200 }),
    nickName: checkString(P, 'NickName', profile.string('nickName'), { max: 200 }),
    displayName: checkString(P, 'DisplayName', profile.string('displayName'), { max: 200 }),
    preferredLanguage: checkString(P, 'PreferredLanguage', profile.string('preferredLanguage'), { max: 10 }),
  }));
  const gender = profile.enum('gender', GENDERS);
  const email = required(M, 'Email', body.message('email'));
  const address = embedded(M, 'Email', () =>
    checkString('SetHumanEmail', 'Email', email.string('email'), { min: 1, max: 200 }),
  );
  const phone = body.message('phone');
  const phoneNumber =
    phone === undefined
      ? ''
      : embedded(M, 'Phone', () => checkString('SetHumanPhone', 'Phone', phone.string('phone'), { max: 200 }));
  const password = body.message('password');
  const hashed = body.message('hashedPassword');
  const orgId = targetOrg(context, caller, body.message('organization'));
  requireObjectPermission(context, caller, 'user.write', orgId);
  checkEmailSyntax(address);

  const hasPassword = (password?.string('password') ?? '') !== '' || (hashed?.string('hash') ?? '') !== '';
  const user = addHuman(
    context.store,
    state,
    {
      id: userId === '' ? state.newId() : userId,
      orgId,
      userName: username === '' ? address : username,
      ...names,
      email: address,
      emailVerified: email.bool('isVerified'),
      extras: {
        phone: phoneNumber === '' ? undefined : phoneNumber,
        phoneVerified: phone?.bool('isVerified') ?? false,
        gender: gender === 'GENDER_UNSPECIFIED' ? undefined : gender,
        passwordChangeRequired: (password ?? hashed)?.bool('changeRequired') ?? false,
        hasPassword,
        passwordChangedAt: hasPassword ? state.clock.now() : undefined,
      },
    },
    caller.user.id,
  );
  const response: Record<string, unknown> = {
    userId: user.id,
    details: detailsV2(state.metaOf(MetaKey.user(user.id)), orgId),
  };
  if (email.has('returnCode')) response['emailCode'] = verificationCode();
  if (phone?.has('returnCode') === true) response['phoneCode'] = verificationCode();
  return response;
}

/**
 * `GET /v2/users/{userId}` (`UserService.GetUserByID`): a user of any organisation, for a caller
 * with `user.read` in the user's organisation, or the user itself.
 */
export function getUserById({ request, context, state, params }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const userId = checkString('GetUserByIDRequest', 'UserId', params['userId'] ?? '', { min: 1, max: 200 });
  const user = context.store.users.get(userId);
  // `GetUserByID` of the queries: "User could not be found (QUERY-Dfbg2)" once translated.
  if (user === undefined) throw new GrpcFailure(GrpcCode.notFound, 'Errors.User.NotFound', 'QUERY-Dfbg2');
  if (user.id !== caller.user.id) requireObjectPermission(context, caller, 'user.read', user.orgId);
  const view = userV2(context.store, state, user);
  return { details: view['details'], user: view };
}
