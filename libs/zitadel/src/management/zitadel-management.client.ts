import { Injectable, Logger } from '@nestjs/common';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { sendAuthorized, type AuthorizedExchangeContext } from '../http/authorized-exchange.js';
import { readJsonObject } from '../http/json-response.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { TokenService } from '../token/token.service.js';
import { ZitadelScopes } from '../token/zitadel-scopes.js';
import { readApiError } from './api-error-body.js';
import type * as ManagementApi from './management-api.types.js';
import { paginate, pagingOf, type Page } from './pagination.js';
import { ResponseChecks } from './response-checks.js';
import type * as UserServiceApi from './user-service-api.types.js';
import {
  checkOrgId,
  checkPath,
  segment,
  type ZitadelApiMethod,
  type ZitadelApiRequest,
  type ZitadelCallOptions,
  type ZitadelSearchRequest,
} from './zitadel-api-request.js';

/** What the service user's tokens for ZITADEL's APIs are minted with. */
const API_SCOPES: readonly string[] = ['openid', ZitadelScopes.zitadelApi()];

/** ZITADEL's user service v2 (`/v2/users`), reached as `management.userService`. */
export interface ZitadelUserService {
  /**
   * Creates a human user (`POST /v2/users/human`), in `body.organization` or the call's organisation.
   * @throws {ZitadelAlreadyExistsError} the user name (or `userId`) is taken.
   */
  createHumanUser(
    body: UserServiceApi.AddHumanUserRequest,
    options?: ZitadelCallOptions,
  ): Promise<UserServiceApi.AddHumanUserResponse>;
  /**
   * A user of any organisation the service user may read (`GET /v2/users/{userId}`).
   * @throws {ZitadelNotFoundError} no such user.
   */
  getUserById(userId: string, options?: ZitadelCallOptions): Promise<UserServiceApi.GetUserByIdResponse>;
}

/** A checked JSON answer. */
interface Answer {
  readonly body: Record<string, unknown>;
  readonly checks: ResponseChecks;
}

/**
 * Typed calls to ZITADEL's REST APIs (management API v1, user service v2) as the configured
 * service user, with an access token for ZITADEL's APIs (`urn:zitadel:iam:org:project:id:zitadel:aud`)
 * from {@link TokenService}. The service user needs a manager role (e.g. `ORG_OWNER`) in the
 * organisation it acts in: its own, or the one given as `orgId` (`x-zitadel-orgid`).
 *
 * - JSON as ZITADEL writes it: camelCase, 64-bit numbers as strings, `details` objects.
 * - Errors: ZITADEL's error body becomes a {@link ZitadelApiError} subclass (`ZitadelNotFoundError`,
 *   `ZitadelAlreadyExistsError`, `ZitadelPermissionDeniedError`, ...) with the HTTP status and
 *   ZITADEL's error id. A 401 makes the client drop the cached token and retry once with a new one.
 * - Retries: 429 and 503 with backoff, honouring `Retry-After`; reads also after 5xx and network
 *   failures; a write only when it cannot have been applied.
 *
 * @example
 * const { userId } = await management.importHumanUser({
 *   userName: 'minnie',
 *   profile: { firstName: 'Minnie', lastName: 'Mouse' },
 *   email: { email: 'minnie@example.com', isEmailVerified: true },
 * });
 * for await (const user of management.iterateUsers()) names.push(user.userName);
 * @see https://zitadel.com/docs/apis/resources/mgmt
 */
@Injectable()
export class ZitadelManagementClient {
  private readonly logger = new Logger('Zitadel');

  /** ZITADEL's user service v2: `createHumanUser`, `getUserById`. */
  readonly userService: ZitadelUserService = {
    createHumanUser: async (body, options) => {
      const { body: answer, checks } = await this.send('POST', '/v2/users/human', body, options);
      checks.string(answer, 'userId');
      return answer as unknown as UserServiceApi.AddHumanUserResponse;
    },
    getUserById: async (userId, options) => {
      const { body: answer, checks } = await this.send(
        'GET',
        `/v2/users/${segment('userId', userId)}`,
        undefined,
        options,
      );
      checks.string(checks.object(answer, 'user'), 'userId');
      return answer as unknown as UserServiceApi.GetUserByIdResponse;
    },
  };

