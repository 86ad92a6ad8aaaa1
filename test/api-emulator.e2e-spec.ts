// The library's ZitadelApi (through ZitadelModule, as an app uses it) against the emulator's Connect
// services: every emulated call, ZITADEL's errors as typed errors, paging, one token for every
// service, a fresh token after a 401, 429 with Retry-After, a hanging emulator cut by the timeout,
// both codecs, and a role granted over v2 that the guard then accepts.
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrganizationServiceBeta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import {
  TokenService,
  ZitadelAlreadyExistsError,
  ZitadelApi,
  ZitadelApiError,
  ZitadelFailedPreconditionError,
  ZitadelInvalidArgumentError,
  ZitadelModule,
  ZitadelNotFoundError,
  ZitadelPermissionDeniedError,
  ZitadelResourceExhaustedError,
  ZitadelScopes,
  ZitadelUnavailableError,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type ServiceUserKeyFile } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { startApp } from './support/nest-app.js';
import { collect, failure } from './support/outcomes.js';

let zitadel: ZitadelEmulator;
/** A service user that is IAM_OWNER and ORG_OWNER of the default organisation, and one without roles. */
let managerKey: ServiceUserKeyFile;
let managerId: string;
let plainKey: ServiceUserKeyFile;
/** The manager's ZitadelApi, shared by the tests that only make calls. */
let api: ZitadelApi;
const apps: INestApplication[] = [];

async function moduleFor(
  key: ServiceUserKeyFile,
  options: Partial<ZitadelModuleOptions> = {},
): Promise<{ api: ZitadelApi; tokens: TokenService }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: zitadel.issuer,
        serviceUser: { key },
        http: { backoffBaseMs: 1, backoffMaxMs: 1500 },
        ...options,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  apps.push(app);
  return { api: app.get(ZitadelApi), tokens: app.get(TokenService) };
}

/** The Connect calls the emulator saw since the log was last cleared: path (without the service) and status. */
function connectCalls(): string[] {
  return zitadel.requests
    .filter((r) => r.endpoint === 'management')
    .map((r) => `${r.path.slice(r.path.lastIndexOf('/') + 1)} ${r.status}`);
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;
const human = (username: string) => ({
  username,
  profile: { givenName: 'Ada', familyName: username },
  email: { email: `${username}@example.com`, verification: { case: 'isVerified' as const, value: true } },
});
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => new TextDecoder().decode(value);

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  managerId = zitadel.createServiceUser({ userName: 'manager' }).userId;
  zitadel.addInstanceMember(managerId, ['IAM_OWNER']);
  zitadel.addOrgMember(zitadel.defaultOrg.id, managerId, ['ORG_OWNER']);
  managerKey = await zitadel.addServiceUserKey(managerId);
  plainKey = await zitadel.addServiceUserKey(zitadel.createServiceUser({ userName: 'plain' }).userId);
  ({ api } = await moduleFor(managerKey));
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await zitadel.close();
});
beforeEach(() => {
  zitadel.clearFaults();
  zitadel.clearRequestLog();
});

