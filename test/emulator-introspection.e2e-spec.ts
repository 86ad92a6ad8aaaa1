// The emulator's introspection, userinfo and revocation endpoints over real HTTP: client
// authentication by secret and by key (private_key_jwt), ZITADEL's audience rule, inactive tokens,
// the claims an active answer carries, and signing key rotation.
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { ZitadelEmulator, type EmulatorApiApplication } from 'nestjs-zitadel/testing';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How a client authenticates: form fields (an assertion) or a Basic header. */
interface Credentials {
  readonly form?: Record<string, string>;
  readonly authorization?: string;
}

let zitadel: ZitadelEmulator;
let projectId: string;
let otherProjectId: string;
/** The project's API, authenticating with its secret. */
let secretApi: EmulatorApiApplication;
/** The project's API, authenticating with its key. */
let keyApi: EmulatorApiApplication;
let human: { userId: string };

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'reports' }).id;
  otherProjectId = zitadel.createProject({ name: 'billing' }).id;
  zitadel.addProjectRole(projectId, { key: 'reader' });
  zitadel.addProjectRole(otherProjectId, { key: 'payer' });
  secretApi = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
  keyApi = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
  human = zitadel.createHumanUser({
    userName: 'ada',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    preferredLanguage: 'en',
  });
  zitadel.grantRoles({ userId: human.userId, projectId, roleKeys: ['reader'] });
  zitadel.grantRoles({ userId: human.userId, projectId: otherProjectId, roleKeys: ['payer'] });
});
afterAll(() => zitadel.close());

const now = (): number => Math.floor(Date.now() / 1000);
const formUrlEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${formUrlEncode(id)}:${formUrlEncode(secret)}`).toString('base64')}`;
const audience = (id: string): string => `urn:zitadel:iam:org:project:id:${id}:aud`;

/** A `private_key_jwt` client assertion as an API signs it. */
function clientAssertion(
  app: EmulatorApiApplication,
  options: { claims?: JWTPayload; key?: KeyObject } = {},
): Promise<string> {
  const file = app.keyFile;
  if (file === undefined) throw new Error('the app has no key');
  const claims = {
    iss: app.clientId,
    sub: app.clientId,
    aud: zitadel.issuer,
    iat: now() - 5,
    exp: now() + 60,
    jti: randomUUID(),
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: file.keyId })
    .sign(options.key ?? createPrivateKey(file.key));
}

/** Client credentials of the key-based API: an assertion signed with its key, claims overridable. */
const byAssertion = async (options: Parameters<typeof clientAssertion>[1]): Promise<Credentials> => ({
  form: { client_assertion_type: ASSERTION_TYPE, client_assertion: await clientAssertion(keyApi, options) },
});

