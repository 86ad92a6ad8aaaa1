// ZitadelManagementClient in a Nest app against the ZITADEL emulator over real loopback HTTP:
// every typed call and its result, the organisation header, paging through _search endpoints,
// ZITADEL's error bodies as typed errors, the 401 retry with a fresh token, and the retry rules
// (429/503 honouring Retry-After; a write not repeated after a 500 or a dropped connection).
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  TokenService,
  ZitadelAlreadyExistsError,
  ZitadelApiError,
  ZitadelApiUnavailableError,
  ZitadelFailedPreconditionError,
  ZitadelInvalidArgumentError,
  ZitadelManagementClient,
  ZitadelModule,
  ZitadelNotFoundError,
  ZitadelPermissionDeniedError,
  ZitadelResourceExhaustedError,
  ZitadelScopes,
  ZitadelUnauthenticatedError,
  ZitadelUnavailableError,
  type ManagementApi,
  type UserServiceApi,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import {
  ManualClock,
  ZitadelEmulator,
  type EmulatorOrg,
  type EmulatorProject,
  type ServiceUserKeyFile,
} from 'nestjs-zitadel/testing';
import { collect, failure } from './support/outcomes.js';

let zitadel: ZitadelEmulator;
let adminId: string;
let adminKey: ServiceUserKeyFile;
let acme: EmulatorOrg;
let project: EmulatorProject;
let management: ZitadelManagementClient;
const apps: INestApplication[] = [];

/** A Nest app with ZitadelModule for a service user; answers its management client and token service. */
async function startApp(
  options: Partial<ZitadelModuleOptions> = {},
): Promise<{ management: ZitadelManagementClient; tokens: TokenService }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: zitadel.issuer,
        serviceUser: { key: adminKey },
        http: { backoffBaseMs: 1, backoffMaxMs: 1500 },
        ...options,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  apps.push(app);
  return { management: app.get(ZitadelManagementClient), tokens: app.get(TokenService) };
}

function managementRequests(): { method: string; path: string; status: number; at: Date }[] {
  return zitadel.requests
    .filter((r) => r.endpoint === 'management')
    .map(({ method, path, status, at }) => ({ method, path, status, at }));
}

let counter = 0;
function human(prefix: string): ManagementApi.ImportHumanUserRequest {
  counter += 1;
  return {
    userName: `${prefix}-${counter}`,
    profile: { firstName: 'Minnie', lastName: `Mouse ${counter}`, preferredLanguage: 'en', gender: 'GENDER_FEMALE' },
    email: { email: `${prefix}-${counter}@example.com`, isEmailVerified: true },
    phone: { phone: '+41710000000', isPhoneVerified: true },
    password: 'Secr3t-Passw0rd!',
  };
}

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  const admin = zitadel.createServiceUser({ userName: 'provisioner' });
  adminId = admin.userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, adminId, ['ORG_OWNER']);
  adminKey = await zitadel.addServiceUserKey(adminId);
  acme = zitadel.createOrg({ name: 'Acme' });
  zitadel.addOrgMember(acme.id, adminId, ['ORG_OWNER']);
  project = zitadel.createProject({ name: 'reports' });
  ({ management } = await startApp());
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await zitadel.close();
});
beforeEach(() => {
  zitadel.clearFaults();
  zitadel.clearRequestLog();
});