describe('zitadel.user.v2.UserService through ZitadelApi', () => {
  it('AddHumanUser and GetUserByID: a typed message back, the same user over v1', async () => {
    const users = api.client(UserService);
    const username = unique('ada');
    const added = await users.addHumanUser(human(username));
    expect(added.userId).toMatch(/^\d{18}$/);
    expect(added.details?.resourceOwner).toBe(zitadel.defaultOrg.id);
    const { user } = await users.getUserByID({ userId: added.userId });
    expect(user?.$typeName).toBe('zitadel.user.v2.User');
    expect(user?.username).toBe(username);
    expect(user?.type.case === 'human' && user.type.value.profile?.givenName).toBe('Ada');
    expect(connectCalls()).toEqual(['AddHumanUser 200', 'GetUserByID 200']);
  });

  it('CreateUser makes humans and machines', async () => {
    const users = api.client(UserService);
    const machine = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: unique('robot'),
      userType: { case: 'machine', value: { name: 'Robot' } },
    });
    expect((await users.getUserByID({ userId: machine.id })).user?.type.case).toBe('machine');
    const person = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: unique('grace'),
      userType: { case: 'human', value: human('grace-profile') },
    });
    expect((await users.getUserByID({ userId: person.id })).user?.type.case).toBe('human');
  });

  it('ListUsers filters, and paginate pages through it (v2 query shape) until the total', async () => {
    const users = api.client(UserService);
    const prefix = unique('page');
    for (const n of [1, 2, 3, 4, 5]) await users.addHumanUser(human(`${prefix}-${n}`));
    const queries = [{ query: { case: 'userNameQuery' as const, value: { userName: `${prefix}-`, method: 2 } } }];
    const one = await users.listUsers({ query: { limit: 2 }, queries });
    expect(one.details?.totalResult).toBe(5n);
    expect(one.result).toHaveLength(2);
    zitadel.clearRequestLog();

    const all = await collect(api.paginate(users.listUsers, { queries }, { pageSize: 2 }));
    expect(all.map((user) => user.username)).toEqual([1, 2, 3, 4, 5].map((n) => `${prefix}-${n}`));
    // Pages of 2, 2 and 1: the third page reaches the total of 5, so no fourth call.
    expect(connectCalls()).toEqual(['ListUsers 200', 'ListUsers 200', 'ListUsers 200']);
  });

  it('UpdateHumanUser, DeactivateUser, ReactivateUser, DeleteUser', async () => {
    const users = api.client(UserService);
    const { userId } = await users.addHumanUser(human(unique('cycle')));
    const renamed = unique('renamed');
    await users.updateHumanUser({ userId, username: renamed, profile: { givenName: 'Grace', familyName: 'Hopper' } });
    const { user } = await users.getUserByID({ userId });
    expect(user?.username).toBe(renamed);
    expect(user?.type.case === 'human' && user.type.value.profile?.givenName).toBe('Grace');
    await users.deactivateUser({ userId });
    expect((await users.getUserByID({ userId })).user?.state).toBe(2 /* INACTIVE */);
    const again = await failure(users.deactivateUser({ userId }));
    expect(again).toBeInstanceOf(ZitadelFailedPreconditionError);
    expect(again).toMatchObject({
      status: 400,
      connectCode: 'failed_precondition',
      zitadelMessage: 'Errors.User.AlreadyInactive',
      errorId: 'COMMAND-5gunjw0cd7',
    });
    await users.reactivateUser({ userId });
    expect((await users.getUserByID({ userId })).user?.state).toBe(1 /* ACTIVE */);
    expect((await users.deleteUser({ userId })).details).toBeDefined();
    expect(await failure(users.getUserByID({ userId }))).toBeInstanceOf(ZitadelNotFoundError);
  });

  it('SetUserMetadata, ListUserMetadata (v2beta-style pagination, paged by paginate), DeleteUserMetadata', async () => {
    const users = api.client(UserService);
    const { userId } = await users.addHumanUser(human(unique('meta')));
    await users.setUserMetadata({
      userId,
      metadata: [
        { key: 'a', value: bytes('one') },
        { key: 'b', value: bytes('two') },
        { key: 'c', value: bytes('three') },
      ],
    });
    const entries = await collect(api.paginate(users.listUserMetadata, { userId }, { pageSize: 2 }));
    expect(entries.map((m) => [m.key, text(m.value)])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
      ['c', 'three'],
    ]);
    await users.deleteUserMetadata({ userId, keys: ['a', 'c'] });
    expect((await users.listUserMetadata({ userId })).metadata.map((m) => m.key)).toEqual(['b']);
  });

  it('AddPersonalAccessToken gives a token the emulator accepts; AddKey a key file for the JWT-profile grant', async () => {
    const users = api.client(UserService);
    const { id: userId } = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: unique('pat'),
      userType: { case: 'machine', value: { name: 'PAT' } },
    });
    zitadel.addOrgMember(zitadel.defaultOrg.id, userId, ['ORG_USER_MANAGER']);
    const pat = await users.addPersonalAccessToken({ userId });
    expect(pat.tokenId).not.toBe('');
    const viaPat = await fetch(`${zitadel.issuer}/zitadel.user.v2.UserService/GetUserByID`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pat.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: managerId }),
    });
    expect(viaPat.status).toBe(200);

    const key = await users.addKey({ userId });
    const file = JSON.parse(text(key.keyContent)) as ServiceUserKeyFile;
    expect([file.keyId, file.userId]).toEqual([key.keyId, userId]);
    // The key file works as the library's own service user key.
    const { api: asMachine } = await moduleFor(file);
    expect((await asMachine.client(UserService).getUserByID({ userId })).user?.userId).toBe(userId);
  });
});

