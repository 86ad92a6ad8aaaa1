// The emulator's v2 resource services (organizations, projects, authorizations, actions) over the
// Connect protocol, spoken to by an independent client: @connectrpc/connect with its own Node
// transport and ZITADEL's published descriptors, none of the library's code. Checks answers,
// v2 and v2beta paging, ZITADEL's error codes and ids, and that v2 and v1 share one state: a
// role granted over v2 is in tokens and introspection, a project created over v2 is seen by v1.
import { Code, ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrganizationServiceBeta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

let zitadel: ZitadelEmulator;
/** Tokens with the ZITADEL API audience: an instance owner, an org owner, a user without roles. */
let iamToken: string;
let ownerToken: string;
let nobodyToken: string;
let ownerId: string;

async function apiToken(userId: string): Promise<string> {
  return zitadel.issueToken({ userId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
}

function clients(token: string) {
  const bearer: Interceptor = (next) => async (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
  const transport = createConnectTransport({ baseUrl: zitadel.issuer, httpVersion: '1.1', interceptors: [bearer] });
  return {
    org: createClient(OrganizationService, transport),
    orgBeta: createClient(OrganizationServiceBeta, transport),
    project: createClient(ProjectService, transport),
    authz: createClient(AuthorizationService, transport),
    action: createClient(ActionService, transport),
  };
}
type Clients = ReturnType<typeof clients>;
let iam: Clients;
let owner: Clients;
let nobody: Clients;

/** The Connect error of a call that must fail, with ZITADEL's error detail id. */
async function failure(call: Promise<unknown>): Promise<{ code: Code; message: string; id: string | undefined }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return { code: error.code, message: error.rawMessage, id: error.findDetails(ErrorDetailSchema)[0]?.id };
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  const admin = zitadel.createServiceUser({ userName: 'iam-admin' }).userId;
  zitadel.addInstanceMember(admin, ['IAM_OWNER']);
  ownerId = zitadel.createServiceUser({ userName: 'org-owner' }).userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, ownerId, ['ORG_OWNER']);
  const plain = zitadel.createServiceUser({ userName: 'plain' }).userId;
  [iamToken, ownerToken, nobodyToken] = await Promise.all([apiToken(admin), apiToken(ownerId), apiToken(plain)]);
  iam = clients(iamToken);
  owner = clients(ownerToken);
  nobody = clients(nobodyToken);
});
afterAll(() => zitadel.close());

describe('zitadel.org.v2.OrganizationService', () => {
  it('AddOrganization creates an organisation with admins that v2 lists and the admin can act in', async () => {
    const created = await iam.org.addOrganization({
      name: 'Acme Corp',
      admins: [{ userType: { case: 'userId', value: ownerId } }],
    });
    expect(created.organizationId).toMatch(/^\d{18}$/);
    expect(created.createdAdmins.map((a) => a.userId)).toEqual([ownerId]);
    expect(created.details?.resourceOwner).toBe(created.organizationId);
    const listed = await iam.org.listOrganizations({
      queries: [{ query: { case: 'idQuery', value: { id: created.organizationId } } }],
    });
    expect(listed.result).toHaveLength(1);
    expect(listed.result[0]).toMatchObject({ name: 'Acme Corp', primaryDomain: 'acme-corp.localhost', state: 1 });
    expect(listed.details?.totalResult).toBe(1n);
    // The admin got ORG_OWNER (the default) in the new organisation: it may create projects there.
    await owner.project.createProject({ organizationId: created.organizationId, name: 'in-acme' });
  });

  it('AddOrganization refuses a taken name (V3-DKcYh), a blank name, and a caller without org.create', async () => {
    await iam.org.addOrganization({ name: 'Taken' });
    expect(await failure(iam.org.addOrganization({ name: 'Taken' }))).toEqual({
      code: Code.AlreadyExists,
      message: 'Errors.Org.AlreadyExists (V3-DKcYh)',
      id: 'V3-DKcYh',
    });
    expect(await failure(iam.org.addOrganization({ name: '' }))).toEqual({
      code: Code.InvalidArgument,
      message: 'invalid AddOrganizationRequest.Name: value length must be between 1 and 200 runes, inclusive',
      id: undefined,
    });
    expect(await failure(owner.org.addOrganization({ name: 'Not mine' }))).toEqual({
      code: Code.PermissionDenied,
      message: 'No matching permissions found (AUTH-5mWD2)',
      id: 'AUTH-5mWD2',
    });
  });

  it('ListOrganizations pages (offset, limit, totalResult), filters by name, and shows only readable organisations', async () => {
    for (const name of ['Page A', 'Page B', 'Page C']) await iam.org.addOrganization({ name });
    const query = [{ query: { case: 'nameQuery' as const, value: { name: 'Page ', method: 2 } } }];
    const first = await iam.org.listOrganizations({ query: { limit: 2 }, queries: query, sortingColumn: 1 });
    const second = await iam.org.listOrganizations({
      query: { offset: 2n, limit: 2 },
      queries: query,
      sortingColumn: 1,
    });
    expect(first.details?.totalResult).toBe(3n);
    expect(first.result.map((o) => o.name)).toEqual(['Page C', 'Page B']);
    expect(second.result.map((o) => o.name)).toEqual(['Page A']);
    const ascending = await iam.org.listOrganizations({ query: { asc: true }, queries: query, sortingColumn: 1 });
    expect(ascending.result.map((o) => o.name)).toEqual(['Page A', 'Page B', 'Page C']);
    // An org owner of the default org (and of Acme) does not see the instance's other organisations.
    const mine = await owner.org.listOrganizations({ queries: query });
    expect(mine.result).toEqual([]);
    expect((await nobody.org.listOrganizations({})).result).toEqual([]);
    expect(await failure(iam.org.listOrganizations({ queries: [{}] }))).toMatchObject({
      code: Code.InvalidArgument,
      message: 'invalid SearchQuery.Query: value is required',
    });
  });
});

describe('zitadel.org.v2beta.OrganizationService metadata', () => {
  it('SetOrganizationMetadata stores bytes that ListOrganizationMetadata pages back', async () => {
    const orgId = zitadel.defaultOrg.id;
    const set = await owner.orgBeta.setOrganizationMetadata({
      organizationId: orgId,
      metadata: [
        { key: 'tier', value: new TextEncoder().encode('gold') },
        { key: 'region', value: new TextEncoder().encode('eu') },
      ],
    });
    expect(set.setDate).toBeDefined();
    const page = await owner.orgBeta.listOrganizationMetadata({ organizationId: orgId, pagination: { limit: 1 } });
    expect(page.pagination).toMatchObject({ totalResult: 2n, appliedLimit: 1n });
    expect(page.metadata.map((m) => [m.key, new TextDecoder().decode(m.value)])).toEqual([['tier', 'gold']]);
  });

  it('refuses an unknown organisation, a caller without org.write there, an empty value', async () => {
    expect(await failure(owner.orgBeta.setOrganizationMetadata({ organizationId: '404', metadata: [] }))).toMatchObject(
      {
        code: Code.FailedPrecondition,
        message: expect.stringContaining('Errors.Org.NotFound'),
      },
    );
    const other = zitadel.createOrg({ name: 'Metadata other' });
    const value = new TextEncoder().encode('x');
    expect(
      await failure(
        owner.orgBeta.setOrganizationMetadata({ organizationId: other.id, metadata: [{ key: 'k', value }] }),
      ),
    ).toEqual({ code: Code.PermissionDenied, message: 'Errors.PermissionDenied (AUTHZ-HKJD33)', id: 'AUTHZ-HKJD33' });
    expect(
      await failure(
        owner.orgBeta.setOrganizationMetadata({
          organizationId: zitadel.defaultOrg.id,
          metadata: [{ key: 'k', value: new Uint8Array() }],
        }),
      ),
    ).toMatchObject({ code: Code.InvalidArgument, message: expect.stringContaining('Metadata.Value') });
  });
});

describe('zitadel.project.v2beta.ProjectService', () => {
  it('CreateProject makes a project the v1 REST calls find, AddProjectRole and ListProjectRoles page its roles', async () => {
    const { id } = await owner.project.createProject({ organizationId: zitadel.defaultOrg.id, name: 'billing' });
    for (const key of ['reader', 'writer', 'admin'])
      await owner.project.addProjectRole({ projectId: id, roleKey: key, displayName: `The ${key}`, group: 'g' });
    const v1 = await fetch(`${zitadel.issuer}/management/v1/projects/${id}/roles/_search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerToken}` },
      body: '{}',
    });
    expect(v1.status).toBe(200);
    const v1Body = (await v1.json()) as { result: { key: string }[] };
    expect(v1Body.result.map((r) => r.key)).toEqual(['reader', 'writer', 'admin']);

    const first = await owner.project.listProjectRoles({ projectId: id, pagination: { limit: 2 } });
    expect(first.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 2n });
    expect(first.projectRoles.map((r) => r.key)).toEqual(['reader', 'writer']);
    expect(first.projectRoles[0]).toMatchObject({ projectId: id, displayName: 'The reader', group: 'g' });
    const rest = await owner.project.listProjectRoles({ projectId: id, pagination: { offset: 2n, limit: 2 } });
    expect(rest.projectRoles.map((r) => r.key)).toEqual(['admin']);
    const byKey = await owner.project.listProjectRoles({
      projectId: id,
      filters: [{ filter: { case: 'roleKeyFilter', value: { key: 'WRI', method: 5 } } }],
    });
    expect(byKey.projectRoles.map((r) => r.key)).toEqual(['writer']);
    expect((await owner.project.listProjectRoles({ projectId: id })).pagination?.appliedLimit).toBe(100n);
    expect(await failure(owner.project.listProjectRoles({ projectId: id, pagination: { limit: 1001 } }))).toEqual({
      code: Code.InvalidArgument,
      message: 'Errors.Query.LimitExceeded (QUERY-4M0fs)',
      id: 'QUERY-4M0fs',
    });
  });

  it('refuses a duplicate name or role (V3-DKcYh), an unknown project, a caller without rights, a blank key', async () => {
    const orgId = zitadel.defaultOrg.id;
    const { id } = await owner.project.createProject({ organizationId: orgId, name: 'dupes' });
    expect(await failure(owner.project.createProject({ organizationId: orgId, name: 'dupes' }))).toEqual({
      code: Code.AlreadyExists,
      message: 'Errors.Project.AlreadyExists (V3-DKcYh)',
      id: 'V3-DKcYh',
    });
    await owner.project.addProjectRole({ projectId: id, roleKey: 'r', displayName: 'R' });
    expect(
      await failure(owner.project.addProjectRole({ projectId: id, roleKey: 'r', displayName: 'R' })),
    ).toMatchObject({
      code: Code.AlreadyExists,
      id: 'V3-DKcYh',
    });
    expect(
      await failure(owner.project.addProjectRole({ projectId: '404', roleKey: 'r', displayName: 'R' })),
    ).toMatchObject({
      code: Code.FailedPrecondition,
      message: expect.stringContaining('Errors.Project.NotFound'),
    });
    expect(await failure(nobody.project.createProject({ organizationId: orgId, name: 'nope' }))).toEqual({
      code: Code.PermissionDenied,
      message: 'Errors.PermissionDenied (AUTHZ-HKJD33)',
      id: 'AUTHZ-HKJD33',
    });
    expect(
      await failure(nobody.project.addProjectRole({ projectId: id, roleKey: 'x', displayName: 'X' })),
    ).toMatchObject({
      code: Code.PermissionDenied,
    });
    expect(await failure(owner.project.addProjectRole({ projectId: id, roleKey: '', displayName: 'X' }))).toEqual({
      code: Code.InvalidArgument,
      message: 'invalid AddProjectRoleRequest.RoleKey: value length must be between 1 and 200 runes, inclusive',
      id: undefined,
    });
    expect(await failure(nobody.project.listProjectRoles({ projectId: id }))).toMatchObject({
      code: Code.PermissionDenied,
      id: 'AUTH-5mWD2',
    });
  });
});