async function call(
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; response: Response }> {
  const response = await fetch(`${zitadel.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? '' : (JSON.parse(text) as unknown), response };
}

/** Introspection as the secret API. */
async function introspect(
  token: string,
  app: EmulatorApiApplication = secretApi,
): Promise<{ status: number; body: unknown }> {
  const { status, body } = await call(
    '/oauth/v2/introspect',
    { token },
    { authorization: basic(app.clientId, app.clientSecret ?? '') },
  );
  return { status, body };
}

const issue = (scopes: string[], extra: Partial<Parameters<ZitadelEmulator['issueToken']>[0]> = {}): Promise<string> =>
  zitadel.issueToken({ userId: human.userId, scopes, ...extra });

describe('introspection: client authentication', () => {
  it('accepts client_secret_basic and private_key_jwt', async () => {
    const token = await issue(['openid', audience(projectId)]);
    expect(await introspect(token)).toMatchObject({ status: 200, body: { active: true } });
    const byKey = await call('/oauth/v2/introspect', {
      token,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(keyApi),
    });
    expect(byKey).toMatchObject({ status: 200, body: { active: true, sub: human.userId } });
  });

  it.each<[string, () => Promise<Credentials>]>([
    ['a wrong secret', async () => ({ authorization: basic(secretApi.clientId, 'wrong') })],
    ['an unknown client', async () => ({ authorization: basic('123@nowhere', 'x') })],
    ['a secret for a key-based app', async () => ({ authorization: basic(keyApi.clientId, 'x') })],
    [
      'an assertion signed by another key',
      () => byAssertion({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    ],
    ['an assertion for another audience', () => byAssertion({ claims: { aud: 'https://elsewhere' } })],
    ['an expired assertion', () => byAssertion({ claims: { exp: now() - 5 } })],
    ['an assertion issued more than an hour ago', () => byAssertion({ claims: { iat: now() - 3700 } })],
    ['an assertion whose sub is not its iss', () => byAssertion({ claims: { sub: secretApi.clientId } })],
  ])('refuses %s with 400 {"error":"unauthorized_client"}', async (_name, credentials) => {
    const token = await issue(['openid', audience(projectId)]);
    const { form = {}, authorization } = await credentials();
    const result = await call(
      '/oauth/v2/introspect',
      { token, ...form },
      authorization === undefined ? {} : { authorization },
    );
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: 'unauthorized_client' });
  });

  it('answers missing credentials and a missing token as ZITADEL does', async () => {
    expect(await call('/oauth/v2/introspect', { token: 'x' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'client_id or client_assertion must be provided' },
    });
    expect(await call('/oauth/v2/introspect', { token: 'x', client_id: secretApi.clientId })).toMatchObject({
      status: 400,
      body: { error: 'invalid_client', error_description: 'client must be authenticated' },
    });
    expect(
      await call(
        '/oauth/v2/introspect',
        {},
        { authorization: basic(secretApi.clientId, secretApi.clientSecret ?? '') },
      ),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'token missing' },
    });
    expect(
      await call('/oauth/v2/introspect', { token: 'x', client_assertion_type: 'other', client_assertion: 'a.b.c' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'invalid client_assertion_type other' },
    });
  });

  // zitadel/zitadel internal/api/oidc/introspect.go, Server.Introspect: client and token are checked
  // concurrently, and a client error replaces a token error whichever arrives first ("we prioritize
  // the client error over the token error"); only unauthorized_client is reported.
  it('reports the client’s failure when both the client and the token are bad', async () => {
    const wrongSecret = { authorization: basic(secretApi.clientId, 'wrong') };
    const foreign = await byAssertion({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey });
    const expired = await issue(['openid', audience(projectId)], { expiresIn: -10 });
    for (const token of ['garbage', randomUUID(), expired]) {
      expect(await call('/oauth/v2/introspect', { token }, wrongSecret)).toMatchObject({
        status: 400,
        body: { error: 'unauthorized_client' },
      });
      expect(await call('/oauth/v2/introspect', { token, ...foreign.form })).toMatchObject({
        status: 400,
        body: { error: 'unauthorized_client' },
      });
    }
  });

  it('hides an unparsable client assertion as an inactive token, as ZITADEL does', async () => {
    const token = await issue(['openid', audience(projectId)]);
    expect(
      await call('/oauth/v2/introspect', {
        token,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: 'not-a-jwt',
      }),
    ).toMatchObject({
      status: 200,
      body: { active: false },
    });
  });
});

describe('introspection: the audience rule and inactive tokens', () => {
  it('is active only for an API whose project or client id is in the audience', async () => {
    const forProject = await issue(['openid', audience(projectId)]);
    const forOther = await issue(['openid', audience(otherProjectId)]);
    const forNobody = await issue(['openid']);
    const forClient = await issue(['openid'], { clientId: secretApi.clientId });
    expect((await introspect(forProject)).body).toMatchObject({ active: true });
    expect(await introspect(forOther)).toEqual({ status: 200, body: { active: false } });
    expect(await introspect(forNobody)).toEqual({ status: 200, body: { active: false } });
    expect((await introspect(forClient)).body).toMatchObject({
      active: true,
      aud: [secretApi.clientId, projectId],
      client_id: secretApi.clientId,
    });
  });

  it('answers {"active":false} for expired, not-yet-valid, revoked, unknown and tampered tokens, opaque or JWT', async () => {
    const scopes = ['openid', audience(projectId)];
    for (const type of ['opaque', 'jwt'] as const) {
      const revoked = await issue(scopes, { type });
      expect(zitadel.revokeToken(revoked)).toBe(true);
      const inactive = [
        await issue(scopes, { type, expiresIn: -10 }),
        await issue(scopes, { type, notBefore: new Date(Date.now() + 60_000) }),
        revoked,
      ];
      for (const token of inactive) expect(await introspect(token)).toEqual({ status: 200, body: { active: false } });
    }
    const jwt = await issue(scopes, { type: 'jwt' });
    const [header, , signature] = jwt.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(jwt), sub: '1' })).toString('base64url')}.${signature}`;
    for (const token of ['unknown', randomUUID(), forged])
      expect(await introspect(token)).toEqual({ status: 200, body: { active: false } });
  });

  // zitadel/schema decoder.go, Decoder.decode: a field takes the last value of its parameter; Go's
  // ParseForm puts the body's values before the query's (zitadel/oidc pkg/op/server_http.go,
  // decodeRequest).
  it('reads the last value of a parameter sent twice, the query string after the body', async () => {
    const token = await issue(['openid', audience(projectId)]);
    expect(await introspectRaw(`token=${token}&token=unknown`)).toEqual({ active: false });
    expect(await introspectRaw(`token=unknown&token=${token}`)).toMatchObject({ active: true });
    expect(await introspectRaw(`token=${token}`, '?token=unknown')).toEqual({ active: false });
    expect(await introspectRaw('token=unknown', `?token=${token}`)).toMatchObject({ active: true });
  });

  it('does not accept a JWT signed by a key the instance does not publish', async () => {
    const jwt = await issue(['openid', audience(projectId)], { type: 'jwt' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const resigned = await new SignJWT(decodeJwt(jwt))
      .setProtectedHeader({ alg: 'RS256', kid: 'foreign' })
      .sign(privateKey);
    expect(await introspect(resigned)).toEqual({ status: 200, body: { active: false } });
  });
});