describe('zitadel.org.v2 and v2beta OrganizationService through ZitadelApi', () => {
  it('AddOrganization with an admin, ListOrganizations by id', async () => {
    const orgs = api.client(OrganizationService);
    const name = unique('Org');
    const created = await orgs.addOrganization({ name, admins: [{ userType: { case: 'userId', value: managerId } }] });
    expect(created.organizationId).toMatch(/^\d{18}$/);
    expect(created.createdAdmins.map((admin) => admin.userId)).toEqual([managerId]);
    const listed = await orgs.listOrganizations({
      queries: [{ query: { case: 'idQuery', value: { id: created.organizationId } } }],
    });
    expect(listed.details?.totalResult).toBe(1n);
    expect(listed.result.map((org) => org.name)).toEqual([name]);
  });

  it('SetOrganizationMetadata and ListOrganizationMetadata', async () => {
    const { organizationId } = await api.client(OrganizationService).addOrganization({ name: unique('Meta org') });
    const beta = api.client(OrganizationServiceBeta);
    const set = await beta.setOrganizationMetadata({
      organizationId,
      metadata: [
        { key: 'tier', value: bytes('gold') },
        { key: 'region', value: bytes('eu') },
      ],
    });
    expect(set.setDate).toBeDefined();
    const all = await collect(api.paginate(beta.listOrganizationMetadata, { organizationId }, { pageSize: 1 }));
    expect(all.map((m) => [m.key, text(m.value)])).toEqual([
      ['tier', 'gold'],
      ['region', 'eu'],
    ]);
  });
});

describe('zitadel.project.v2beta.ProjectService through ZitadelApi', () => {
  it('CreateProject, AddProjectRole, and paginate pages ListProjectRoles (v2beta pagination shape)', async () => {
    const projects = api.client(ProjectService);
    const { id: projectId } = await projects.createProject({
      organizationId: zitadel.defaultOrg.id,
      name: unique('billing'),
    });
    const keys = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
    for (const roleKey of keys)
      await projects.addProjectRole({ projectId, roleKey, displayName: roleKey.toUpperCase() });
    zitadel.clearRequestLog();
    const roles = await collect(api.paginate(projects.listProjectRoles, { projectId }, { pageSize: 3 }));
    expect(roles.map((role) => role.key)).toEqual(keys);
    expect(roles[0]).toMatchObject({ projectId, displayName: 'R1' });
    expect(connectCalls()).toEqual(['ListProjectRoles 200', 'ListProjectRoles 200', 'ListProjectRoles 200']);
  });
});

describe('zitadel.authorization.v2beta.AuthorizationService through ZitadelApi', () => {
  it('CreateAuthorization, ListAuthorizations (paged), DeleteAuthorization', async () => {
    const projects = api.client(ProjectService);
    const authz = api.client(AuthorizationService);
    const { id: projectId } = await projects.createProject({
      organizationId: zitadel.defaultOrg.id,
      name: unique('grants'),
    });
    await projects.addProjectRole({ projectId, roleKey: 'viewer', displayName: 'Viewer' });
    const ids: string[] = [];
    for (const name of ['kim', 'lee', 'max']) {
      const userId = zitadel.createHumanUser({ userName: unique(name) }).userId;
      ids.push((await authz.createAuthorization({ userId, projectId, roleKeys: ['viewer'] })).id);
    }
    const filters = [{ filter: { case: 'projectId' as const, value: { id: projectId } } }];
    const listed = await collect(api.paginate(authz.listAuthorizations, { filters }, { pageSize: 2 }));
    expect(listed.map((a) => a.id).sort()).toEqual([...ids].sort());
    expect(listed.every((a) => a.roles.join() === 'viewer' && a.projectId === projectId)).toBe(true);
    expect((await authz.deleteAuthorization({ id: ids[0] ?? '' })).deletionDate).toBeDefined();
    expect((await authz.listAuthorizations({ filters })).authorizations).toHaveLength(2);
    const gone = await failure(authz.deleteAuthorization({ id: ids[0] ?? '' }));
    expect(gone).toBeInstanceOf(ZitadelNotFoundError);
    expect(gone).toMatchObject({ status: 404, connectCode: 'not_found', zitadelMessage: 'Errors.UserGrant.NotFound' });
  });

  it('a role granted with CreateAuthorization is in a JWT the guard accepts for @Roles', async () => {
    const projects = api.client(ProjectService);
    const { id: projectId } = await projects.createProject({
      organizationId: zitadel.defaultOrg.id,
      name: unique('guarded'),
    });
    await projects.addProjectRole({ projectId, roleKey: 'admin', displayName: 'Admin' });
    const apiApp = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
    const guarded = await startApp(
      'express',
      guardedAppModule({
        issuer: zitadel.issuer,
        apiApplication: apiApp.keyFile === undefined ? undefined : { key: apiApp.keyFile },
        projectId,
      }),
    );
    try {
      const userId = zitadel.createHumanUser({ userName: unique('root') }).userId;
      const issue = () =>
        zitadel.issueToken({
          userId,
          clientId: apiApp.clientId,
          type: 'jwt',
          scopes: ['openid', ZitadelScopes.projectAudience(projectId), ZitadelScopes.allProjectRoles()],
        });
      expect((await get(guarded.url, '/reports/all', { token: await issue() })).status).toBe(403);
      const { id } = await api.client(AuthorizationService).createAuthorization({
        userId,
        projectId,
        roleKeys: ['admin'],
      });
      expect(await get(guarded.url, '/reports/all', { token: await issue() })).toMatchObject({
        status: 200,
        body: { ok: true },
      });
      await api.client(AuthorizationService).deleteAuthorization({ id });
      expect((await get(guarded.url, '/reports/all', { token: await issue() })).status).toBe(403);
    } finally {
      await guarded.close();
    }
  });
});

