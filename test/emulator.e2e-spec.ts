// The emulator must reject what ZITADEL rejects, with the same status and error body.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ZitadelEmulator, type ServiceUserKeyFile } from 'nestjs-zitadel/testing';

let zitadel: ZitadelEmulator;
let projectId: string;
let keyFile: ServiceUserKeyFile;
let privateKey: KeyObject;
let app: { clientId: string; clientSecret?: string };

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'api' }).id;
  const user = zitadel.createServiceUser({ userName: 'worker' });
  keyFile = await zitadel.addServiceUserKey(user.userId);
  privateKey = createPrivateKey(keyFile.key);
  app = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
});
afterAll(() => zitadel.close());
beforeEach(() => zitadel.clearFaults());

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string;
  iat?: number;
  exp?: number;
}

function assertion(claims: Claims = {}, options: { kid?: string; key?: KeyObject } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const all = { iss: keyFile.userId, sub: keyFile.userId, aud: zitadel.issuer, iat: now - 2, exp: now + 60, ...claims };
  return new SignJWT({ ...all })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? keyFile.keyId })
    .sign(options.key ?? privateKey);
}

async function post(
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${zitadel.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const grant = async (jwt: string, scope = 'openid') =>
  post('/oauth/v2/token', { grant_type: JWT_BEARER, assertion: jwt, scope });
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('emulator discovery and keys', () => {
  it('publishes the discovery document with its issuer and endpoints', async () => {
    const doc = (await (await fetch(`${zitadel.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({
      issuer: zitadel.issuer,
      token_endpoint: `${zitadel.issuer}/oauth/v2/token`,
      introspection_endpoint: `${zitadel.issuer}/oauth/v2/introspect`,
      jwks_uri: `${zitadel.issuer}/oauth/v2/keys`,
      revocation_endpoint: `${zitadel.issuer}/oauth/v2/revoke`,
      userinfo_endpoint: `${zitadel.issuer}/oidc/v1/userinfo`,
    });
    expect(doc['introspection_endpoint_auth_methods_supported']).toEqual(
      expect.arrayContaining(['client_secret_basic', 'private_key_jwt']),
    );
  });

  it('publishes RS256 signing keys and keeps the old one after a rotation', async () => {
    const kids = async () =>
      (
        (await (await fetch(`${zitadel.issuer}/oauth/v2/keys`)).json()) as {
          keys: { kid: string; alg: string; use: string }[];
        }
      ).keys;
    const before = await kids();
    expect(before).toEqual([expect.objectContaining({ alg: 'RS256', use: 'sig', kid: expect.any(String) })]);
    await zitadel.rotateSigningKeys();
    const after = await kids();
    expect(after.map((k) => k.kid)).toEqual([before[0]?.kid, expect.any(String)]);
    await zitadel.rotateSigningKeys({ dropOld: true });
    expect(await kids()).toHaveLength(1);
  });
});

describe('emulator token endpoint: JWT-profile grant', () => {
  it('issues a Bearer token for a valid assertion', async () => {
    const { status, body } = await grant(await assertion());
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 43199, access_token: expect.any(String) });
  });

  it.each([
    ['an audience without the issuer', { aud: 'https://elsewhere.example' }, /audience/],
    ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 10 }, /expired/],
    ['an iat in the future', { iat: Math.floor(Date.now() / 1000) + 30 }, /^issuedAt of token is in the future/],
    ['an iat older than an hour', { iat: Math.floor(Date.now() / 1000) - 3700 }, /^issuedAt of token is to old/],
    // zitadel/oidc pkg/oidc/verifier.go, ErrSubjectInvalid.
    ['iss different from sub', { sub: '123' }, /^delegation not allowed, issuer and sub must be identical$/],
  ])('refuses %s with 400 invalid_grant', async (_, claims, description) => {
    const { status, body } = await grant(await assertion(claims));
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_grant');
    expect(body['error_description']).toMatch(description);
  });

  it('refuses an unknown kid, a foreign key, an expired key and unsigned or HMAC assertions', async () => {
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const expiring = await zitadel.addServiceUserKey(keyFile.userId, { expirationDate: new Date(Date.now() + 200) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = Math.floor(Date.now() / 1000);
    const unsigned = new UnsecuredJWT({})
      .setIssuer(keyFile.userId)
      .setSubject(keyFile.userId)
      .setAudience(zitadel.issuer)
      .setIssuedAt(now - 2)
      .setExpirationTime(now + 60)
      .encode();
    const hmac = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: keyFile.keyId })
      .setIssuer(keyFile.userId)
      .setSubject(keyFile.userId)
      .setAudience(zitadel.issuer)
      .setIssuedAt(now - 2)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const cases = [
      await assertion({}, { kid: '999' }),
      await assertion({}, { key: foreign }),
      await assertion({}, { kid: expiring.keyId, key: createPrivateKey(expiring.key) }),
      unsigned,
      hmac,
    ];
    for (const jwt of cases) {
      const { status, body } = await grant(jwt);
      expect(status).toBe(400);
      expect(body['error']).toBe('invalid_grant');
    }
  });

  it('refuses a missing grant type and an unknown grant', async () => {
    expect(await post('/oauth/v2/token', {})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await post('/oauth/v2/token', { grant_type: 'password' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
  });

  it('accepts a scope naming an unknown project: ZITADEL adds it to the audience unchecked', async () => {
    // internal/domain: AddAudScopeToAudience does not look the project up, nor does CreateOIDCSession.
    const { status } = await grant(await assertion(), 'openid urn:zitadel:iam:org:project:id:4242:aud');
    expect(status).toBe(200);
  });
});

describe('emulator token endpoint: client credentials', () => {
  it('decodes form-url-encoded Basic credentials (the test vector of ZITADEL docs)', async () => {
    zitadel.createServiceUser({ userName: '78366401571920522@amce', clientSecret: 'veryweaksecret!' });
    const { status } = await post(
      '/oauth/v2/token',
      { grant_type: 'client_credentials', scope: 'openid' },
      {
        authorization: 'Basic NzgzNjY0MDE1NzE5MjA1MjIlNDBhbWNlOnZlcnl3ZWFrc2VjcmV0JTIx',
      },
    );
    expect(status).toBe(200);
    const raw = `Basic ${Buffer.from('78366401571920522@amce:veryweaksecret!').toString('base64')}`;
    const plain = await post(
      '/oauth/v2/token',
      { grant_type: 'client_credentials', scope: 'openid' },
      { authorization: raw },
    );
    expect(plain.status).toBe(200); // '@' and '!' decode to themselves; a secret with '%' would not
    // internal/api/oidc clientCredentialsAuth: a wrong secret is a zerrors InvalidArgument, which
    // oidcError turns into 400 invalid_request with the i18n key as description.
    expect(
      await post(
        '/oauth/v2/token',
        { grant_type: 'client_credentials', scope: 'openid' },
        { authorization: basic('78366401571920522@amce', 'wrong') },
      ),
    ).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Errors.User.Machine.Secret.Invalid' },
    });
  });
});

async function tokenFor(scope: string): Promise<string> {
  return (await grant(await assertion(), scope)).body['access_token'] as string;
}
const introspect = (token: string, auth = basic(app.clientId, app.clientSecret ?? '')) =>
  post('/oauth/v2/introspect', { token }, { authorization: auth });

describe('emulator introspection', () => {
  it('answers active for a token with the project in its audience, inactive otherwise', async () => {
    const ours = await tokenFor(`openid urn:zitadel:iam:org:project:id:${projectId}:aud`);
    expect(await introspect(ours)).toMatchObject({
      status: 200,
      body: { active: true, sub: keyFile.userId, aud: [projectId], iss: zitadel.issuer, token_type: 'Bearer' },
    });
    expect(await introspect(await tokenFor('openid'))).toEqual({ status: 200, body: { active: false } });
    expect(await introspect('garbage')).toEqual({ status: 200, body: { active: false } });
  });

  it('answers inactive for revoked and expired tokens', async () => {
    const user = zitadel.createHumanUser({ userName: 'ann' });
    const token = await zitadel.issueToken({ userId: user.userId, clientId: app.clientId });
    expect((await introspect(token)).body['active']).toBe(true);
    await zitadel.revokeToken(token);
    expect((await introspect(token)).body).toEqual({ active: false });
    const expired = await zitadel.issueToken({
      userId: user.userId,
      clientId: app.clientId,
      expiresIn: -5,
      type: 'jwt',
    });
    expect((await introspect(expired)).body).toEqual({ active: false });
  });

  it('asserts role claims granted per organisation under both claim names', async () => {
    const project = zitadel.createProject({ name: 'roles' });
    zitadel.addProjectRole(project.id, { key: 'admin' });
    const other = zitadel.createOrg({ name: 'Other' });
    const user = zitadel.createHumanUser({ userName: 'bob' });
    zitadel.grantRoles({ userId: user.userId, projectId: project.id, roleKeys: ['admin'] });
    zitadel.grantRoles({ userId: user.userId, projectId: project.id, roleKeys: ['admin'], orgId: other.id });
    const rolesApp = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'client_secret_basic' });
    const token = await zitadel.issueToken({
      userId: user.userId,
      scopes: ['openid', 'urn:zitadel:iam:org:projects:roles', `urn:zitadel:iam:org:project:id:${project.id}:aud`],
    });
    const { body } = await introspect(token, basic(rolesApp.clientId, rolesApp.clientSecret ?? ''));
    const roles = {
      admin: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain, [other.id]: other.primaryDomain },
    };
    expect(body['urn:zitadel:iam:org:project:roles']).toEqual(roles);
    expect(body[`urn:zitadel:iam:org:project:${project.id}:roles`]).toEqual(roles);
  });
});

describe('emulator faults and request log', () => {
  it('injects statuses, delays and dropped connections, for a number of requests, and logs requests', async () => {
    zitadel.clearRequestLog();
    zitadel.injectFault({ endpoint: 'jwks', status: 503, headers: { 'retry-after': '2' }, times: 1 });
    const first = await fetch(`${zitadel.issuer}/oauth/v2/keys`);
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '2']);
    expect((await fetch(`${zitadel.issuer}/oauth/v2/keys`)).status).toBe(200);
    zitadel.injectFault({ endpoint: 'jwks', drop: true, times: 1 });
    await expect(fetch(`${zitadel.issuer}/oauth/v2/keys`)).rejects.toThrow();
    const remove = zitadel.injectFault({ endpoint: 'jwks', delayMs: 300 });
    await expect(fetch(`${zitadel.issuer}/oauth/v2/keys`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    remove();
    expect(zitadel.requestCount('jwks')).toBe(4);
    expect(zitadel.requests.map((r) => r.endpoint)).toEqual(['jwks', 'jwks', 'jwks', 'jwks']);
  });
});