describe('introspection: what an active token carries', () => {
  it('answers RFC 7662 and ZITADEL’s fields, and the profile and email claims the scope asked for', async () => {
    const token = await issue(['openid', 'profile', 'email', audience(projectId)]);
    const { body } = await introspect(token);
    expect(body).toEqual({
      active: true,
      scope: `openid profile email ${audience(projectId)}`,
      client_id: 'ada',
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
      auth_time: expect.any(Number),
      nbf: expect.any(Number),
      sub: human.userId,
      aud: [projectId],
      amr: ['pwd'],
      iss: zitadel.issuer,
      jti: expect.stringMatching(/^V2_\d{18}-at_\d{18}$/),
      username: 'ada',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      locale: 'en',
      updated_at: expect.any(Number),
      preferred_username: 'ada',
      email: 'ada@example.com',
      email_verified: true,
      // The introspecting API's project roles are always asserted, under both claims.
      'urn:zitadel:iam:org:project:roles': { reader: { [zitadel.defaultOrg.id]: 'zitadel.localhost' } },
      [`urn:zitadel:iam:org:project:${projectId}:roles`]: { reader: { [zitadel.defaultOrg.id]: 'zitadel.localhost' } },
    });
    const { exp, iat } = body as { exp: number; iat: number };
    expect(exp - iat).toBe(43200);
  });

  it('leaves out profile claims and username without the profile scope, and other projects’ roles always', async () => {
    const token = await issue([
      'openid',
      audience(projectId),
      audience(otherProjectId),
      'urn:zitadel:iam:org:projects:roles',
    ]);
    const body = (await introspect(token)).body as Record<string, unknown>;
    expect(body).not.toHaveProperty('username');
    expect(body).not.toHaveProperty('name');
    expect(body).not.toHaveProperty(`urn:zitadel:iam:org:project:${otherProjectId}:roles`);
    expect(body[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      reader: { [zitadel.defaultOrg.id]: 'zitadel.localhost' },
    });
  });

  it('asserts roles granted by several organisations under both claim names', async () => {
    const project = zitadel.createProject({ name: 'roles' });
    zitadel.addProjectRole(project.id, { key: 'admin' });
    const other = zitadel.createOrg({ name: 'Other' });
    const user = zitadel.createHumanUser({ userName: 'bob' });
    zitadel.grantRoles({ userId: user.userId, projectId: project.id, roleKeys: ['admin'] });
    zitadel.grantRoles({ userId: user.userId, projectId: project.id, roleKeys: ['admin'], orgId: other.id });
    const rolesApi = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'client_secret_basic' });
    const token = await zitadel.issueToken({
      userId: user.userId,
      scopes: ['openid', 'urn:zitadel:iam:org:projects:roles', audience(project.id)],
    });
    const body = (await introspect(token, rolesApi)).body as Record<string, unknown>;
    const roles = {
      admin: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain, [other.id]: other.primaryDomain },
    };
    expect(body['urn:zitadel:iam:org:project:roles']).toEqual(roles);
    expect(body[`urn:zitadel:iam:org:project:${project.id}:roles`]).toEqual(roles);
  });

  it('reflects grants as they are at introspection time for opaque tokens', async () => {
    const user = zitadel.createHumanUser({ userName: 'late' });
    const token = await zitadel.issueToken({ userId: user.userId, scopes: ['openid', audience(projectId)] });
    expect((await introspect(token)).body).not.toHaveProperty('urn:zitadel:iam:org:project:roles');
    zitadel.grantRoles({ userId: user.userId, projectId, roleKeys: ['reader'] });
    expect((await introspect(token)).body).toHaveProperty(['urn:zitadel:iam:org:project:roles', 'reader']);
  });

  it('asserts the resource owner for `urn:zitadel:iam:user:resourceowner`', async () => {
    const token = await issue(['openid', audience(projectId), 'urn:zitadel:iam:user:resourceowner']);
    expect((await introspect(token)).body).toMatchObject({
      'urn:zitadel:iam:user:resourceowner:id': zitadel.defaultOrg.id,
      'urn:zitadel:iam:user:resourceowner:name': 'ZITADEL',
      'urn:zitadel:iam:user:resourceowner:primary_domain': 'zitadel.localhost',
    });
  });

  it('puts roles into user JWTs as requested by scope', async () => {
    const jwt = await issue(['openid', audience(projectId), 'urn:zitadel:iam:org:projects:roles'], { type: 'jwt' });
    expect(decodeJwt(jwt)[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      reader: { [zitadel.defaultOrg.id]: 'zitadel.localhost' },
    });
  });
});

