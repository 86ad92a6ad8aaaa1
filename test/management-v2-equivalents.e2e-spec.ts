// The README's table "v1 call → v2 call": each management client call that ZITADEL offers in v2 has
// its v2 Connect call through ZitadelApi, and both see the same users, roles and grants on one
// emulator (created one way, read the other), so moving a call from the one column to the other
// keeps the data it works on.
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { ZitadelApi, ZitadelManagementClient, ZitadelModule, ZitadelNotFoundError } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';
import { collect, failure } from './support/outcomes.js';

let zitadel: ZitadelEmulator;
let app: INestApplication;
let management: ZitadelManagementClient;
let api: ZitadelApi;

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;
const human = (username: string) => ({
  username,
  profile: { givenName: 'Ada', familyName: username },
  email: { email: `${username}@example.com`, verification: { case: 'isVerified' as const, value: true } },
});

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  const managerId = zitadel.createServiceUser({ userName: 'manager' }).userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, managerId, ['ORG_OWNER']);
  const key = await zitadel.addServiceUserKey(managerId);
  const moduleRef = await Test.createTestingModule({
    imports: [ZitadelModule.forRoot({ issuer: zitadel.issuer, serviceUser: { key } })],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  management = app.get(ZitadelManagementClient);
  api = app.get(ZitadelApi);
});
afterAll(async () => {
  await app.close();
  await zitadel.close();
});

describe('users: v1 getUserById / searchUsers / iterateUsers → v2 UserService GetUserByID / ListUsers', () => {
  it('a user added over v2 is the user v1 reads, and the reverse', async () => {
    const users = api.client(UserService);
    const { userId: overV2 } = await users.addHumanUser(human(unique('v2')));
    const v1 = await management.getUserById(overV2);
    const v2 = await users.getUserByID({ userId: overV2 });
    expect(v1.user.id).toBe(v2.user?.userId);
    expect(v1.user.userName).toBe(v2.user?.username);

    const { userId: overV1 } = await management.importHumanUser({
      userName: unique('v1'),
      profile: { firstName: 'Bo', lastName: 'Old' },
      email: { email: 'bo@example.com', isEmailVerified: true },
    });
    expect((await users.getUserByID({ userId: overV1 })).user?.userId).toBe(overV1);
  });

  it('the same filter lists the same users both ways', async () => {
    const prefix = unique('listed');
    const users = api.client(UserService);
    for (const n of [1, 2, 3]) await users.addHumanUser(human(`${prefix}-${n}`));
    const v1 = await collect(
      management.iterateUsers({
        queries: [{ userNameQuery: { userName: `${prefix}-`, method: 'TEXT_QUERY_METHOD_STARTS_WITH' } }],
        query: { limit: 2 },
      }),
    );
    const v2 = await collect(
      api.paginate(
        users.listUsers,
        { queries: [{ query: { case: 'userNameQuery', value: { userName: `${prefix}-`, method: 2 } } }] },
        { pageSize: 2 },
      ),
    );
    expect(v1.map((user) => user.id).sort()).toEqual(v2.map((user) => user.userId).sort());
    expect(v2).toHaveLength(3);
    const v1Page = await management.searchUsers({
      queries: [{ userNameQuery: { userName: `${prefix}-`, method: 'TEXT_QUERY_METHOD_STARTS_WITH' } }],
    });
    expect(v1Page.details?.totalResult).toBe('3');
  });

  it('not found is the same error class both ways', async () => {
    expect(await failure(management.getUserById('404404404'))).toBeInstanceOf(ZitadelNotFoundError);
    expect(await failure(api.client(UserService).getUserByID({ userId: '404404404' }))).toBeInstanceOf(
      ZitadelNotFoundError,
    );
  });
});

describe('user service v2 over REST → the same service over Connect', () => {
  it('userService.createHumanUser / getUserById and AddHumanUser / GetUserByID are one user service', async () => {
    const username = unique('rest');
    const { userId } = await management.userService.createHumanUser({
      username,
      profile: { givenName: 'Cy', familyName: 'Rest' },
      email: { email: `${username}@example.com`, isVerified: true },
    });
    const overConnect = await api.client(UserService).getUserByID({ userId });
    expect(overConnect.user?.username).toBe(username);
    const { userId: second } = await api.client(UserService).addHumanUser(human(unique('connect')));
    expect((await management.userService.getUserById(second)).user.userId).toBe(second);
  });
});

describe('project roles: v1 addProjectRole / listProjectRoles → v2beta ProjectService AddProjectRole / ListProjectRoles', () => {
  it('roles added either way are listed either way', async () => {
    const projects = api.client(ProjectService);
    const { id: projectId } = await projects.createProject({
      organizationId: zitadel.defaultOrg.id,
      name: unique('p'),
    });
    await management.addProjectRole(projectId, { roleKey: 'reader', displayName: 'Reader' });
    await projects.addProjectRole({ projectId, roleKey: 'writer', displayName: 'Writer' });
    const v1 = await collect(management.iterateProjectRoles(projectId));
    const v2 = await collect(api.paginate(projects.listProjectRoles, { projectId }));
    expect(v1.map((role) => role.key).sort()).toEqual(['reader', 'writer']);
    expect(v2.map((role) => role.key).sort()).toEqual(['reader', 'writer']);
  });
});

describe('user grants: v1 addUserGrant / listUserGrants → v2beta AuthorizationService CreateAuthorization / ListAuthorizations', () => {
  it('grants given either way are listed either way', async () => {
    const projects = api.client(ProjectService);
    const authorizations = api.client(AuthorizationService);
    const { id: projectId } = await projects.createProject({
      organizationId: zitadel.defaultOrg.id,
      name: unique('g'),
    });
    await projects.addProjectRole({ projectId, roleKey: 'viewer', displayName: 'Viewer' });
    const kim = zitadel.createHumanUser({ userName: unique('kim') }).userId;
    const lee = zitadel.createHumanUser({ userName: unique('lee') }).userId;
    const { userGrantId } = await management.addUserGrant(kim, { projectId, roleKeys: ['viewer'] });
    const { id: authorizationId } = await authorizations.createAuthorization({
      userId: lee,
      projectId,
      roleKeys: ['viewer'],
    });
    const v1 = await collect(management.iterateUserGrants({ queries: [{ projectIdQuery: { projectId } }] }));
    const v2 = await collect(
      api.paginate(authorizations.listAuthorizations, {
        filters: [{ filter: { case: 'projectId', value: { id: projectId } } }],
      }),
    );
    const ids = [userGrantId, authorizationId].sort();
    expect(v1.map((grant) => grant.id).sort()).toEqual(ids);
    expect(v2.map((authorization) => authorization.id).sort()).toEqual(ids);
    expect(v2.find((a) => a.id === userGrantId)?.user?.id).toBe(kim);
    expect(v1.find((g) => g.id === authorizationId)?.userId).toBe(lee);
  });
});