describe('typed calls', () => {
  it('imports a human user and reads it back (v1), JSON conventions kept', async () => {
    const request = human('minnie');
    const created = await management.importHumanUser(request);
    expectTypeOf(created).toEqualTypeOf<ManagementApi.ImportHumanUserResponse>();
    expect(created.userId).toMatch(/^\d{18}$/);
    expect(created.details).toMatchObject({
      sequence: expect.stringMatching(/^\d+$/),
      resourceOwner: zitadel.defaultOrg.id,
    });

    const { user } = await management.getUserById(created.userId);
    expectTypeOf(user).toEqualTypeOf<ManagementApi.User>();
    expectTypeOf(user.details?.sequence).toEqualTypeOf<string | undefined>();
    expect(user).toMatchObject({
      id: created.userId,
      state: 'USER_STATE_ACTIVE',
      userName: request.userName,
      preferredLoginName: `${request.userName}@zitadel.localhost`,
      human: {
        profile: {
          firstName: 'Minnie',
          lastName: request.profile.lastName,
          displayName: `Minnie ${request.profile.lastName}`,
          gender: 'GENDER_FEMALE',
        },
        email: { email: request.email.email, isEmailVerified: true },
        phone: { phone: '+41710000000', isPhoneVerified: true },
      },
    });
    expect(user.details).toMatchObject({ resourceOwner: zitadel.defaultOrg.id, creationDate: expect.any(String) });
    expect(new Date(user.details?.creationDate ?? '').getTime()).not.toBeNaN();
  });

  it('searches users with a query: one page, totals as strings', async () => {
    const request = human('searched');
    await management.importHumanUser(request);
    const page = await management.searchUsers({
      query: { limit: 10 },
      queries: [{ userNameQuery: { userName: request.userName, method: 'TEXT_QUERY_METHOD_EQUALS' } }],
    });
    expectTypeOf(page).toEqualTypeOf<ManagementApi.ListUsersResponse>();
    expect(page.details?.totalResult).toBe('1');
    expect(page.result?.map((u) => u.userName)).toEqual([request.userName]);
    const none = await management.searchUsers({ queries: [{ userNameQuery: { userName: 'nobody-at-all' } }] });
    expect(none.result).toBeUndefined();
    expect(none.details?.totalResult).toBeUndefined();
  });

  it('lists the organisation member roles', async () => {
    const roles = await management.listOrgMemberRoles();
    expectTypeOf(roles.result).toEqualTypeOf<string[] | undefined>();
    expect(roles.result).toContain('ORG_OWNER');
    expect(roles.result?.every((role) => role.startsWith('ORG_'))).toBe(true);
  });

  it('adds, lists and removes an organisation member', async () => {
    const { userId } = await management.importHumanUser(human('member'));
    const added = await management.addOrgMember(userId, ['ORG_USER_MANAGER']);
    expect(added.details).toMatchObject({
      resourceOwner: zitadel.defaultOrg.id,
      sequence: expect.stringMatching(/^\d+$/),
    });

    const listed = await management.listOrgMembers({ queries: [{ userIdQuery: { userId } }] });
    expectTypeOf(listed.result).toEqualTypeOf<ManagementApi.Member[] | undefined>();
    expect(listed.result).toEqual([
      expect.objectContaining({
        userId,
        roles: ['ORG_USER_MANAGER'],
        firstName: 'Minnie',
        userType: 'TYPE_HUMAN',
        preferredLoginName: expect.stringContaining('@zitadel.localhost'),
      }),
    ]);
    const all = await management.listOrgMembers();
    expect(all.result?.map((m) => m.userId)).toEqual(expect.arrayContaining([adminId, userId]));

    await management.removeOrgMember(userId);
    expect((await management.listOrgMembers({ queries: [{ userIdQuery: { userId } }] })).result).toBeUndefined();
    // As in ZITADEL, removing someone who is no member succeeds.
    await expect(management.removeOrgMember(userId)).resolves.toMatchObject({
      details: { resourceOwner: zitadel.defaultOrg.id },
    });
  });

  it('adds and lists project roles', async () => {
    const added = await management.addProjectRole(project.id, {
      roleKey: 'editor',
      displayName: 'Editor',
      group: 'content',
    });
    expect(added.details?.resourceOwner).toBe(zitadel.defaultOrg.id);
    const roles = await management.listProjectRoles(project.id, {
      queries: [{ keyQuery: { key: 'edit', method: 'TEXT_QUERY_METHOD_STARTS_WITH' } }],
    });
    expectTypeOf(roles.result).toEqualTypeOf<ManagementApi.Role[] | undefined>();
    expect(roles.result).toEqual([expect.objectContaining({ key: 'editor', displayName: 'Editor', group: 'content' })]);
  });

  it('grants project roles to a user and lists the grant', async () => {
    await management.addProjectRole(project.id, { roleKey: 'viewer', displayName: 'Viewer' });
    const { userId } = await management.importHumanUser(human('granted'));
    const grant = await management.addUserGrant(userId, { projectId: project.id, roleKeys: ['viewer'] });
    expectTypeOf(grant).toEqualTypeOf<ManagementApi.AddUserGrantResponse>();
    expect(grant.userGrantId).toMatch(/^\d+$/);

    const grants = await management.listUserGrants({ queries: [{ userIdQuery: { userId } }] });
    expect(grants.result).toEqual([
      expect.objectContaining({
        id: grant.userGrantId,
        userId,
        projectId: project.id,
        projectName: 'reports',
        roleKeys: ['viewer'],
        orgId: zitadel.defaultOrg.id,
        state: 'USER_GRANT_STATE_ACTIVE',
      }),
    ]);
    // The grant is ZITADEL's: a token for the user now carries the role.
    const token = await zitadel.issueToken({
      userId,
      scopes: ['openid', ZitadelScopes.projectAudience(project.id), ZitadelScopes.role('viewer')],
    });
    const userinfo = await fetch(`${zitadel.issuer}/oidc/v1/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await userinfo.json()).toMatchObject({
      [`urn:zitadel:iam:org:project:${project.id}:roles`]: { viewer: { [zitadel.defaultOrg.id]: 'zitadel.localhost' } },
    });
  });

  it('creates a human user and reads it through the user service v2', async () => {
    const created = await management.userService.createHumanUser({
      username: 'daisy',
      profile: { givenName: 'Daisy', familyName: 'Duck' },
      email: { email: 'daisy@example.com', returnCode: {} },
      password: { password: 'Secr3t-Passw0rd!', changeRequired: true },
    });
    expectTypeOf(created).toEqualTypeOf<UserServiceApi.AddHumanUserResponse>();
    expect(created.emailCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(created.details).toMatchObject({ resourceOwner: zitadel.defaultOrg.id, changeDate: expect.any(String) });

    const { user } = await management.userService.getUserById(created.userId);
    expectTypeOf(user).toEqualTypeOf<UserServiceApi.User>();
    expect(user).toMatchObject({
      userId: created.userId,
      username: 'daisy',
      state: 'USER_STATE_ACTIVE',
      human: {
        profile: { givenName: 'Daisy', familyName: 'Duck', displayName: 'Daisy Duck' },
        email: { email: 'daisy@example.com' },
        passwordChangeRequired: true,
      },
    });
    expect(user.human?.email?.isVerified).toBeUndefined();
  });

  it('creates a v2 user in another organisation named in the body', async () => {
    const created = await management.userService.createHumanUser({
      organization: { orgId: acme.id },
      profile: { givenName: 'Gus', familyName: 'Goose' },
      email: { email: 'gus@acme.example', isVerified: true },
    });
    const { user } = await management.userService.getUserById(created.userId);
    expect(user).toMatchObject({ username: 'gus@acme.example', details: { resourceOwner: acme.id } });
  });

  it('sends any other call with request(), and reads the same JSON', async () => {
    const { userId } = await management.importHumanUser(human('raw'));
    const raw = await management.request<ManagementApi.GetUserByIdResponse>({
      method: 'GET',
      path: `/management/v1/users/${userId}`,
    });
    expect(raw).toEqual(await management.getUserById(userId));
    const error = await failure(
      management.request({ method: 'POST', path: '/management/v1/orgs/me/nothing-here', body: {} }),
    );
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error).toMatchObject({
      status: 404,
      grpcCode: 5,
      errorId: undefined,
      endpoint: 'POST /management/v1/orgs/me/nothing-here',
    });
  });

  it('refuses paths that would leave the instance, before sending anything', async () => {
    for (const path of [
      'https://evil.example/x',
      '//evil.example/x',
      'management/v1/users/_search',
      '/\\evil.example',
    ]) {
      await expect(management.request({ method: 'GET', path })).rejects.toThrow(TypeError);
    }
    await expect(management.searchUsers({}, { orgId: 'a b' })).rejects.toThrow(TypeError);
    expect(managementRequests()).toEqual([]);
  });
});

describe('organisation context (x-zitadel-orgid)', () => {
  it('acts in the organisation given per call, and in the service user’s own otherwise', async () => {
    const request = human('acme');
    const created = await management.importHumanUser(request, { orgId: acme.id });
    expect(created.details?.resourceOwner).toBe(acme.id);

    const query = {
      queries: [{ userNameQuery: { userName: request.userName } }],
    } satisfies ManagementApi.ListUsersRequest;
    expect((await management.searchUsers(query, { orgId: acme.id })).result?.map((u) => u.id)).toEqual([
      created.userId,
    ]);
    expect((await management.searchUsers(query)).result).toBeUndefined();
    expect((await management.getUserById(created.userId, { orgId: acme.id })).user.details?.resourceOwner).toBe(
      acme.id,
    );
    await expect(management.getUserById(created.userId)).rejects.toBeInstanceOf(ZitadelNotFoundError);

    await management.addOrgMember(created.userId, ['ORG_OWNER_VIEWER'], { orgId: acme.id });
    expect((await management.listOrgMembers({}, { orgId: acme.id })).result?.map((m) => m.userId)).toContain(
      created.userId,
    );
    expect((await management.listOrgMembers()).result?.map((m) => m.userId)).not.toContain(created.userId);
  });

  it('is refused in an organisation where the service user is no manager, or that does not exist', async () => {
    const elsewhere = zitadel.createOrg({ name: 'Elsewhere' });
    const denied = await failure(management.searchUsers({}, { orgId: elsewhere.id }));
    expect(denied).toBeInstanceOf(ZitadelPermissionDeniedError);
    expect(denied).toMatchObject({ kind: 'permission-denied', status: 403, grpcCode: 7, errorId: 'AUTH-5mWD2' });
    const unknown = await failure(management.searchUsers({}, { orgId: '123456789012345678' }));
    expect(unknown).toMatchObject({ kind: 'permission-denied', status: 403, errorId: 'AUTH-Bs7Ds' });
  });
});

describe('pagination', () => {
  it('pages through all users, fetching the next page only when needed', async () => {
    const org = zitadel.createOrg({ name: 'Paged' });
    zitadel.addOrgMember(org.id, adminId, ['ORG_OWNER']);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await management.importHumanUser(human('paged'), { orgId: org.id })).userId);
    zitadel.clearRequestLog();

    const seen: string[] = [];
    for await (const user of management.iterateUsers({ query: { limit: 3 } }, { orgId: org.id })) {
      expectTypeOf(user).toEqualTypeOf<ManagementApi.User>();
      seen.push(user.id);
    }
    expect(seen).toEqual(ids);
    expect(managementRequests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      Array(3).fill('POST /management/v1/users/_search 200'),
    );

    zitadel.clearRequestLog();
    const firstTwo: string[] = [];
    for await (const user of management.iterateUsers({ query: { limit: 3 } }, { orgId: org.id })) {
      firstTwo.push(user.id);
      if (firstTwo.length === 2) break;
    }
    expect(firstTwo).toEqual(ids.slice(0, 2));
    expect(managementRequests()).toHaveLength(1);
  });

  it('pages through members, project roles and user grants, and any _search endpoint', async () => {
    const org = zitadel.createOrg({ name: 'Paged 2' });
    zitadel.addOrgMember(org.id, adminId, ['ORG_OWNER']);
    const own = zitadel.createProject({ name: 'paged', orgId: org.id });
    const userIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { userId } = await management.importHumanUser(human('paged2'), { orgId: org.id });
      userIds.push(userId);
      await management.addOrgMember(userId, ['ORG_OWNER_VIEWER'], { orgId: org.id });
      await management.addProjectRole(own.id, { roleKey: `role-${i}`, displayName: `Role ${i}` }, { orgId: org.id });
      await management.addUserGrant(userId, { projectId: own.id, roleKeys: [`role-${i}`] }, { orgId: org.id });
    }
    const members = await collect(management.iterateOrgMembers({ query: { limit: 2 } }, { orgId: org.id }));
    expect(members.map((m) => m.userId)).toEqual([adminId, ...userIds]);
    const roles = await collect(management.iterateProjectRoles(own.id, { query: { limit: 2 } }, { orgId: org.id }));
    expect(roles.map((r) => r.key)).toEqual(['role-0', 'role-1', 'role-2', 'role-3', 'role-4']);
    const grants = await collect(management.iterateUserGrants({ query: { limit: 4 } }, { orgId: org.id }));
    expect(grants.map((g) => g.userId)).toEqual(userIds);
    const generic = await collect(
      management.iterate<ManagementApi.User>({
        path: '/management/v1/users/_search',
        body: { query: { limit: 2, offset: '3' } },
        orgId: org.id,
      }),
    );
    expect(generic.map((u) => u.id)).toEqual(userIds.slice(3));
    await expect(collect(management.iterateUsers({ query: { limit: 5000 } }))).rejects.toThrow(TypeError);
  });
});

describe('errors', () => {
  it('not found', async () => {
    const error = await failure(management.getUserById('123456789012345678'));
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error).toBeInstanceOf(ZitadelApiError);
    expect(error).toMatchObject({
      code: 'ZITADEL_API_ERROR',
      kind: 'not-found',
      status: 404,
      grpcCode: 5,
      errorId: 'EMU-Us3rN',
      zitadelMessage: 'Errors.User.NotFound',
      endpoint: 'GET /management/v1/users/123456789012345678',
    });
    expect((error as Error).message).toBe(
      'ZITADEL GET /management/v1/users/123456789012345678 failed with 404 not-found: Errors.User.NotFound (EMU-Us3rN)',
    );
    await expect(management.userService.getUserById('123456789012345678')).rejects.toBeInstanceOf(ZitadelNotFoundError);
  });

  it('already exists', async () => {
    const request = human('twice');
    const { userId } = await management.importHumanUser(request);
    const error = await failure(management.importHumanUser({ ...request, email: { email: 'other@example.com' } }));
    expect(error).toBeInstanceOf(ZitadelAlreadyExistsError);
    expect(error).toMatchObject({
      kind: 'already-exists',
      status: 409,
      grpcCode: 6,
      zitadelMessage: 'Errors.User.AlreadyExists',
    });

    await management.addOrgMember(userId, ['ORG_OWNER_VIEWER']);
    const member = await failure(management.addOrgMember(userId, ['ORG_OWNER_VIEWER']));
    expect(member).toBeInstanceOf(ZitadelAlreadyExistsError);
    expect(member).toMatchObject({ errorId: 'ORG-poWwe', zitadelMessage: 'Errors.Org.Member.AlreadyExists' });
    await management.addProjectRole(project.id, { roleKey: 'dup', displayName: 'Dup' });
    await expect(management.addProjectRole(project.id, { roleKey: 'dup', displayName: 'Dup' })).rejects.toBeInstanceOf(
      ZitadelAlreadyExistsError,
    );
  });

  it('permission denied for a service user that manages no organisation', async () => {
    const outsider = zitadel.createServiceUser({ userName: `outsider-${++counter}` });
    const { management: asOutsider } = await startApp({
      serviceUser: { key: await zitadel.addServiceUserKey(outsider.userId) },
    });
    const error = await failure(asOutsider.searchUsers());
    expect(error).toBeInstanceOf(ZitadelPermissionDeniedError);
    expect(error).toMatchObject({
      status: 403,
      grpcCode: 7,
      errorId: 'AUTH-5mWD2',
      zitadelMessage: 'No matching permissions found',
    });
    await expect(asOutsider.importHumanUser(human('denied'))).rejects.toBeInstanceOf(ZitadelPermissionDeniedError);
    await expect(
      asOutsider.userService.createHumanUser({
        profile: { givenName: 'a', familyName: 'b' },
        email: { email: 'a@b.example' },
      }),
    ).rejects.toBeInstanceOf(ZitadelPermissionDeniedError);
  });

  it('unauthenticated for a token without the ZITADEL API audience, after one retry, without the token in the error', async () => {
    const token = await zitadel.issueToken({ userId: adminId, scopes: ['openid'] });
    const { management: withPat } = await startApp({ serviceUser: { personalAccessToken: token } });
    const error = await failure(withPat.searchUsers());
    expect(error).toBeInstanceOf(ZitadelUnauthenticatedError);
    expect(error).toMatchObject({
      kind: 'unauthenticated',
      status: 401,
      grpcCode: 16,
      errorId: 'APP-Zxfako',
      zitadelMessage: 'invalid audience',
    });
    expect(managementRequests().map((r) => r.status)).toEqual([401, 401]);
    expect(JSON.stringify(error)).not.toContain(token);
    expect(`${String(error)} ${(error as Error).stack ?? ''}`).not.toContain(token);
  });

  it('invalid argument (request validation and ZITADEL’s own checks) and failed precondition', async () => {
    const empty = await failure(management.importHumanUser({ ...human('invalid'), userName: '' }));
    expect(empty).toBeInstanceOf(ZitadelInvalidArgumentError);
    expect(empty).toMatchObject({
      status: 400,
      grpcCode: 3,
      errorId: undefined,
      zitadelMessage: expect.stringContaining('ImportHumanUserRequest.UserName'),
    });
    const role = await failure(management.addOrgMember(adminId, ['NOT_A_ROLE']));
    expect(role).toBeInstanceOf(ZitadelInvalidArgumentError);
    expect(role).toMatchObject({ errorId: 'Org-4N8es', zitadelMessage: 'Errors.Org.MemberInvalid' });
    const noUser = await failure(management.addOrgMember('123456789012345678', ['ORG_OWNER']));
    expect(noUser).toBeInstanceOf(ZitadelFailedPreconditionError);
    expect(noUser).toMatchObject({ kind: 'failed-precondition', status: 400, grpcCode: 9, errorId: 'ORG-GoXOn' });
  });

  it('a body that is no JSON object from ZITADEL is a ZitadelResponseError, not a typed answer', async () => {
    zitadel.injectFault({ endpoint: 'management', status: 200, body: '<html>proxy</html>', times: 1 });
    await expect(management.searchUsers()).rejects.toMatchObject({ code: 'ZITADEL_RESPONSE_INVALID' });
    zitadel.injectFault({ endpoint: 'management', status: 200, body: { result: 'nope' }, times: 1 });
    await expect(management.searchUsers()).rejects.toMatchObject({ code: 'ZITADEL_RESPONSE_INVALID' });
  });
});

describe('tokens', () => {
  it('asks for a token with the ZITADEL API audience once and reuses it', async () => {
    const { management: fresh } = await startApp();
    await fresh.listOrgMemberRoles();
    await fresh.searchUsers();
    expect(zitadel.requestCount('token')).toBe(1);
  });

  it('on 401 drops the cached token, mints a new one and retries once', async () => {
    const { management: client, tokens } = await startApp();
    const cached = await tokens.getAccessToken({ scopes: ['openid', ZitadelScopes.zitadelApi()] });
    expect(zitadel.revokeToken(cached)).toBe(true);
    zitadel.clearRequestLog();

    const created = await client.importHumanUser(human('after-revoke'));
    expect(created.userId).toMatch(/^\d+$/);
    expect(managementRequests().map((r) => r.status)).toEqual([401, 200]);
    expect(zitadel.requestCount('token')).toBe(1);
  });
});

describe('retries', () => {
  it('retries 429 after the Retry-After delay, not before', async () => {
    // The wait is on the module's clock: moved by hand, it shows the retry waits exactly Retry-After.
    const clock = new ManualClock();
    const { management: client } = await startApp({ clock });
    zitadel.injectFault({
      endpoint: 'management',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { code: 8, message: 'quota exceeded' },
      times: 1,
    });
    const search = client.searchUsers();
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1));
    await clock.advance(999);
    expect([clock.pendingSleeps, managementRequests().map((r) => r.status)]).toEqual([1, [429]]);
    await clock.advance(1);
    await search;
    expect(managementRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries a write after 503 or 429, which ZITADEL answers before applying anything', async () => {
    zitadel.injectFault({ endpoint: 'management', status: 503, times: 1 });
    zitadel.injectFault({ endpoint: 'management', status: 429, times: 1 });
    const request = human('retried');
    const { userId } = await management.importHumanUser(request);
    expect(managementRequests().map((r) => r.status)).toEqual([503, 429, 200]);
    expect((await management.getUserById(userId)).user.userName).toBe(request.userName);
  });

  it('gives up with a typed error when 429 or 503 persist', async () => {
    // The last answer's body is ZITADEL's error: its message and error id are kept.
    const quota = { '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'QUOTA-t1', message: 'Errors.Quota' };
    const body = { code: 8, message: 'Errors.Quota (QUOTA-t1)', details: [quota] };
    zitadel.injectFault({ endpoint: 'management', status: 429, body, times: 3 });
    const exhausted = await failure(management.searchUsers());
    expect(exhausted).toBeInstanceOf(ZitadelResourceExhaustedError);
    expect(exhausted).toMatchObject({
      kind: 'resource-exhausted',
      status: 429,
      errorId: 'QUOTA-t1',
      zitadelMessage: 'Errors.Quota',
    });
    expect(managementRequests()).toHaveLength(3);

    zitadel.clearRequestLog();
    zitadel.injectFault({ endpoint: 'management', status: 503, times: 3 });
    const unavailable = await failure(management.addOrgMember(adminId, ['ORG_OWNER']));
    expect(unavailable).toBeInstanceOf(ZitadelApiUnavailableError);
    expect(unavailable).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(managementRequests()).toHaveLength(3);
  });

  it('retries a read after a 500, but never a write', async () => {
    zitadel.injectFault({ endpoint: 'management', status: 500, times: 1 });
    await management.searchUsers();
    expect(managementRequests().map((r) => r.status)).toEqual([500, 200]);

    zitadel.clearRequestLog();
    zitadel.injectFault({
      endpoint: 'management',
      status: 500,
      body: { code: 13, message: 'Errors.Internal' },
      times: 1,
    });
    const error = await failure(management.importHumanUser(human('not-retried')));
    expect(error).toBeInstanceOf(ZitadelApiError);
    expect(error).toMatchObject({ kind: 'internal', status: 500, grpcCode: 13 });
    expect(managementRequests().map((r) => r.status)).toEqual([500]);
  });

  it('does not repeat a write whose connection dropped: it may have been applied', async () => {
    zitadel.injectFault({ endpoint: 'management', drop: true, times: 1 });
    const error = await failure(management.addProjectRole(project.id, { roleKey: 'dropped', displayName: 'Dropped' }));
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect(managementRequests()).toHaveLength(1);

    zitadel.clearRequestLog();
    zitadel.injectFault({ endpoint: 'management', drop: true, times: 1 });
    await management.listProjectRoles(project.id);
    expect(managementRequests().map((r) => r.status)).toEqual([0, 200]);
  });
});
