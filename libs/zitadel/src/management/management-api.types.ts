// Request and response shapes of ZITADEL's management API v1 (`/management/v1`), as its
// grpc-gateway writes them: protobuf JSON with camelCase names, 64-bit integers (`uint64`:
// sequences, offsets, totals) as decimal strings, timestamps as RFC 3339 strings, enums by name.
// Fields that hold their zero value ("", 0, false, empty list) may be left out of a response, so
// response fields are optional. Exported as the `ManagementApi` namespace.
//
// Source: zitadel/zitadel proto/zitadel/{management,object,user,member,project}.proto.

/** `zitadel.v1.ObjectDetails`: bookkeeping of the object a call read or changed. */
export interface ObjectDetails {
  /** uint64 as a decimal string. */
  sequence?: string;
  /** RFC 3339. */
  creationDate?: string;
  /** RFC 3339. */
  changeDate?: string;
  /** The organisation that owns the object. */
  resourceOwner?: string;
}

/** `zitadel.v1.ListQuery`: paging of a `_search` call. */
export interface ListQuery {
  /** uint64: a decimal string (a number is accepted too). @default "0" */
  offset?: string | number;
  /** At most 1000 on a default instance. @default ZITADEL's configured default */
  limit?: number;
  /** Ascending order. @default false (descending) */
  asc?: boolean;
}

/** `zitadel.v1.ListDetails`: totals of a `_search` call. */
export interface ListDetails {
  /** uint64 as a decimal string; left out when 0. */
  totalResult?: string;
  processedSequence?: string;
  /** RFC 3339: when the projection was last updated. */
  viewTimestamp?: string;
}

/** A page of a `_search` call. */
export interface ListResponse<T> {
  details?: ListDetails;
  /** Left out when empty. */
  result?: T[];
}

/** `zitadel.v1.TextQueryMethod`. */
export type TextQueryMethod =
  | 'TEXT_QUERY_METHOD_EQUALS'
  | 'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE'
  | 'TEXT_QUERY_METHOD_STARTS_WITH'
  | 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE'
  | 'TEXT_QUERY_METHOD_CONTAINS'
  | 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE'
  | 'TEXT_QUERY_METHOD_ENDS_WITH'
  | 'TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE';

// --- Users ---------------------------------------------------------------------------------

/** `zitadel.user.v1.UserState`. */
export type UserState =
  | 'USER_STATE_UNSPECIFIED'
  | 'USER_STATE_ACTIVE'
  | 'USER_STATE_INACTIVE'
  | 'USER_STATE_DELETED'
  | 'USER_STATE_LOCKED'
  | 'USER_STATE_SUSPEND'
  | 'USER_STATE_INITIAL';

/** `zitadel.user.v1.Gender`. */
export type Gender = 'GENDER_UNSPECIFIED' | 'GENDER_FEMALE' | 'GENDER_MALE' | 'GENDER_DIVERSE';

/** `zitadel.user.v1.Type`. */
export type UserType = 'TYPE_UNSPECIFIED' | 'TYPE_HUMAN' | 'TYPE_MACHINE';

/** `zitadel.user.v1.UserFieldName`: the sorting column of a user search. */
export type UserFieldName =
  | 'USER_FIELD_NAME_UNSPECIFIED'
  | 'USER_FIELD_NAME_USER_NAME'
  | 'USER_FIELD_NAME_FIRST_NAME'
  | 'USER_FIELD_NAME_LAST_NAME'
  | 'USER_FIELD_NAME_NICK_NAME'
  | 'USER_FIELD_NAME_DISPLAY_NAME'
  | 'USER_FIELD_NAME_EMAIL'
  | 'USER_FIELD_NAME_STATE'
  | 'USER_FIELD_NAME_TYPE';

/** `zitadel.user.v1.Profile`. */
export interface Profile {
  firstName?: string;
  lastName?: string;
  nickName?: string;
  displayName?: string;
  preferredLanguage?: string;
  gender?: Gender;
  avatarUrl?: string;
}

/** `zitadel.user.v1.Email`. */
export interface Email {
  email?: string;
  isEmailVerified?: boolean;
}