describe('zitadel.action.v2beta.ActionService through ZitadelApi', () => {
  it('CreateTarget, GetTarget, ListTargets, UpdateTarget, DeleteTarget', async () => {
    const actions = api.client(ActionService);
    const name = unique('hook');
    const created = await actions.createTarget({
      name,
      targetType: { case: 'restWebhook', value: { interruptOnError: true } },
      timeout: { seconds: 10n },
      endpoint: 'https://hooks.example/audit',
    });
    expect(created.signingKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await actions.getTarget({ id: created.id })).target).toMatchObject({
      name,
      timeout: { seconds: 10n },
      targetType: { case: 'restWebhook', value: { interruptOnError: true } },
    });
    const rotated = await actions.updateTarget({ id: created.id, expirationSigningKey: { seconds: 0n } });
    expect(rotated.signingKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.signingKey).not.toBe(created.signingKey);
    const filters = [{ filter: { case: 'inTargetIdsFilter' as const, value: { targetIds: [created.id] } } }];
    expect((await actions.listTargets({ filters })).targets.map((t) => t.name)).toEqual([name]);
    expect((await actions.deleteTarget({ id: created.id })).deletionDate).toBeDefined();
    expect(await failure(actions.getTarget({ id: created.id }))).toMatchObject({
      connectCode: 'not_found',
      errorId: 'QUERY-hj5oaniyrz',
    });
  });

  it('SetExecution, ListExecutions, ListExecutionFunctions', async () => {
    const actions = api.client(ActionService);
    const { functions } = await actions.listExecutionFunctions({});
    expect(functions).toContain('preaccesstoken');
    const target = await actions.createTarget({
      name: unique('exec'),
      targetType: { case: 'restCall', value: {} },
      timeout: { seconds: 3n },
      endpoint: 'https://exec.example',
    });
    await actions.setExecution({
      condition: { conditionType: { case: 'function', value: { name: 'preuserinfo' } } },
      targets: [target.id],
    });
    const filters = [{ filter: { case: 'targetFilter' as const, value: { targetId: target.id } } }];
    const listed = await actions.listExecutions({ filters });
    expect(listed.executions.map((e) => e.condition?.conditionType)).toEqual([
      { case: 'function', value: expect.objectContaining({ name: 'preuserinfo' }) },
    ]);
    expect(listed.executions[0]?.targets).toEqual([target.id]);
  });
});