describe('signing key rotation', () => {
  it('keeps the old key published after a rotation, then drops it on request', async () => {
    const scopes = ['openid', audience(projectId)];
    const before = await issue(scopes, { type: 'jwt' });
    const keys = async (): Promise<string[]> =>
      ((await (await fetch(`${zitadel.issuer}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const oldKid = String(JSON.parse(Buffer.from(before.split('.')[0] ?? '', 'base64url').toString()).kid);
    await zitadel.rotateSigningKeys();
    const after = await issue(scopes, { type: 'jwt' });
    const newKid = String(JSON.parse(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString()).kid);
    expect(newKid).not.toBe(oldKid);
    expect(await keys()).toEqual([oldKid, newKid]);
    expect((await introspect(before)).body).toMatchObject({ active: true });
    await zitadel.rotateSigningKeys({ dropOld: true });
    expect(await keys()).not.toContain(oldKid);
    expect(await keys()).not.toContain(newKid);
    expect(await introspect(before)).toEqual({ status: 200, body: { active: false } });
    expect(await introspect(after)).toEqual({ status: 200, body: { active: false } });
  });
});

const userinfo = (headers: Record<string, string>): Promise<Response> =>
  fetch(`${zitadel.issuer}/oidc/v1/userinfo`, { headers });

describe('userinfo', () => {
  it('answers the user’s claims for a Bearer token', async () => {
    const token = await issue(['openid', 'profile', 'email']);
    const response = await userinfo({ authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      sub: human.userId,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      email_verified: true,
      preferred_username: 'ada',
    });
  });

  it('asserts the roles of the token’s app project when the project asserts roles on authentication', async () => {
    for (const assertRolesOnAuthentication of [true, false]) {
      const project = zitadel.createProject({
        name: `assert-${assertRolesOnAuthentication}`,
        assertRolesOnAuthentication,
      });
      zitadel.addProjectRole(project.id, { key: 'viewer' });
      zitadel.grantRoles({ userId: human.userId, projectId: project.id, roleKeys: ['viewer'] });
      const web = await zitadel.createOidcApplication({ projectId: project.id, authMethod: 'none' });
      const token = await issue(['openid'], { clientId: web.clientId });
      const claims = (await (await userinfo({ authorization: `Bearer ${token}` })).json()) as Record<string, unknown>;
      const roles = { viewer: { [zitadel.defaultOrg.id]: 'zitadel.localhost' } };
      if (assertRolesOnAuthentication)
        expect(claims).toMatchObject({
          'urn:zitadel:iam:org:project:roles': roles,
          [`urn:zitadel:iam:org:project:${project.id}:roles`]: roles,
        });
      else expect(Object.keys(claims).filter((claim) => claim.endsWith(':roles'))).toEqual([]);
    }
  });

  it('refuses a missing and an invalid token with 401', async () => {
    const missing = await userinfo({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'access token missing' });
    const invalid = await userinfo({ authorization: 'Bearer nope' });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await invalid.json()).toEqual({ error: 'access_denied', error_description: 'access token invalid' });
  });
});

describe('revocation', () => {
  it('lets an OIDC application revoke its users’ tokens, and answers 200 for unknown ones', async () => {
    const web = await zitadel.createOidcApplication({ projectId, authMethod: 'client_secret_basic' });
    const token = await issue(['openid', audience(projectId)], { clientId: web.clientId });
    const revoke = (value: string): ReturnType<typeof call> =>
      call('/oauth/v2/revoke', { token: value }, { authorization: basic(web.clientId, web.clientSecret ?? '') });
    expect((await introspect(token)).body).toMatchObject({ active: true });
    expect(await revoke(token)).toMatchObject({ status: 200, body: '' });
    expect(await introspect(token)).toEqual({ status: 200, body: { active: false } });
    expect(await revoke('unknown')).toMatchObject({ status: 200 });
  });

  it('leaves a token of another client alone', async () => {
    const web = await zitadel.createOidcApplication({ projectId, authMethod: 'client_secret_basic' });
    const token = await issue(['openid', audience(projectId)]);
    expect(
      await call('/oauth/v2/revoke', { token }, { authorization: basic(web.clientId, web.clientSecret ?? '') }),
    ).toMatchObject({ status: 200 });
    expect((await introspect(token)).body).toMatchObject({ active: true });
  });

  it('refuses API applications and bad client credentials with ZITADEL’s invalid_client answers', async () => {
    const web = await zitadel.createOidcApplication({ projectId, authMethod: 'client_secret_basic' });
    expect(
      await call(
        '/oauth/v2/revoke',
        { token: 'x' },
        { authorization: basic(secretApi.clientId, secretApi.clientSecret ?? '') },
      ),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_client', error_description: 'no active client not found' },
    });
    expect(
      await call('/oauth/v2/revoke', { token: 'x' }, { authorization: basic(web.clientId, 'wrong') }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid secret' },
    });
  });
});

/** Introspects a raw form body (and query string) as the secret API application. */
async function introspectRaw(body: string, query = ''): Promise<Record<string, unknown>> {
  const response = await fetch(`${zitadel.issuer}/oauth/v2/introspect${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic(secretApi.clientId, secretApi.clientSecret ?? ''),
    },
    body,
  });
  return (await response.json()) as Record<string, unknown>;
}
