// The emulator's Connect services, spoken to with an independent client: @connectrpc/connect's
// own Node transport and ZITADEL's published descriptors, nothing of nestjs-zitadel's runtime.
import { createClient, Code, ConnectError, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

let zitadel: ZitadelEmulator;
let token: string;
let adminId: string;

const bearer =
  (value: () => string | undefined): Interceptor =>
  (next) =>
  (request) => {
    const current = value();
    if (current !== undefined) request.header.set('authorization', `Bearer ${current}`);
    return next(request);
  };

function client(useBinaryFormat: boolean, tokenOf: () => string | undefined = () => token): Client<typeof UserService> {
  return createClient(
    UserService,
    createConnectTransport({
      baseUrl: zitadel.issuer,
      httpVersion: '1.1',
      useBinaryFormat,
      interceptors: [bearer(tokenOf)],
    }),
  );
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
}

const human = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  profile: { givenName: 'Ada', familyName: username },
  email: { email: `${username}@example.com`, verification: { case: 'isVerified' as const, value: true } },
  ...extra,
});

const encode = (text: string) => new TextEncoder().encode(text);
const url = () => `${zitadel.issuer}/zitadel.user.v2.UserService/GetUserByID`;
const post = (path: string, init: RequestInit = {}) =>
  fetch(`${zitadel.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
    ...init,
  });

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  adminId = zitadel.createServiceUser({ userName: 'connect-admin' }).userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, adminId, ['ORG_OWNER']);
  token = await zitadel.issueToken({ userId: adminId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
});
afterAll(() => zitadel.close());

describe.each([
  ['JSON', false],
  ['binary', true],
])('UserService over Connect (%s)', (_codec, binary) => {
  const prefix = binary ? 'bin' : 'json';

  it('adds a human user and finds it by id, over v2 and over the v1 REST call', async () => {
    const users = client(binary);
    const added = await users.addHumanUser(human(`${prefix}-ada`));
    expect(added.userId).toMatch(/^\d{18}$/);
    expect(added.details?.resourceOwner).toBe(zitadel.defaultOrg.id);
    const found = await users.getUserByID({ userId: added.userId });
    expect(found.user?.username).toBe(`${prefix}-ada`);
    expect(found.user?.type.case).toBe('human');
    const v1 = await fetch(`${zitadel.issuer}/management/v1/users/${added.userId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(v1.status).toBe(200);
    expect(((await v1.json()) as { user: { userName: string } }).user.userName).toBe(`${prefix}-ada`);
  });

  it('creates humans and machines with CreateUser; a v1 user is found over v2', async () => {
    const users = client(binary);
    const machine = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: `${prefix}-robot`,
      userType: { case: 'machine', value: { name: 'Robot' } },
    });
    expect((await users.getUserByID({ userId: machine.id })).user?.type.case).toBe('machine');
    const person = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: `${prefix}-grace`,
      userType: { case: 'human', value: human(`${prefix}-grace`) },
    });
    expect((await users.getUserByID({ userId: person.id })).user?.username).toBe(`${prefix}-grace`);
    const imported = await fetch(`${zitadel.issuer}/management/v1/users/human/_import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        userName: `${prefix}-v1`,
        profile: { firstName: 'V', lastName: 'One' },
        email: { email: 'v1@example.com', isEmailVerified: true },
      }),
    });
    const { userId } = (await imported.json()) as { userId: string };
    expect((await users.getUserByID({ userId })).user?.username).toBe(`${prefix}-v1`);
  });

  it('lists users with queries, paging and a total', async () => {
    const users = client(binary);
    for (const n of [1, 2, 3]) await users.addHumanUser(human(`${prefix}-page-${n}`));
    const byName = {
      case: 'userNameQuery' as const,
      value: { userName: `${prefix}-page-`, method: 2 /* STARTS_WITH */ },
    };
    const page = await users.listUsers({
      query: { offset: 1n, limit: 1, asc: true },
      sortingColumn: 1 /* USER_NAME */,
      queries: [{ query: byName }],
    });
    expect(page.details?.totalResult).toBe(3n);
    expect(page.result.map((u) => u.username)).toEqual([`${prefix}-page-2`]);
    const machines = await users.listUsers({
      queries: [{ query: { case: 'typeQuery', value: { type: 2 /* MACHINE */ } } }],
    });
    expect(machines.result.every((u) => u.type.case === 'machine')).toBe(true);
    expect(machines.result.some((u) => u.userId === adminId)).toBe(true);
    const byEmail = await users.listUsers({
      queries: [{ query: { case: 'emailQuery', value: { emailAddress: `${prefix}-page-3@example.com` } } }],
    });
    expect(byEmail.result.map((u) => u.username)).toEqual([`${prefix}-page-3`]);
    const other = zitadel.createOrg({ name: `${prefix} other` });
    const inOther = await users.listUsers({
      queries: [{ query: { case: 'organizationIdQuery', value: { organizationId: other.id } } }],
    });
    expect(inOther.details?.totalResult).toBe(0n);
    expect(inOther.result).toEqual([]);
  });

  it('updates, deactivates (tokens stop working), reactivates and deletes a user', async () => {
    const users = client(binary);
    const { id: userId } = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: `${prefix}-cycle`,
      userType: { case: 'machine', value: { name: 'Cycle' } },
    });
    await users.updateHumanUser({
      userId: (await users.addHumanUser(human(`${prefix}-upd`))).userId,
      username: `${prefix}-upd2`,
      profile: { givenName: 'Grace', familyName: 'Hopper' },
    });
    const renamed = await users.listUsers({
      queries: [{ query: { case: 'userNameQuery', value: { userName: `${prefix}-upd2` } } }],
    });
    expect(renamed.result[0]?.type.case === 'human' && renamed.result[0].type.value.profile?.givenName).toBe('Grace');

    const own = await zitadel.issueToken({ userId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
    expect((await client(binary, () => own).getUserByID({ userId })).user?.userId).toBe(userId);
    await users.deactivateUser({ userId });
    expect((await users.getUserByID({ userId })).user?.state).toBe(2 /* INACTIVE */);
    expect((await failure(client(binary, () => own).getUserByID({ userId }))).code).toBe(Code.Unauthenticated);
    const again = await failure(users.deactivateUser({ userId }));
    expect([again.code, again.rawMessage]).toEqual([
      Code.FailedPrecondition,
      'Errors.User.AlreadyInactive (COMMAND-5gunjw0cd7)',
    ]);
    await users.reactivateUser({ userId });
    expect((await client(binary, () => own).getUserByID({ userId })).user?.state).toBe(1 /* ACTIVE */);
    await users.deleteUser({ userId });
    const gone = await failure(users.getUserByID({ userId }));
    expect([gone.code, gone.rawMessage]).toEqual([Code.NotFound, 'Errors.User.NotFound (QUERY-Dfbg2)']);
  });

  it('sets, lists (paged, filtered) and deletes metadata', async () => {
    const users = client(binary);
    const { userId } = await users.addHumanUser(human(`${prefix}-meta`));
    await users.setUserMetadata({
      userId,
      metadata: [
        { key: 'b', value: encode('two') },
        { key: 'a', value: encode('one') },
        { key: 'c', value: encode('three') },
      ],
    });
    const page = await users.listUserMetadata({ userId, pagination: { offset: 1n, limit: 1, asc: true } });
    expect(page.pagination?.totalResult).toBe(3n);
    expect(page.metadata.map((m) => [m.key, new TextDecoder().decode(m.value)])).toEqual([['b', 'two']]);
    const filtered = await users.listUserMetadata({
      userId,
      filters: [{ filter: { case: 'keyFilter', value: { key: 'c' } } }],
    });
    expect(filtered.metadata.map((m) => m.key)).toEqual(['c']);
    await users.deleteUserMetadata({ userId, keys: ['a', 'c'] });
    expect((await users.listUserMetadata({ userId })).metadata.map((m) => m.key)).toEqual(['b']);
  });

  it('adds a personal access token the emulator accepts, and a key the JWT-profile grant accepts', async () => {
    const users = client(binary);
    const { id: userId } = await users.createUser({
      organizationId: zitadel.defaultOrg.id,
      username: `${prefix}-pat`,
      userType: { case: 'machine', value: { name: 'PAT' } },
    });
    zitadel.addOrgMember(zitadel.defaultOrg.id, userId, ['ORG_USER_MANAGER']);
    const pat = await users.addPersonalAccessToken({ userId });
    expect(pat.tokenId).not.toBe('');
    const viaPat = await client(binary, () => pat.token).getUserByID({ userId: adminId });
    expect(viaPat.user?.username).toBe('connect-admin');

    const key = await users.addKey({ userId });
    const file = JSON.parse(new TextDecoder().decode(key.keyContent)) as { keyId: string; key: string; userId: string };
    expect([file.keyId, file.userId]).toEqual([key.keyId, userId]);
    const { importPKCS8, SignJWT } = await import('jose');
    const { createPrivateKey } = await import('node:crypto');
    const pkcs8 = createPrivateKey(file.key).export({ type: 'pkcs8', format: 'pem' }).toString();
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: file.keyId })
      .setIssuer(userId)
      .setSubject(userId)
      .setAudience(zitadel.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(await importPKCS8(pkcs8, 'RS256'));
    const grant = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
        scope: 'openid',
      }),
    });
    expect(grant.status).toBe(200);
  });

  it('answers errors with Connect codes and ZITADEL messages', async () => {
    const users = client(binary);
    const missing = await failure(users.getUserByID({ userId: '123456789012345678' }));
    expect([missing.code, missing.rawMessage]).toEqual([Code.NotFound, 'Errors.User.NotFound (QUERY-Dfbg2)']);

    await users.addHumanUser(human(`${prefix}-dup`));
    expect((await failure(users.addHumanUser(human(`${prefix}-dup`)))).code).toBe(Code.AlreadyExists);

    const invalid = await failure(users.addHumanUser({ username: `${prefix}-x` }));
    expect([invalid.code, invalid.rawMessage]).toEqual([
      Code.InvalidArgument,
      'invalid AddHumanUserRequest.Profile: value is required',
    ]);

    const plainId = zitadel.createServiceUser({ userName: `${prefix}-plain` }).userId;
    const plain = await zitadel.issueToken({ userId: plainId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
    const denied = await failure(client(binary, () => plain).addHumanUser(human(`${prefix}-nope`)));
    expect([denied.code, denied.rawMessage]).toEqual([Code.PermissionDenied, 'Errors.PermissionDenied (EMU-P3rmD)']);

    const anonymous = await failure(client(binary, () => undefined).getUserByID({ userId: adminId }));
    expect([anonymous.code, anonymous.rawMessage]).toEqual([Code.Unauthenticated, 'auth header missing']);
  });
});

describe('the Connect protocol on the wire', () => {
  it('answers an unknown method or service as connect-go does: 404, which Connect clients read as unimplemented', async () => {
    const response = await post('/zitadel.user.v2.UserService/NoSuchMethod');
    expect([response.status, await response.text()]).toEqual([404, '404 page not found\n']);
    expect((await post('/zitadel.nothing.v2.NoService/Get')).status).toBe(404);
    const transport = createConnectTransport({ baseUrl: zitadel.issuer, httpVersion: '1.1' });
    const unknown = await failure(
      transport.unary(
        { ...UserService.method.getUserByID, name: 'NoSuchMethod' },
        undefined,
        undefined,
        undefined,
        { userId: adminId },
        undefined,
      ),
    );
    expect(unknown.code).toBe(Code.Unimplemented);
  });

  it('refuses another HTTP method (405, Allow: POST) and another content type (415, Accept-Post)', async () => {
    const get = await fetch(url());
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const xml = await post('/zitadel.user.v2.UserService/GetUserByID', {
      headers: { 'content-type': 'text/xml', authorization: `Bearer ${token}` },
    });
    expect([xml.status, xml.headers.get('accept-post')]).toEqual([415, 'application/json, application/proto']);
  });

  it('checks Connect-Protocol-Version, reads an empty body as connect-go does, and writes ZITADEL error details', async () => {
    const wrong = await post('/zitadel.user.v2.UserService/GetUserByID', {
      headers: {
        'content-type': 'application/json',
        'connect-protocol-version': '2',
        authorization: `Bearer ${token}`,
      },
    });
    expect([wrong.status, await wrong.json()]).toEqual([
      400,
      { code: 'invalid_argument', message: 'Connect-Protocol-Version must be "1": got "2"' },
    ]);
    const empty = await post('/zitadel.user.v2.UserService/GetUserByID', { body: '' });
    expect(await empty.json()).toEqual({
      code: 'invalid_argument',
      message: 'unmarshal message: zero-length payload is not a valid JSON object',
    });
    const missing = await post('/zitadel.user.v2.UserService/GetUserByID', {
      body: JSON.stringify({ userId: '123456789012345678' }),
    });
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { code: string; details: { type: string; value: string; debug: unknown }[] };
    expect(body.code).toBe('not_found');
    expect(body.details).toEqual([
      {
        type: 'zitadel.v1.ErrorDetail',
        value: Buffer.from('\n\x0bQUERY-Dfbg2\x12\x14Errors.User.NotFound').toString('base64').replace(/=+$/, ''),
        debug: { id: 'QUERY-Dfbg2', message: 'Errors.User.NotFound' },
      },
    ]);
  });

  it('logs Connect calls as the management endpoint and applies its faults', async () => {
    zitadel.clearRequestLog();
    zitadel.injectFault({ endpoint: 'management', status: 503, times: 1 });
    const users = client(false);
    expect((await failure(users.getUserByID({ userId: adminId }))).code).toBe(Code.Unavailable);
    expect((await users.getUserByID({ userId: adminId })).user?.userId).toBe(adminId);
    expect(zitadel.requests.map((r) => [r.endpoint, r.path, r.status])).toEqual([
      ['management', '/zitadel.user.v2.UserService/GetUserByID', 503],
      ['management', '/zitadel.user.v2.UserService/GetUserByID', 200],
    ]);
  });
});