  /** Token, 401 retry and exhausted retries: shared with `ZitadelApi`. */
  private readonly exchange: AuthorizedExchangeContext;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    http: ZitadelHttpClient,
    tokens: TokenService,
  ) {
    this.exchange = { http, tokens, scopes: API_SCOPES, logger: this.logger, protocol: 'rest' };
  }

  // --- Users ---------------------------------------------------------------------------------

  /**
   * Creates (imports) a human user, optionally with a password or a password hash
   * (`POST /management/v1/users/human/_import`).
   *
   * @throws {ZitadelAlreadyExistsError} the user name is taken.
   * @throws {ZitadelInvalidArgumentError} a required field is missing or invalid.
   */
  async importHumanUser(
    body: ManagementApi.ImportHumanUserRequest,
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.ImportHumanUserResponse> {
    const { body: answer, checks } = await this.send('POST', '/management/v1/users/human/_import', body, options);
    checks.string(answer, 'userId');
    return answer as unknown as ManagementApi.ImportHumanUserResponse;
  }

  /**
   * One page of the organisation's users (`POST /management/v1/users/_search`); see {@link iterateUsers} for all.
   * @deprecated ZITADEL deprecates v1 `ListUsers`: call `zitadel.user.v2.UserService/ListUsers` through
   *   `ZitadelApi` (`api.paginate(api.client(UserService).listUsers, ...)`). Kept, unchanged, for existing code.
   */
  async searchUsers(
    request: ManagementApi.ListUsersRequest = {},
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.ListUsersResponse> {
    return this.searchPage('/management/v1/users/_search', request, options);
  }

  /**
   * Every user of the organisation matching `request.queries`, page by page (`query.limit` per page).
   * @deprecated ZITADEL deprecates v1 `ListUsers`: page `zitadel.user.v2.UserService/ListUsers` with
   *   `ZitadelApi.paginate`. Kept, unchanged, for existing code.
   */
  iterateUsers(
    request: ManagementApi.ListUsersRequest = {},
    options?: ZitadelCallOptions,
  ): AsyncGenerator<ManagementApi.User, void, undefined> {
    return this.iterate<ManagementApi.User>({ path: '/management/v1/users/_search', body: { ...request }, ...options });
  }

  /**
   * A user of the organisation (`GET /management/v1/users/{id}`).
   * @throws {ZitadelNotFoundError} no such user in the organisation.
   * @deprecated ZITADEL deprecates v1 `GetUserByID`: call `zitadel.user.v2.UserService/GetUserByID` through
   *   `ZitadelApi`. Kept, unchanged, for existing code.
   */
  async getUserById(userId: string, options?: ZitadelCallOptions): Promise<ManagementApi.GetUserByIdResponse> {
    const { body: answer, checks } = await this.send(
      'GET',
      `/management/v1/users/${segment('userId', userId)}`,
      undefined,
      options,
    );
    checks.string(checks.object(answer, 'user'), 'id');
    return answer as unknown as ManagementApi.GetUserByIdResponse;
  }

  // --- Organisation members ------------------------------------------------------------------

  /** The manager roles an organisation member can be given (`POST /management/v1/orgs/members/roles/_search`). */
  async listOrgMemberRoles(options?: ZitadelCallOptions): Promise<ManagementApi.ListOrgMemberRolesResponse> {
    const { body: answer, checks } = await this.send(
      'POST',
      '/management/v1/orgs/members/roles/_search',
      {},
      options,
      true,
    );
    checks.optionalStrings(answer, 'result');
    return answer as ManagementApi.ListOrgMemberRolesResponse;
  }

  /**
   * Makes a user a manager of the organisation (`POST /management/v1/orgs/me/members`).
   * @throws {ZitadelAlreadyExistsError} the user is a member already.
   * @throws {ZitadelFailedPreconditionError} no such user.
   * @throws {ZitadelInvalidArgumentError} no roles, or a role that is not an organisation role.
   */
  async addOrgMember(
    userId: string,
    roles: readonly string[],
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.DetailsResponse> {
    return this.detailsCall('POST', '/management/v1/orgs/me/members', { userId, roles: [...roles] }, options);
  }

  /** One page of the organisation's members (`POST /management/v1/orgs/me/members/_search`). */
  async listOrgMembers(
    request: ManagementApi.ListOrgMembersRequest = {},
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.ListOrgMembersResponse> {
    return this.searchPage('/management/v1/orgs/me/members/_search', request, options);
  }

  /** Every member of the organisation, page by page. */
  iterateOrgMembers(
    request: ManagementApi.ListOrgMembersRequest = {},
    options?: ZitadelCallOptions,
  ): AsyncGenerator<ManagementApi.Member, void, undefined> {
    return this.iterate<ManagementApi.Member>({
      path: '/management/v1/orgs/me/members/_search',
      body: { ...request },
      ...options,
    });
  }

  /** Removes a manager from the organisation (`DELETE /management/v1/orgs/me/members/{userId}`); ZITADEL answers success if it was none. */
  async removeOrgMember(userId: string, options?: ZitadelCallOptions): Promise<ManagementApi.DetailsResponse> {
    return this.detailsCall(
      'DELETE',
      `/management/v1/orgs/me/members/${segment('userId', userId)}`,
      undefined,
      options,
    );
  }

  // --- Project roles -------------------------------------------------------------------------

  /**
   * Adds a role to a project of the organisation (`POST /management/v1/projects/{projectId}/roles`).
   * @throws {ZitadelAlreadyExistsError} the project has the role already.
   */
  async addProjectRole(
    projectId: string,
    role: ManagementApi.AddProjectRoleRequest,
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.DetailsResponse> {
    return this.detailsCall('POST', `/management/v1/projects/${segment('projectId', projectId)}/roles`, role, options);
  }

  /** One page of a project's roles (`POST /management/v1/projects/{projectId}/roles/_search`). */
  async listProjectRoles(
    projectId: string,
    request: ManagementApi.ListProjectRolesRequest = {},
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.ListProjectRolesResponse> {
    return this.searchPage(
      `/management/v1/projects/${segment('projectId', projectId)}/roles/_search`,
      request,
      options,
    );
  }

  /** Every role of a project, page by page. */
  iterateProjectRoles(
    projectId: string,
    request: ManagementApi.ListProjectRolesRequest = {},
    options?: ZitadelCallOptions,
  ): AsyncGenerator<ManagementApi.Role, void, undefined> {
    return this.iterate<ManagementApi.Role>({
      path: `/management/v1/projects/${segment('projectId', projectId)}/roles/_search`,
      body: { ...request },
      ...options,
    });
  }

  // --- User grants ---------------------------------------------------------------------------

  /**
   * Grants roles of a project to a user, by the organisation (`POST /management/v1/users/{userId}/grants`).
   * @throws {ZitadelAlreadyExistsError} the organisation granted this project to the user already.
   * @deprecated ZITADEL deprecates v1 `AddUserGrant`: call
   *   `zitadel.authorization.v2beta.AuthorizationService/CreateAuthorization` through `ZitadelApi`. Kept,
   *   unchanged, for existing code.
   */
  async addUserGrant(
    userId: string,
    grant: ManagementApi.AddUserGrantRequest,
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.AddUserGrantResponse> {
    const { body: answer, checks } = await this.send(
      'POST',
      `/management/v1/users/${segment('userId', userId)}/grants`,
      grant,
      options,
    );
    checks.string(answer, 'userGrantId');
    return answer as unknown as ManagementApi.AddUserGrantResponse;
  }

  /**
   * One page of the user grants the organisation gave (`POST /management/v1/users/grants/_search`).
   * @deprecated ZITADEL deprecates v1 `ListUserGrants`: call
   *   `zitadel.authorization.v2beta.AuthorizationService/ListAuthorizations` through `ZitadelApi`. Kept,
   *   unchanged, for existing code.
   */
  async listUserGrants(
    request: ManagementApi.ListUserGrantsRequest = {},
    options?: ZitadelCallOptions,
  ): Promise<ManagementApi.ListUserGrantsResponse> {
    return this.searchPage('/management/v1/users/grants/_search', request, options);
  }

  /**
   * Every user grant the organisation gave, page by page.
   * @deprecated ZITADEL deprecates v1 `ListUserGrants`: page
   *   `zitadel.authorization.v2beta.AuthorizationService/ListAuthorizations` with `ZitadelApi.paginate`.
   *   Kept, unchanged, for existing code.
   */
  iterateUserGrants(
    request: ManagementApi.ListUserGrantsRequest = {},
    options?: ZitadelCallOptions,
  ): AsyncGenerator<ManagementApi.UserGrant, void, undefined> {
    return this.iterate<ManagementApi.UserGrant>({
      path: '/management/v1/users/grants/_search',
      body: { ...request },
      ...options,
    });
  }

  // --- Anything else -------------------------------------------------------------------------

  /**
   * Any call to ZITADEL's REST APIs on the configured instance, authenticated like the typed
   * ones, with the same retries and errors. Answers the parsed JSON object (`{}` for an empty body).
   *
   * @example
   * const org = await management.request<{ org: { id: string; name: string } }>({ method: 'GET', path: '/management/v1/orgs/me' });
   * @throws {ZitadelApiError} ZITADEL refused the call (a subclass per kind).
   * @throws {ZitadelUnavailableError} ZITADEL could not be reached.
   * @throws {TypeError} `path` is not a path on the instance, or `orgId` is malformed.
   */
  async request<T = Record<string, unknown>>(request: ZitadelApiRequest): Promise<T> {
    const { body } = await this.send(
      request.method,
      request.path,
      request.body,
      { orgId: request.orgId },
      request.idempotent,
    );
    return body as T;
  }

  /**
   * Every item of any `_search` endpoint (`POST`, body with a `query`, answer `{details, result}`),
   * fetched page by page as the caller consumes them.
   *
   * @example
   * for await (const project of management.iterate<{ id: string; name: string }>({ path: '/management/v1/projects/_search' })) {}
   * @throws {TypeError} a page size outside 1..1000 or a malformed offset (when iteration starts).
   */
  async *iterate<T = Record<string, unknown>>(request: ZitadelSearchRequest): AsyncGenerator<T, void, undefined> {
    const { query, ...rest } = request.body ?? {};
    const paging = pagingOf(query);
    yield* paginate<T>(paging, async (page): Promise<Page> => {
      const { body, checks } = await this.send(
        'POST',
        request.path,
        { ...rest, query: page },
        { orgId: request.orgId },
        true,
      );
      return checks.page(body);
    });
  }

  // --- Internals -----------------------------------------------------------------------------

  private async searchPage<R>(path: string, request: object, options: ZitadelCallOptions | undefined): Promise<R> {
    const { body, checks } = await this.send('POST', path, request, options, true);
    checks.page(body);
    return body as R;
  }

  private async detailsCall(
    method: ZitadelApiMethod,
    path: string,
    body: unknown,
    options: ZitadelCallOptions | undefined,
  ): Promise<ManagementApi.DetailsResponse> {
    const { body: answer, checks } = await this.send(method, path, body, options);
    checks.optionalObject(answer, 'details');
    return answer as ManagementApi.DetailsResponse;
  }

  /** Sends one call with a token for ZITADEL's APIs (see `sendAuthorized`: 401 → one retry with a fresh token). */
  private async send(
    method: ZitadelApiMethod,
    path: string,
    body: unknown,
    options: ZitadelCallOptions | undefined,
    idempotent?: boolean,
  ): Promise<Answer> {
    const url = this.url(checkPath(path));
    const orgId = checkOrgId(options?.orgId);
    if (method === 'GET' && body !== undefined) throw new TypeError('"body" cannot be sent with GET');
    const route = path.split('?')[0] ?? path;
    const request = {
      method,
      url,
      endpoint: `${method} ${route}`,
      body: body === undefined ? (method === 'GET' || method === 'DELETE' ? undefined : '{}') : JSON.stringify(body),
      idempotent: idempotent ?? (method === 'GET' || (method === 'POST' && route.endsWith('/_search'))),
    };

    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (orgId !== undefined) headers['x-zitadel-orgid'] = orgId;
    const response = await sendAuthorized(this.exchange, { ...request, headers });
    if (response.status < 200 || response.status >= 300) throw readApiError(response, request.endpoint);
    const checks = new ResponseChecks(request.endpoint, response.status);
    return { body: response.body.trim() === '' ? {} : readJsonObject(response, request.endpoint), checks };
  }

  /** The URL of a path on the instance; never another host, so the token goes nowhere else. */
  private url(path: string): string {
    const url = new URL(`${this.config.issuer}${path}`);
    if (url.origin !== new URL(this.config.issuer).origin)
      throw new TypeError('"path" must stay on the ZITADEL instance');
    return url.toString();
  }
}