describe('errors, as ZitadelApiError subclasses', () => {
  it('not found → ZitadelNotFoundError with status, Connect code, ZITADEL’s message and error id', async () => {
    const error = await failure(api.client(UserService).getUserByID({ userId: '123456789012345678' }));
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error).toMatchObject({
      code: 'ZITADEL_API_ERROR',
      kind: 'not-found',
      status: 404,
      connectCode: 'not_found',
      zitadelMessage: 'Errors.User.NotFound',
      errorId: 'QUERY-Dfbg2',
      details: [{ '@type': 'zitadel.v1.ErrorDetail', id: 'QUERY-Dfbg2', message: 'Errors.User.NotFound' }],
    });
    expect((error as ZitadelApiError).message).toContain('Errors.User.NotFound (QUERY-Dfbg2)');
  });

  it('already exists → ZitadelAlreadyExistsError', async () => {
    const name = unique('Taken');
    await api.client(OrganizationService).addOrganization({ name });
    const error = await failure(api.client(OrganizationService).addOrganization({ name }));
    expect(error).toBeInstanceOf(ZitadelAlreadyExistsError);
    expect(error).toMatchObject({
      status: 409,
      connectCode: 'already_exists',
      zitadelMessage: 'Errors.Org.AlreadyExists',
      errorId: 'V3-DKcYh',
    });
  });

  it('a service user without manager roles → ZitadelPermissionDeniedError', async () => {
    const { api: plain } = await moduleFor(plainKey);
    const denied = await failure(plain.client(UserService).addHumanUser(human(unique('nope'))));
    expect(denied).toBeInstanceOf(ZitadelPermissionDeniedError);
    expect(denied).toMatchObject({
      status: 403,
      connectCode: 'permission_denied',
      zitadelMessage: 'Errors.PermissionDenied',
      errorId: 'EMU-P3rmD',
    });
    const instance = await failure(plain.client(OrganizationService).addOrganization({ name: unique('Not mine') }));
    expect(instance).toBeInstanceOf(ZitadelPermissionDeniedError);
    expect(instance).toMatchObject({ zitadelMessage: 'No matching permissions found', errorId: 'AUTH-5mWD2' });
    const project = await failure(
      plain.client(ProjectService).createProject({ organizationId: zitadel.defaultOrg.id, name: unique('nope') }),
    );
    expect(project).toMatchObject({ connectCode: 'permission_denied', errorId: 'AUTHZ-HKJD33' });
  });

  it('invalid argument → ZitadelInvalidArgumentError, with or without an error id', async () => {
    const invalid = await failure(api.client(UserService).addHumanUser({ username: unique('x') }));
    expect(invalid).toBeInstanceOf(ZitadelInvalidArgumentError);
    expect(invalid).toMatchObject({
      status: 400,
      connectCode: 'invalid_argument',
      zitadelMessage: 'invalid AddHumanUserRequest.Profile: value is required',
      errorId: undefined,
    });
    const tooMany = await failure(
      api.client(ProjectService).listProjectRoles({ projectId: '1', pagination: { limit: 1001 } }),
    );
    expect(tooMany).toBeInstanceOf(ZitadelInvalidArgumentError);
    expect(tooMany).toMatchObject({ zitadelMessage: 'Errors.Query.LimitExceeded', errorId: 'QUERY-4M0fs' });
  });
});

describe('tokens', () => {
  it('one token request for many calls across services', async () => {
    const { api: fresh } = await moduleFor(managerKey);
    await fresh.client(UserService).getUserByID({ userId: managerId });
    await Promise.all([
      fresh.client(UserService).listUsers({}),
      fresh.client(OrganizationService).listOrganizations({}),
      fresh.client(AuthorizationService).listAuthorizations({}),
      fresh.client(ActionService).listTargets({}),
    ]);
    await fresh.client(ProjectService).createProject({ organizationId: zitadel.defaultOrg.id, name: unique('tok') });
    expect(zitadel.requestCount('token')).toBe(1);
    expect(zitadel.requestCount('management')).toBe(6);
  });

  it('a revoked token → 401 → one fresh token and exactly one retry', async () => {
    const { api: fresh, tokens } = await moduleFor(managerKey);
    const users = fresh.client(UserService);
    await users.getUserByID({ userId: managerId });
    const cached = await tokens.getAccessToken({ scopes: ['openid', ZitadelScopes.zitadelApi()] });
    expect(zitadel.revokeToken(cached)).toBe(true);
    zitadel.clearRequestLog();
    // A write: the 401 means it was not applied, so it is retried.
    const { userId } = await users.addHumanUser(human(unique('after-revoke')));
    expect(userId).toMatch(/^\d{18}$/);
    expect(connectCalls()).toEqual(['AddHumanUser 401', 'AddHumanUser 200']);
    expect(zitadel.requestCount('token')).toBe(1);
    expect(await tokens.getAccessToken({ scopes: ['openid', ZitadelScopes.zitadelApi()] })).not.toBe(cached);
  });
});