/** `zitadel.user.v1.Phone`. */
export interface Phone {
  phone?: string;
  isPhoneVerified?: boolean;
}

/** `zitadel.user.v1.Human`. */
export interface Human {
  profile?: Profile;
  email?: Email;
  phone?: Phone;
}

/** `zitadel.user.v1.Machine` (a service user). */
export interface Machine {
  name?: string;
  description?: string;
  hasSecret?: boolean;
  accessTokenType?: 'ACCESS_TOKEN_TYPE_BEARER' | 'ACCESS_TOKEN_TYPE_JWT';
}

/** `zitadel.user.v1.User`: exactly one of `human` and `machine` is set. */
export interface User {
  id: string;
  details?: ObjectDetails;
  state?: UserState;
  userName?: string;
  loginNames?: string[];
  preferredLoginName?: string;
  human?: Human;
  machine?: Machine;
}

interface TextQuery {
  method?: TextQueryMethod;
}

/** `zitadel.user.v1.SearchQuery`: one criterion of a user search (set exactly one field). */
export type UserSearchQuery =
  | { userNameQuery: TextQuery & { userName: string } }
  | { firstNameQuery: TextQuery & { firstName: string } }
  | { lastNameQuery: TextQuery & { lastName: string } }
  | { nickNameQuery: TextQuery & { nickName: string } }
  | { displayNameQuery: TextQuery & { displayName: string } }
  | { emailQuery: TextQuery & { emailAddress: string } }
  | { stateQuery: { state: UserState } }
  | { typeQuery: { type: UserType } };

/** `ListUsersRequest` of `POST /management/v1/users/_search`. */
export interface ListUsersRequest {
  query?: ListQuery;
  sortingColumn?: UserFieldName;
  /** All criteria must match. */
  queries?: UserSearchQuery[];
}

/** `ListUsersResponse`. */
export interface ListUsersResponse extends ListResponse<User> {
  sortingColumn?: UserFieldName;
}

/** `GetUserByIDResponse` of `GET /management/v1/users/{id}`. */
export interface GetUserByIdResponse {
  user: User;
}

/** `ImportHumanUserRequest` of `POST /management/v1/users/human/_import`. */
export interface ImportHumanUserRequest {
  userName: string;
  profile: {
    firstName: string;
    lastName: string;
    nickName?: string;
    displayName?: string;
    preferredLanguage?: string;
    gender?: Gender;
  };
  email: { email: string; isEmailVerified?: boolean };
  phone?: { phone: string; isPhoneVerified?: boolean };
  /** A plain-text initial password; ZITADEL checks it against the password policy. */
  password?: string;
  /** A password hash in Modular Crypt Format (bcrypt, ...), to import users from another system. */
  hashedPassword?: { value: string };
  passwordChangeRequired?: boolean;
  requestPasswordlessRegistration?: boolean;
  otpCode?: string;
  idps?: { configId: string; externalUserId: string; displayName?: string }[];
}

/** `ImportHumanUserResponse`. */
export interface ImportHumanUserResponse {
  userId: string;
  details?: ObjectDetails;
  passwordlessRegistration?: { link?: string; lifetime?: string; expiration?: string };
}

// --- Organisation members ------------------------------------------------------------------

/** `ListOrgMemberRolesResponse`: the manager roles an organisation member can have (`ORG_OWNER`, ...). */
export interface ListOrgMemberRolesResponse {
  result?: string[];
}

/** `zitadel.member.v1.Member`. */
export interface Member {
  userId: string;
  details?: ObjectDetails;
  roles?: string[];
  preferredLoginName?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  avatarUrl?: string;
  userType?: UserType;
  userResourceOwner?: string;
}

/** `zitadel.member.v1.SearchQuery` (set exactly one field). */
export type MemberSearchQuery =
  | { firstNameQuery: TextQuery & { firstName: string } }
  | { lastNameQuery: TextQuery & { lastName: string } }
  | { emailQuery: TextQuery & { email: string } }
  | { userIdQuery: { userId: string } };

/** `ListOrgMembersRequest` of `POST /management/v1/orgs/me/members/_search`. */
export interface ListOrgMembersRequest {
  query?: ListQuery;
  queries?: MemberSearchQuery[];
}

