// The emulator's management API on the wire, spoken to with plain fetch: ZITADEL's authorisation
// order and error bodies, the gRPC gateway's routing and JSON handling (snake_case accepted,
// zero values left out, 64-bit numbers as strings).
import { ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

let zitadel: ZitadelEmulator;
let adminId: string;
/** A token of an ORG_OWNER of the default organisation, with the ZITADEL API audience. */
let token: string;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  adminId = zitadel.createServiceUser({ userName: 'admin' }).userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, adminId, ['ORG_OWNER']);
  token = await zitadel.issueToken({ userId: adminId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
});
afterAll(() => zitadel.close());

async function call(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string>; token?: string | null } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  const bearer = init.token === undefined ? token : init.token;
  if (bearer !== null) headers['authorization'] = `Bearer ${bearer}`;
  const response = await fetch(`${zitadel.issuer}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const detail = (id: string, message: string) => ({
  '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
  id,
  message,
});

describe('authorisation', () => {
  it('refuses a missing header, a header that is not Bearer, an unknown token, a token without the ZITADEL API audience', async () => {
    expect(await call('POST', '/management/v1/users/_search', { body: '{}', token: null })).toMatchObject({
      status: 401,
      body: { code: 16, message: 'auth header missing' },
    });
    expect(
      await call('POST', '/management/v1/users/_search', {
        body: '{}',
        headers: { authorization: 'Basic abc' },
        token: null,
      }),
    ).toEqual({
      status: 401,
      type: 'application/json',
      body: {
        code: 16,
        message: 'invalid auth header (AUTH-7fs1e)',
        details: [detail('AUTH-7fs1e', 'invalid auth header')],
      },
    });
    expect(
      (await call('POST', '/management/v1/users/_search', { body: '{}', token: 'not-a-token' })).body,
    ).toMatchObject({ code: 16, details: [detail('APP-Reb32', 'invalid token')] });
    const noAudience = await zitadel.issueToken({ userId: adminId, scopes: ['openid'] });
    expect(await call('POST', '/management/v1/users/_search', { body: '{}', token: noAudience })).toMatchObject({
      status: 401,
      body: { code: 16, message: 'invalid audience (APP-Zxfako)' },
    });
  });

  it('refuses a revoked or expired token', async () => {
    const revoked = await zitadel.issueToken({ userId: adminId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
    zitadel.revokeToken(revoked);
    expect((await call('POST', '/management/v1/users/_search', { body: '{}', token: revoked })).status).toBe(401);
    const expired = await zitadel.issueToken({
      userId: adminId,
      scopes: ['openid', ZitadelScopes.zitadelApi()],
      expiresIn: -10,
    });
    expect((await call('POST', '/management/v1/users/_search', { body: '{}', token: expired })).status).toBe(401);
  });

  it('needs a manager role in the organisation addressed; instance roles count everywhere', async () => {
    const other = zitadel.createOrg({ name: 'Other' });
    const denied = await call('POST', '/management/v1/users/_search', {
      body: '{}',
      headers: { 'x-zitadel-orgid': other.id },
    });
    expect(denied).toEqual({
      status: 403,
      type: 'application/json',
      body: {
        code: 7,
        message: 'No matching permissions found (AUTH-5mWD2)',
        details: [detail('AUTH-5mWD2', 'No matching permissions found')],
      },
    });
    const viewer = zitadel.createServiceUser({ userName: 'viewer' }).userId;
    zitadel.addOrgMember(zitadel.defaultOrg.id, viewer, ['ORG_OWNER_VIEWER']);
    const viewerToken = await zitadel.issueToken({ userId: viewer, scopes: ['openid', ZitadelScopes.zitadelApi()] });
    expect((await call('POST', '/management/v1/users/_search', { body: '{}', token: viewerToken })).status).toBe(200);
    expect(
      (
        await call('POST', '/management/v1/orgs/me/members', {
          body: JSON.stringify({ userId: viewer, roles: ['ORG_OWNER'] }),
          token: viewerToken,
        })
      ).status,
    ).toBe(403);
    const iam = zitadel.createServiceUser({ userName: 'iam' }).userId;
    zitadel.addInstanceMember(iam, ['IAM_OWNER']);
    const iamToken = await zitadel.issueToken({ userId: iam, scopes: ['openid', ZitadelScopes.zitadelApi()] });
    expect(
      (
        await call('POST', '/management/v1/users/_search', {
          body: '{}',
          token: iamToken,
          headers: { 'x-zitadel-orgid': other.id },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('POST', '/management/v1/users/_search', { body: '{}', headers: { 'x-zitadel-orgid': '42' } })).body,
    ).toMatchObject({
      code: 7,
      message: "Organisation doesn't exist (AUTH-Bs7Ds)",
    });
  });
});

describe('gateway', () => {
  it('answers unknown paths 404 and known paths with another method 405', async () => {
    expect(await call('GET', '/management/v1/nothing')).toEqual({
      status: 404,
      type: 'application/json',
      body: { code: 5, message: 'Not Found' },
    });
    expect(await call('GET', '/management/v1/users/_search')).toMatchObject({
      status: 404,
      body: { code: 5, message: 'Errors.User.NotFound (EMU-Us3rN)' },
    });
    expect(await call('PUT', '/management/v1/orgs/me/members')).toEqual({
      status: 405,
      type: 'application/json',
      body: { code: 12, message: 'Method Not Allowed' },
    });
  });

  it('answers a body that is no JSON object with 400 before checking the token', async () => {
    for (const body of ['{', '[1]', '"x"']) {
      expect(await call('POST', '/management/v1/users/_search', { body, token: null })).toMatchObject({
        status: 400,
        body: { code: 3 },
      });
    }
    expect(await call('POST', '/management/v1/users/_search', { body: '{"query":{"limit":"many"}}' })).toMatchObject({
      status: 400,
      body: { code: 3 },
    });
  });

  it('reads snake_case and camelCase, ignores unknown fields, writes camelCase with zero values left out and uint64 as strings', async () => {
    const created = await call('POST', '/management/v1/users/human/_import', {
      body: JSON.stringify({
        user_name: 'snake',
        profile: { first_name: 'Sna', last_name: 'Ke' },
        email: { email: 'snake@example.com' },
        surprise: true,
      }),
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      userId: expect.stringMatching(/^\d{18}$/),
      details: {
        sequence: expect.stringMatching(/^\d+$/),
        creationDate: expect.any(String),
        changeDate: expect.any(String),
        resourceOwner: zitadel.defaultOrg.id,
      },
    });
    const found = await call('POST', '/management/v1/users/_search', {
      body: JSON.stringify({
        query: { offset: 0, limit: '10' },
        queries: [{ user_name_query: { user_name: 'snake' } }],
      }),
    });
    expect(found.body['details']).toMatchObject({
      totalResult: '1',
      processedSequence: expect.stringMatching(/^\d+$/),
      viewTimestamp: expect.any(String),
    });
    expect(found.body['result']).toEqual([
      {
        id: (created.body as { userId: string }).userId,
        details: expect.any(Object),
        // No password and an unverified email: ZITADEL keeps the user in the initial state.
        state: 'USER_STATE_INITIAL',
        userName: 'snake',
        loginNames: ['snake@zitadel.localhost'],
        preferredLoginName: 'snake@zitadel.localhost',
        human: {
          profile: { firstName: 'Sna', lastName: 'Ke', displayName: 'Sna Ke' },
          email: { email: 'snake@example.com' },
        },
      },
    ]);
    const none = await call('POST', '/management/v1/users/_search', {
      body: JSON.stringify({ queries: [{ userNameQuery: { userName: 'nobody' } }] }),
    });
    expect(none.body).toEqual({
      details: { processedSequence: expect.any(String), viewTimestamp: expect.any(String) },
    });
  });

  it('reports request validation like protoc-gen-validate, without an error id', async () => {
    const answer = await call('POST', '/management/v1/users/human/_import', {
      body: JSON.stringify({ userName: 'x', profile: { firstName: '', lastName: 'y' }, email: { email: 'x@y.z' } }),
    });
    expect(answer).toEqual({
      status: 400,
      type: 'application/json',
      body: {
        code: 3,
        message:
          'invalid ImportHumanUserRequest.Profile: embedded message failed validation | caused by: invalid ImportHumanUserRequest_Profile.FirstName: value length must be between 1 and 200 runes, inclusive',
      },
    });
    expect(
      (await call('POST', '/management/v1/users/_search', { body: JSON.stringify({ query: { limit: 1001 } }) })).body,
    ).toMatchObject({ code: 3 });
  });
});