describe('zitadel.authorization.v2beta.AuthorizationService', () => {
  let projectId: string;
  let userId: string;

  beforeAll(async () => {
    projectId = (await owner.project.createProject({ organizationId: zitadel.defaultOrg.id, name: 'reports' })).id;
    await owner.project.addProjectRole({ projectId, roleKey: 'viewer', displayName: 'Viewer' });
    await owner.project.addProjectRole({ projectId, roleKey: 'editor', displayName: 'Editor' });
    userId = zitadel.createHumanUser({ userName: 'grace' }).userId;
  });

  it('a role granted with CreateAuthorization is in a JWT access token and in introspection, and leaves with DeleteAuthorization', async () => {
    const { id } = await owner.authz.createAuthorization({ userId, projectId, roleKeys: ['viewer'] });
    const claim = 'urn:zitadel:iam:org:project:roles';
    const jwt = await zitadel.issueToken({
      userId,
      type: 'jwt',
      scopes: ['openid', ZitadelScopes.projectAudience(projectId), ZitadelScopes.allProjectRoles()],
    });
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(payload[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      viewer: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain },
    });

    const api = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
    const introspect = async (token: string) => {
      const response = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(api.clientId)}:${encodeURIComponent(api.clientSecret ?? '')}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }).toString(),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const opaque = await zitadel.issueToken({
      userId,
      type: 'opaque',
      scopes: ['openid', ZitadelScopes.projectAudience(projectId)],
    });
    expect(await introspect(opaque)).toMatchObject({ active: true, [claim]: { viewer: expect.any(Object) } });

    expect((await owner.authz.deleteAuthorization({ id })).deletionDate).toBeDefined();
    const after = await zitadel.issueToken({
      userId,
      type: 'opaque',
      scopes: ['openid', ZitadelScopes.projectAudience(projectId)],
    });
    expect((await introspect(after))[claim]).toBeUndefined();
    expect(await failure(owner.authz.deleteAuthorization({ id }))).toMatchObject({
      code: Code.NotFound,
      message: expect.stringContaining('Errors.UserGrant.NotFound'),
    });
  });

  it('ListAuthorizations filters, pages, and shows the v1 grants too', async () => {
    const listed = (await owner.project.createProject({ organizationId: zitadel.defaultOrg.id, name: 'listed' })).id;
    await owner.project.addProjectRole({ projectId: listed, roleKey: 'viewer', displayName: 'Viewer' });
    await owner.project.addProjectRole({ projectId: listed, roleKey: 'editor', displayName: 'Editor' });
    const other = zitadel.createHumanUser({ userName: 'heidi' }).userId;
    const created = await owner.authz.createAuthorization({
      userId: other,
      projectId: listed,
      roleKeys: ['viewer', 'editor'],
    });
    zitadel.grantRoles({
      userId: zitadel.createHumanUser({ userName: 'ivan' }).userId,
      projectId: listed,
      roleKeys: ['editor'],
    });
    const all = await owner.authz.listAuthorizations({
      filters: [{ filter: { case: 'projectId', value: { id: listed } } }],
      pagination: { limit: 1 },
    });
    expect(all.pagination).toMatchObject({ totalResult: 2n, appliedLimit: 1n });
    expect(all.authorizations[0]).toMatchObject({
      id: created.id,
      projectId: listed,
      projectName: 'listed',
      projectOrganizationId: zitadel.defaultOrg.id,
      organizationId: zitadel.defaultOrg.id,
      state: 1,
      roles: ['viewer', 'editor'],
      user: { id: other, preferredLoginName: `heidi@${zitadel.defaultOrg.primaryDomain}` },
    });
    const editors = await owner.authz.listAuthorizations({
      filters: [
        { filter: { case: 'projectId', value: { id: listed } } },
        { filter: { case: 'roleKey', value: { key: 'editor', method: 0 } } },
        { filter: { case: 'userPreferredLoginName', value: { loginName: 'ivan', method: 2 } } },
      ],
    });
    expect(editors.authorizations.map((a) => a.user?.preferredLoginName)).toEqual([
      `ivan@${zitadel.defaultOrg.primaryDomain}`,
    ]);
    expect((await nobody.authz.listAuthorizations({})).authorizations).toEqual([]);
  });

  it('CreateAuthorization refuses a duplicate, an unknown user, project or role, a caller without user.grant.write', async () => {
    const user = zitadel.createHumanUser({ userName: 'judy' }).userId;
    await owner.authz.createAuthorization({ userId: user, projectId, roleKeys: [] });
    const cases: [Promise<unknown>, Code, string][] = [
      [
        owner.authz.createAuthorization({ userId: user, projectId }),
        Code.AlreadyExists,
        'Errors.UserGrant.AlreadyExists (V3-DKcYh)',
      ],
      [
        owner.authz.createAuthorization({ userId: '404', projectId }),
        Code.FailedPrecondition,
        'Errors.User.NotFound (COMMAND-4f8sg)',
      ],
      [
        owner.authz.createAuthorization({ userId: user, projectId: '404' }),
        Code.FailedPrecondition,
        'Errors.Project.NotFound (COMMAND-3n77S)',
      ],
      [
        owner.authz.createAuthorization({ userId: ownerId, projectId, roleKeys: ['nope'] }),
        Code.FailedPrecondition,
        'Errors.Project.Role.NotFound (COMMAND-mm9F4)',
      ],
      [
        nobody.authz.createAuthorization({ userId: ownerId, projectId }),
        Code.PermissionDenied,
        'Errors.PermissionDenied (AUTHZ-HKJD33)',
      ],
      [
        owner.authz.createAuthorization({ userId: ownerId, projectId, roleKeys: ['viewer', 'viewer'] }),
        Code.InvalidArgument,
        'invalid CreateAuthorizationRequest.RoleKeys: repeated value must contain unique items',
      ],
    ];
    for (const [call, code, message] of cases) expect(await failure(call)).toMatchObject({ code, message });
  });
});