/** `ListOrgMembersResponse`. */
export type ListOrgMembersResponse = ListResponse<Member>;

/** `AddOrgMemberRequest` of `POST /management/v1/orgs/me/members`. */
export interface AddOrgMemberRequest {
  userId: string;
  roles: string[];
}

/** Answer of the calls that only change an object: `AddOrgMemberResponse`, `RemoveOrgMemberResponse`, `AddProjectRoleResponse`, ... */
export interface DetailsResponse {
  details?: ObjectDetails;
}

// --- Project roles -------------------------------------------------------------------------

/** `AddProjectRoleRequest` of `POST /management/v1/projects/{projectId}/roles` (the project id goes in the path). */
export interface AddProjectRoleRequest {
  roleKey: string;
  displayName: string;
  group?: string;
}

/** `zitadel.project.v1.Role`. */
export interface Role {
  key: string;
  details?: ObjectDetails;
  displayName?: string;
  group?: string;
}

/** `zitadel.project.v1.RoleQuery` (set exactly one field). */
export type RoleQuery =
  { keyQuery: TextQuery & { key: string } } | { displayNameQuery: TextQuery & { displayName: string } };

/** `ListProjectRolesRequest` of `POST /management/v1/projects/{projectId}/roles/_search`. */
export interface ListProjectRolesRequest {
  query?: ListQuery;
  queries?: RoleQuery[];
}

/** `ListProjectRolesResponse`. */
export type ListProjectRolesResponse = ListResponse<Role>;

// --- User grants ---------------------------------------------------------------------------

/** `AddUserGrantRequest` of `POST /management/v1/users/{userId}/grants` (the user id goes in the path). */
export interface AddUserGrantRequest {
  projectId: string;
  /** For a project granted to this organisation by another one. */
  projectGrantId?: string;
  roleKeys?: string[];
}

/** `AddUserGrantResponse`. */
export interface AddUserGrantResponse {
  userGrantId: string;
  details?: ObjectDetails;
}

/** `zitadel.user.v1.UserGrantState`. */
export type UserGrantState = 'USER_GRANT_STATE_UNSPECIFIED' | 'USER_GRANT_STATE_ACTIVE' | 'USER_GRANT_STATE_INACTIVE';

/** `zitadel.user.v1.UserGrant`: roles of a project granted to a user by an organisation. */
export interface UserGrant {
  id: string;
  details?: ObjectDetails;
  roleKeys?: string[];
  state?: UserGrantState;
  userId?: string;
  userName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  displayName?: string;
  /** The granting organisation. */
  orgId?: string;
  orgName?: string;
  orgDomain?: string;
  projectId?: string;
  projectName?: string;
  projectGrantId?: string;
  avatarUrl?: string;
  preferredLoginName?: string;
  userType?: UserType;
  grantedOrgId?: string;
  grantedOrgName?: string;
  grantedOrgDomain?: string;
}

/** `zitadel.user.v1.UserGrantQuery` (set exactly one field). */
export type UserGrantQuery =
  | { projectIdQuery: { projectId: string } }
  | { userIdQuery: { userId: string } }
  | { withGrantedQuery: { withGranted: boolean } }
  | { roleKeyQuery: TextQuery & { roleKey: string } }
  | { projectGrantIdQuery: { projectGrantId: string } }
  | { userNameQuery: TextQuery & { userName: string } }
  | { firstNameQuery: TextQuery & { firstName: string } }
  | { lastNameQuery: TextQuery & { lastName: string } }
  | { emailQuery: TextQuery & { email: string } }
  | { orgNameQuery: TextQuery & { orgName: string } }
  | { orgDomainQuery: TextQuery & { orgDomain: string } }
  | { projectNameQuery: TextQuery & { projectName: string } }
  | { displayNameQuery: TextQuery & { displayName: string } };

/** `ListUserGrantRequest` of `POST /management/v1/users/grants/_search`. */
export interface ListUserGrantsRequest {
  query?: ListQuery;
  queries?: UserGrantQuery[];
}

/** `ListUserGrantResponse`. */
export type ListUserGrantsResponse = ListResponse<UserGrant>;