describe('retries and timeouts', () => {
  it('429 with Retry-After: waits the asked second on the module clock, then retries, a write too', async () => {
    const clock = new ManualClock();
    const { api: fresh } = await moduleFor(managerKey, { clock });
    const users = fresh.client(UserService);
    await users.getUserByID({ userId: managerId }); // the token is fetched before the fault
    zitadel.clearRequestLog();
    zitadel.injectFault({
      endpoint: 'management',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { code: 'resource_exhausted', message: 'quota exceeded' },
      times: 1,
    });
    const call = users.addHumanUser(human(unique('later')));
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1));
    await clock.advance(999);
    expect([clock.pendingSleeps, connectCalls()]).toEqual([1, ['AddHumanUser 429']]);
    await clock.advance(1);
    expect((await call).userId).toMatch(/^\d{18}$/);
    expect(connectCalls()).toEqual(['AddHumanUser 429', 'AddHumanUser 200']);
  });

  it('429 on every attempt → ZitadelResourceExhaustedError with the Connect code', async () => {
    const { api: fresh } = await moduleFor(managerKey, { http: { retries: 1, backoffBaseMs: 0 } });
    await fresh.client(UserService).getUserByID({ userId: managerId });
    zitadel.clearRequestLog();
    zitadel.injectFault({
      endpoint: 'management',
      status: 429,
      headers: { 'retry-after': '0' },
      body: { code: 'resource_exhausted', message: 'quota exceeded (QUOTA-t2)' },
      times: 2,
    });
    const error = await failure(fresh.client(UserService).listUsers({}));
    expect(error).toBeInstanceOf(ZitadelResourceExhaustedError);
    // The last answer's body is kept: ZITADEL's message and error id, not only the status.
    expect(error).toMatchObject({ status: 429, connectCode: 'resource_exhausted', errorId: 'QUOTA-t2' });
    expect(connectCalls()).toEqual(['ListUsers 429', 'ListUsers 429']);
  });

  it('a hanging emulator is cut at http.timeoutMs: a read tried once more, then ZitadelUnavailableError', async () => {
    const { api: fresh } = await moduleFor(managerKey, { http: { timeoutMs: 250, retries: 1, backoffBaseMs: 0 } });
    await fresh.client(UserService).getUserByID({ userId: managerId });
    zitadel.clearRequestLog();
    zitadel.injectFault({ endpoint: 'management', delayMs: 10_000, times: 2 });
    const error = await failure(fresh.client(UserService).getUserByID({ userId: managerId }));
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect((error as Error).message).toContain('no answer within 250 ms');
    expect(zitadel.requests.filter((r) => r.endpoint === 'management')).toHaveLength(2);
  });

  it('a hanging write is cut once and not repeated: it may have been applied', async () => {
    const { api: fresh } = await moduleFor(managerKey, { http: { timeoutMs: 250, retries: 2, backoffBaseMs: 0 } });
    await fresh.client(UserService).getUserByID({ userId: managerId });
    zitadel.clearRequestLog();
    zitadel.injectFault({ endpoint: 'management', delayMs: 10_000, times: 1 });
    const error = await failure(fresh.client(UserService).addHumanUser(human(unique('hang'))));
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect(zitadel.requests.filter((r) => r.endpoint === 'management')).toHaveLength(1);
  });
});

describe('the binary codec (api.codec: binary)', () => {
  it('makes the same calls in application/proto: create, get, list with paging, metadata bytes, errors', async () => {
    const { api: binary } = await moduleFor(managerKey, { api: { codec: 'binary' } });
    const users = binary.client(UserService);
    const prefix = unique('bin');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await users.addHumanUser(human(`${prefix}-${n}`))).userId);
    expect((await users.getUserByID({ userId: ids[0] ?? '' })).user?.username).toBe(`${prefix}-1`);
    const queries = [{ query: { case: 'userNameQuery' as const, value: { userName: `${prefix}-`, method: 2 } } }];
    const names = (await collect(binary.paginate(users.listUsers, { queries }, { pageSize: 2 }))).map(
      (u) => u.username,
    );
    expect(names).toEqual([1, 2, 3].map((n) => `${prefix}-${n}`));
    await users.setUserMetadata({
      userId: ids[0] ?? '',
      metadata: [{ key: 'raw', value: new Uint8Array([0, 255, 7]) }],
    });
    const { metadata } = await users.listUserMetadata({ userId: ids[0] ?? '' });
    expect(metadata.map((m) => [...m.value])).toEqual([[0, 255, 7]]);
    const { id: projectId } = await binary
      .client(ProjectService)
      .createProject({ organizationId: zitadel.defaultOrg.id, name: unique('bin-project') });
    expect(projectId).toMatch(/^\d{18}$/);
    // Connect errors are JSON whatever the codec.
    expect(await failure(users.getUserByID({ userId: '123456789012345678' }))).toMatchObject({
      connectCode: 'not_found',
      errorId: 'QUERY-Dfbg2',
    });
  });
});
