// Request and response shapes of ZITADEL's user service v2 (`/v2/users`), in protobuf JSON as the
// gateway writes it (camelCase, uint64 as strings, enums by name, zero values possibly left out).
// Exported as the `UserServiceApi` namespace.
//
// Source: zitadel/zitadel proto/zitadel/user/v2/{user_service,user,email,phone,password}.proto,
// proto/zitadel/object/v2/object.proto.

/** `zitadel.object.v2.Details`. */
export interface Details {
  /** uint64 as a decimal string. */
  sequence?: string;
  /** RFC 3339. */
  changeDate?: string;
  /** The organisation (or instance) that owns the object. */
  resourceOwner?: string;
  /** RFC 3339 (newer ZITADEL versions). */
  creationDate?: string;
}

/** `zitadel.user.v2.Gender`. */
export type Gender = 'GENDER_UNSPECIFIED' | 'GENDER_FEMALE' | 'GENDER_MALE' | 'GENDER_DIVERSE';

/** `zitadel.user.v2.UserState`. */
export type UserState =
  | 'USER_STATE_UNSPECIFIED'
  | 'USER_STATE_ACTIVE'
  | 'USER_STATE_INACTIVE'
  | 'USER_STATE_DELETED'
  | 'USER_STATE_LOCKED'
  | 'USER_STATE_INITIAL';

/** `zitadel.user.v2.SetHumanProfile`. */
export interface SetHumanProfile {
  givenName: string;
  familyName: string;
  nickName?: string;
  displayName?: string;
  preferredLanguage?: string;
  gender?: Gender;
}

/** `zitadel.user.v2.SetHumanEmail`: set at most one of `sendCode`, `returnCode`, `isVerified`. */
export interface SetHumanEmail {
  email: string;
  /** Send a verification mail (the default), optionally with your own link template. */
  sendCode?: { urlTemplate?: string };
  /** Return the verification code in the response (`emailCode`) instead of sending it. */
  returnCode?: Record<string, never>;
  /** Mark the address as verified. */
  isVerified?: boolean;
}

/** `zitadel.user.v2.SetHumanPhone`: set at most one of `sendCode`, `returnCode`, `isVerified`. */
export interface SetHumanPhone {
  phone?: string;
  sendCode?: Record<string, never>;
  returnCode?: Record<string, never>;
  isVerified?: boolean;
}

/** `zitadel.user.v2.SetMetadataEntry`: the value is base64. */
export interface SetMetadataEntry {
  key: string;
  value: string;
}

/** `AddHumanUserRequest` of `POST /v2/users/human`: set at most one of `password` and `hashedPassword`. */
export interface AddHumanUserRequest {
  /** Your own id for the user; ZITADEL generates one otherwise. */
  userId?: string;
  /** @default the email address */
  username?: string;
  /** The organisation to create the user in. @default the organisation of the call */
  organization?: { orgId?: string; orgDomain?: string };
  profile: SetHumanProfile;
  email: SetHumanEmail;
  phone?: SetHumanPhone;
  metadata?: SetMetadataEntry[];
  password?: { password: string; changeRequired?: boolean };
  hashedPassword?: { hash: string; changeRequired?: boolean };
  idpLinks?: { idpId?: string; userId?: string; userName?: string }[];
  totpSecret?: string;
}

/** `AddHumanUserResponse`. */
export interface AddHumanUserResponse {
  userId: string;
  details?: Details;
  /** With `email.returnCode`. */
  emailCode?: string;
  /** With `phone.returnCode`. */
  phoneCode?: string;
}

/** `zitadel.user.v2.HumanProfile`. */
export interface HumanProfile {
  givenName?: string;
  familyName?: string;
  nickName?: string;
  displayName?: string;
  preferredLanguage?: string;
  gender?: Gender;
  avatarUrl?: string;
}

/** `zitadel.user.v2.HumanUser`. */
export interface HumanUser {
  userId?: string;
  state?: UserState;
  username?: string;
  loginNames?: string[];
  preferredLoginName?: string;
  profile?: HumanProfile;
  email?: { email?: string; isVerified?: boolean };
  phone?: { phone?: string; isVerified?: boolean };
  passwordChangeRequired?: boolean;
  /** RFC 3339. */
  passwordChanged?: string;
  /** RFC 3339. */
  mfaInitSkipped?: string;
}

/** `zitadel.user.v2.MachineUser` (a service user). */
export interface MachineUser {
  name?: string;
  description?: string;
  hasSecret?: boolean;
  accessTokenType?: 'ACCESS_TOKEN_TYPE_BEARER' | 'ACCESS_TOKEN_TYPE_JWT';
}

/** `zitadel.user.v2.User`: exactly one of `human` and `machine` is set. */
export interface User {
  userId: string;
  details?: Details;
  state?: UserState;
  username?: string;
  loginNames?: string[];
  preferredLoginName?: string;
  human?: HumanUser;
  machine?: MachineUser;
}

/** `GetUserByIDResponse` of `GET /v2/users/{userId}`. */
export interface GetUserByIdResponse {
  /** Deprecated by ZITADEL: the details are in `user.details` too. */
  details?: Details;
  user: User;
}