describe('zitadel.action.v2beta.ActionService', () => {
  it('CreateTarget answers the signing key; GetTarget, ListTargets, UpdateTarget (key rotation), DeleteTarget', async () => {
    const created = await iam.action.createTarget({
      name: 'audit-hook',
      targetType: { case: 'restWebhook', value: { interruptOnError: true } },
      timeout: { seconds: 10n },
      endpoint: 'https://hooks.example/audit',
    });
    expect(created.signingKey).toMatch(/^[A-Za-z0-9]{32}$/);
    const got = await iam.action.getTarget({ id: created.id });
    expect(got.target).toMatchObject({
      id: created.id,
      name: 'audit-hook',
      endpoint: 'https://hooks.example/audit',
      timeout: { seconds: 10n },
      targetType: { case: 'restWebhook', value: { interruptOnError: true } },
    });
    const renamed = await iam.action.updateTarget({
      id: created.id,
      name: 'audit',
      targetType: { case: 'restAsync', value: {} },
    });
    expect(renamed.signingKey).toBeUndefined();
    const rotated = await iam.action.updateTarget({ id: created.id, expirationSigningKey: { seconds: 0n } });
    expect(rotated.signingKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.signingKey).not.toBe(created.signingKey);
    expect((await iam.action.getTarget({ id: created.id })).target).toMatchObject({
      name: 'audit',
      targetType: { case: 'restAsync' },
      signingKey: rotated.signingKey,
    });
    const second = await iam.action.createTarget({
      name: 'second',
      targetType: { case: 'restCall', value: {} },
      timeout: { seconds: 1n },
      endpoint: 'https://x.example',
    });
    const page = await iam.action.listTargets({
      pagination: { limit: 1 },
      filters: [{ filter: { case: 'inTargetIdsFilter', value: { targetIds: [created.id, second.id] } } }],
    });
    expect(page.pagination).toMatchObject({ totalResult: 2n, appliedLimit: 1n });
    expect(page.targets.map((t) => t.name)).toEqual(['audit']);
    const byName = await iam.action.listTargets({
      filters: [{ filter: { case: 'targetNameFilter', value: { targetName: 'sec', method: 2 } } }],
    });
    expect(byName.targets.map((t) => t.name)).toEqual(['second']);
    expect((await iam.action.deleteTarget({ id: created.id })).deletionDate).toBeDefined();
    expect(await failure(iam.action.getTarget({ id: created.id }))).toEqual({
      code: Code.NotFound,
      message: 'Errors.Target.NotFound (QUERY-hj5oaniyrz)',
      id: 'QUERY-hj5oaniyrz',
    });
    expect(await failure(iam.action.deleteTarget({ id: created.id }))).toMatchObject({ id: 'COMMAND-k4s7ucu0ax' });
  });

  it('refuses a duplicate name, a missing type or timeout, a timeout above 270s, and an org owner', async () => {
    const base = {
      targetType: { case: 'restCall' as const, value: {} },
      endpoint: 'https://e.example',
      timeout: { seconds: 5n },
    };
    await iam.action.createTarget({ ...base, name: 'dup' });
    expect(await failure(iam.action.createTarget({ ...base, name: 'dup' }))).toMatchObject({
      code: Code.AlreadyExists,
      id: 'V3-DKcYh',
    });
    expect(
      await failure(iam.action.createTarget({ name: 'x', endpoint: 'https://e.example', timeout: { seconds: 5n } })),
    ).toEqual({
      code: Code.InvalidArgument,
      message: 'invalid CreateTargetRequest.TargetType: value is required',
      id: undefined,
    });
    expect(
      await failure(iam.action.createTarget({ name: 'x', targetType: base.targetType, endpoint: 'https://e.example' })),
    ).toEqual({
      code: Code.InvalidArgument,
      message: 'Errors.Target.NoTimeout (COMMAND-39f35d8uri)',
      id: 'COMMAND-39f35d8uri',
    });
    expect(await failure(iam.action.createTarget({ ...base, name: 'x', timeout: { seconds: 271n } }))).toMatchObject({
      code: Code.InvalidArgument,
      message: 'invalid CreateTargetRequest.Timeout: value must be inside range [0s, 4m30s]',
    });
    expect(await failure(owner.action.createTarget({ ...base, name: 'y' }))).toMatchObject({
      code: Code.PermissionDenied,
      id: 'AUTH-5mWD2',
    });
    expect(await failure(owner.action.listTargets({}))).toMatchObject({ code: Code.PermissionDenied });
  });

  it('SetExecution stores conditions and targets that ListExecutions filters; no targets removes the execution', async () => {
    const target = await iam.action.createTarget({
      name: 'exec-target',
      targetType: { case: 'restCall', value: {} },
      timeout: { seconds: 3n },
      endpoint: 'https://exec.example',
    });
    const method = '/zitadel.user.v2.UserService/AddHumanUser';
    await iam.action.setExecution({
      condition: { conditionType: { case: 'request', value: { condition: { case: 'method', value: method } } } },
      targets: [target.id],
    });
    await iam.action.setExecution({
      condition: { conditionType: { case: 'function', value: { name: 'preaccesstoken' } } },
      targets: [target.id],
    });
    await iam.action.setExecution({
      condition: { conditionType: { case: 'event', value: { condition: { case: 'group', value: 'user.human' } } } },
      targets: [target.id],
    });
    const all = await iam.action.listExecutions({
      filters: [{ filter: { case: 'targetFilter', value: { targetId: target.id } } }],
    });
    expect(all.pagination?.totalResult).toBe(3n);
    expect(all.executions.map((e) => e.condition?.conditionType)).toEqual([
      { case: 'request', value: expect.objectContaining({ condition: { case: 'method', value: method } }) },
      { case: 'function', value: expect.objectContaining({ name: 'preaccesstoken' }) },
      { case: 'event', value: expect.objectContaining({ condition: { case: 'group', value: 'user.human' } }) },
    ]);
    expect(all.executions[0]?.targets).toEqual([target.id]);
    const functions = await iam.action.listExecutions({
      filters: [{ filter: { case: 'executionTypeFilter', value: { executionType: 4 } } }],
    });
    expect(functions.executions).toHaveLength(1);
    await iam.action.setExecution({
      condition: { conditionType: { case: 'function', value: { name: 'preaccesstoken' } } },
      targets: [],
    });
    expect((await iam.action.listExecutions({})).executions).toHaveLength(2);
    expect(
      await failure(
        iam.action.setExecution({
          condition: { conditionType: { case: 'function', value: { name: 'preuserinfo' } } },
          targets: ['404'],
        }),
      ),
    ).toEqual({
      code: Code.NotFound,
      message: 'Errors.Target.NotFound (COMMAND-17e8fq1ggk)',
      id: 'COMMAND-17e8fq1ggk',
    });
    expect(await failure(iam.action.setExecution({ condition: {}, targets: [target.id] }))).toMatchObject({
      code: Code.InvalidArgument,
      message:
        'invalid SetExecutionRequest.Condition: embedded message failed validation | caused by: invalid Condition.ConditionType: value is required',
    });
    expect(await failure(owner.action.setExecution({}))).toMatchObject({ code: Code.PermissionDenied });
  });
});
