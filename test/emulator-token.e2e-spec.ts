// The emulator's token endpoint over real HTTP, the test playing the client: the JWT-profile
// grant (each refused assertion answered as ZITADEL's OpenID library answers it), client
// credentials with form-url-encoded Basic credentials, reserved scopes, opaque and JWT tokens.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { ZitadelEmulator, type ServiceUserKeyFile } from 'nestjs-zitadel/testing';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const KEY_NOT_FOUND =
  'invalid signature (error fetching keys: ID=QUERY-Tha6f Message=Errors.AuthNKey.NotFound Parent=(sql: no rows in result set))';

let zitadel: ZitadelEmulator;
let projectId: string;
let userId: string;
let keyFile: ServiceUserKeyFile;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'reports' }).id;
  userId = zitadel.createServiceUser({ userName: 'reporter' }).userId;
  keyFile = await zitadel.addServiceUserKey(userId);
});
afterAll(() => zitadel.close());

const now = (): number => Math.floor(Date.now() / 1000);
/** A Go `time.Time` as ZITADEL prints it in error descriptions. */
const goTime = (seconds: number): string =>
  new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' +0000 UTC');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An RS256 assertion as a service user signs it; every claim and the header can be overridden. */
function assertion(
  options: { claims?: JWTPayload; kid?: string; key?: KeyObject; file?: ServiceUserKeyFile } = {},
): Promise<string> {
  const file = options.file ?? keyFile;
  const claims: JWTPayload = {
    iss: file.userId,
    sub: file.userId,
    aud: zitadel.issuer,
    iat: now() - 5,
    exp: now() + 120,
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? file.keyId })
    .sign(options.key ?? createPrivateKey(file.key));
}

async function post(
  body: Record<string, string>,
  headers: Record<string, string> = {},
  issuer = zitadel.issuer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${issuer}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const grant = async (jwt: string, scope = 'openid'): Promise<{ status: number; body: Record<string, unknown> }> =>
  post({ grant_type: JWT_BEARER, assertion: jwt, scope });

async function jwks(): Promise<JSONWebKeySet> {
  return (await (await fetch(`${zitadel.issuer}/oauth/v2/keys`)).json()) as JSONWebKeySet;
}

describe('JWT-profile grant', () => {
  it('answers a valid assertion with an opaque access token, 43199 s left and an ID token', async () => {
    const { status, body } = await grant(await assertion(), `openid urn:zitadel:iam:org:project:id:${projectId}:aud`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 43199 });
    expect(body['access_token']).toMatch(/^[\w-]{40,}$/);
    expect(decodeJwt(String(body['id_token']))).toMatchObject({
      iss: zitadel.issuer,
      sub: userId,
      client_id: 'reporter',
    });
  });

  it('issues JWT access tokens for a service user whose access token type is JWT, signed with a published key', async () => {
    const user = zitadel.createServiceUser({ userName: 'jwt-reporter', accessTokenType: 'jwt' });
    const file = await zitadel.addServiceUserKey(user.userId);
    const { status, body } = await grant(
      await assertion({ file }),
      `openid urn:zitadel:iam:org:project:id:${projectId}:aud`,
    );
    expect(status).toBe(200);
    const token = String(body['access_token']);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwks()), {
      issuer: zitadel.issuer,
      algorithms: ['RS256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: zitadel.issuer,
      sub: user.userId,
      aud: [projectId],
      client_id: 'jwt-reporter',
    });
    expect(payload.exp! - payload.iat!).toBe(43200);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.jti).toMatch(/^V2_\d{18}-at_\d{18}$/);
  });

  // zitadel/zitadel internal/api/oidc/token.go: createJWT builds oidc.NewAccessTokenClaims (zitadel/oidc
  // pkg/oidc/token.go) plus the user info's private claims; createIDToken builds oidc.NewIDTokenClaims
  // plus the user info, sid and at_hash; both are signed by internal/api/oidc/sign signerFromWebKey,
  // WithType("JWT"). So both kinds say typ JWT; only the claims tell them apart.
  it('signs JWT access tokens and ID tokens with ZITADEL’s header and exactly ZITADEL’s claims', async () => {
    const user = zitadel.createServiceUser({ userName: 'claims-reporter', accessTokenType: 'jwt' });
    const file = await zitadel.addServiceUserKey(user.userId);
    const { body } = await grant(await assertion({ file }), `openid urn:zitadel:iam:org:project:id:${projectId}:aud`);
    const accessToken = String(body['access_token']);
    const idToken = String(body['id_token']);
    for (const token of [accessToken, idToken]) {
      expect(Object.keys(decodeProtectedHeader(token)).sort()).toEqual(['alg', 'kid', 'typ']);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    }
    const access = decodeJwt(accessToken);
    expect(Object.keys(access).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
    expect(access).toMatchObject({ aud: [projectId], client_id: 'claims-reporter', sub: user.userId });
    const id = decodeJwt(idToken);
    // No jti, no nbf (IDTokenClaims' own NotBefore shadows the embedded one and is never set), no amr
    // for the JWT-profile grant (UserAuthMethodTypePrivateKey maps to no AMR value in amr.go).
    expect(Object.keys(id).sort()).toEqual([
      'at_hash',
      'aud',
      'auth_time',
      'azp',
      'client_id',
      'exp',
      'iat',
      'iss',
      'sid',
      'sub',
    ]);
    expect(id).toMatchObject({
      aud: [projectId, 'claims-reporter'],
      azp: 'claims-reporter',
      client_id: 'claims-reporter',
      sid: expect.stringMatching(/^V2_\d{18}$/),
    });
    expect(String(access.jti).startsWith(`${String(id.sid)}-at_`)).toBe(true);
    // Client credentials record UserAuthMethodTypePassword: amr ["pwd"] (token_client_credentials.go).
    const secretUser = zitadel.createServiceUser({ userName: 'claims-poster', withSecret: true });
    const cc = await post({
      grant_type: 'client_credentials',
      scope: 'openid',
      client_id: 'claims-poster',
      client_secret: secretUser.clientSecret ?? '',
    });
    expect(decodeJwt(String(cc.body['id_token']))).toMatchObject({ amr: ['pwd'], client_id: 'claims-poster' });
  });

  it('takes the lifetime from the options', async () => {
    const short = await ZitadelEmulator.start({ accessTokenLifetimeSeconds: 300 });
    try {
      const user = short.createServiceUser({ userName: 'short' });
      const file = await short.addServiceUserKey(user.userId);
      const jwt = await new SignJWT({
        iss: user.userId,
        sub: user.userId,
        aud: short.issuer,
        iat: now(),
        exp: now() + 60,
      })
        .setProtectedHeader({ alg: 'RS256', kid: file.keyId })
        .sign(createPrivateKey(file.key));
      expect(
        (await post({ grant_type: JWT_BEARER, assertion: jwt, scope: 'openid' }, {}, short.issuer)).body,
      ).toMatchObject({ expires_in: 299 });
    } finally {
      await short.close();
    }
  });

  it.each([
    [
      'an audience without the issuer',
      { aud: 'https://other.example' },
      (issuer: string) => `audience is not valid: Audience must contain client_id "${issuer}"`,
    ],
    [
      'no audience',
      { aud: undefined },
      (issuer: string) => `audience is not valid: Audience must contain client_id "${issuer}"`,
    ],
    ['an expired assertion', { exp: now() - 10 }, () => 'token has expired'],
    ['an assertion without exp', { exp: undefined }, () => 'token has expired'],
    ['no iat', { iat: undefined }, () => 'issuedAt of token is missing'],
    [
      'iss different from sub',
      { sub: '123456789012345678' },
      () => 'delegation not allowed, issuer and sub must be identical',
    ],
  ])('refuses %s with 400 invalid_grant and ZITADEL’s description', async (_name, claims, description) => {
    const { status, body } = await grant(await assertion({ claims }));
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_grant', error_description: description(zitadel.issuer) });
  });

  it('checks in ZITADEL’s order: audience before expiry before iat before iss = sub', async () => {
    const everythingWrong = { aud: 'https://other.example', exp: now() - 10, iat: now() + 600, sub: 'someone-else' };
    expect((await grant(await assertion({ claims: everythingWrong }))).body['error_description']).toMatch(
      /^audience is not valid/,
    );
    expect(
      (await grant(await assertion({ claims: { ...everythingWrong, aud: zitadel.issuer } }))).body['error_description'],
    ).toBe('token has expired');
    expect(
      (await grant(await assertion({ claims: { ...everythingWrong, aud: zitadel.issuer, exp: now() + 60 } }))).body[
        'error_description'
      ],
    ).toMatch(/^issuedAt of token is in the future/);
    // iss = sub is checked before the key is looked up: a wrong kid is not reported.
    expect(
      (await grant(await assertion({ kid: '999', claims: { sub: 'someone-else' } }))).body['error_description'],
    ).toBe('delegation not allowed, issuer and sub must be identical');
  });

  it('refuses an iat more than a second in the future, printing both times as ZITADEL does', async () => {
    const iat = now() + 60;
    const { status, body } = await grant(await assertion({ claims: { iat } }));
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_grant');
    expect(body['error_description']).toMatch(
      new RegExp(
        `^issuedAt of token is in the future: \\(iat: ${escape(goTime(iat))}, now with offset: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC\\)$`,
      ),
    );
  });

  it('accepts an iat one second ahead (ZITADEL’s offset)', async () => {
    expect((await grant(await assertion({ claims: { iat: now() + 1 } }))).status).toBe(200);
  });

  it('refuses an iat older than one hour, with the age in Go’s duration format', async () => {
    const iat = now() - 3700;
    const { status, body } = await grant(await assertion({ claims: { iat } }));
    expect(status).toBe(400);
    expect(body['error_description']).toMatch(
      new RegExp(
        `^issuedAt of token is to old: must not be older than .+ \\+0000 UTC, but was ${escape(goTime(iat))} \\(1m(39|40|41)s to old\\)$`,
      ),
    );
  });

  it('refuses an unknown kid, and a kid of another user’s key, as a key that is not found', async () => {
    expect(await grant(await assertion({ kid: '100000000000000000' }))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: KEY_NOT_FOUND },
    });
    const other = zitadel.createServiceUser({ userName: 'other' });
    const otherFile = await zitadel.addServiceUserKey(other.userId);
    // Signed with the other user's key, claiming to be `reporter`: the key is looked up by (kid, iss).
    expect(await grant(await assertion({ kid: otherFile.keyId, key: createPrivateKey(otherFile.key) }))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: KEY_NOT_FOUND },
    });
  });

  it('refuses a signature by the wrong key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await grant(await assertion({ key: privateKey }))).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'invalid signature (go-jose/go-jose: error in cryptographic primitive)',
      },
    });
  });

  it('refuses an expired key as not found, and accepts it before it expires', async () => {
    const expired = await zitadel.addServiceUserKey(userId, {
      expirationDate: new Date(Math.floor(Date.now() / 1000) * 1000 - 1000),
    });
    expect(expired.expirationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await grant(await assertion({ file: expired }))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: KEY_NOT_FOUND },
    });
    const valid = await zitadel.addServiceUserKey(userId, { expirationDate: new Date(Date.now() + 3_600_000) });
    expect((await grant(await assertion({ file: valid }))).status).toBe(200);
  });

  it('refuses HS256 and unsigned assertions: only RSA algorithms are parsed', async () => {
    const claims = { iss: userId, sub: userId, aud: zitadel.issuer, iat: now() - 5, exp: now() + 60 };
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: keyFile.keyId })
      .sign(new TextEncoder().encode('a'.repeat(32)));
    const unsigned = new UnsecuredJWT(claims).encode();
    for (const jwt of [hs256, unsigned]) {
      expect(await grant(jwt)).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'signature algorithm not supported' },
      });
    }
  });

  it('refuses what is not a JWT as invalid_request, and a missing assertion', async () => {
    expect(await grant('not-a-jwt')).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'parsing of request failed: token contains an invalid number of segments',
      },
    });
    expect(await post({ grant_type: JWT_BEARER, scope: 'openid' })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'assertion missing' },
    });
  });

  it('answers 500 server_error "Errors.Internal" for every refused assertion when emulating ZITADEL releases that do', async () => {
    const legacy = await ZitadelEmulator.start({ jwtProfileErrors: 'server_error' });
    try {
      const user = legacy.createServiceUser({ userName: 'legacy' });
      const file = await legacy.addServiceUserKey(user.userId);
      const jwt = await new SignJWT({
        iss: user.userId,
        sub: user.userId,
        aud: 'https://elsewhere',
        iat: now(),
        exp: now() + 60,
      })
        .setProtectedHeader({ alg: 'RS256', kid: file.keyId })
        .sign(createPrivateKey(file.key));
      expect(await post({ grant_type: JWT_BEARER, assertion: jwt, scope: 'openid' }, {}, legacy.issuer)).toEqual({
        status: 500,
        body: { error: 'server_error', error_description: 'Errors.Internal' },
      });
    } finally {
      await legacy.close();
    }
  });
});

describe('token endpoint requests', () => {
  it('requires grant_type, and names an unsupported one', async () => {
    expect(await post({ scope: 'openid' })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'grant_type missing' },
    });
    expect(await post({ grant_type: 'password' })).toEqual({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'password not supported' },
    });
  });

  // zitadel/oidc pkg/op/server_http.go, webServer.tokensHandler: the grant type is r.Form.Get("grant_type"),
  // the FIRST value; every other parameter goes through zitadel/schema (decoder.go, Decoder.decode), the LAST.
  it('takes the first grant_type but the last value of every other parameter', async () => {
    const jwt = await assertion();
    const granted = await postTokenForm(
      `grant_type=${JWT_BEARER}&grant_type=password&assertion=bad&assertion=${jwt}&scope=openid`,
    );
    expect(granted.status).toBe(200);
    expect(await postTokenForm(`grant_type=password&grant_type=${JWT_BEARER}&assertion=${jwt}&scope=openid`)).toEqual({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'password not supported' },
    });
    expect(await postTokenForm(`grant_type=${JWT_BEARER}&assertion=${jwt}&assertion=bad&scope=openid`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });

  it('reads only url-encoded forms: a JSON body has no grant_type', async () => {
    const response = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: JWT_BEARER, assertion: await assertion(), scope: 'openid' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'grant_type missing' });
  });

  it('refuses a form Go cannot parse', async () => {
    const response = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=%zz',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'error parsing form' });
  });

  it('requires a scope parameter, and drops scopes that are neither OpenID nor ZITADEL’s', async () => {
    const missing = await post({ grant_type: JWT_BEARER, assertion: await assertion() });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: 'invalid_request',
      error_description:
        'The scope of your request is missing. Please ensure some scopes are requested. If you have any questions, you may contact the administrator of the application.',
    });
    const user = zitadel.createServiceUser({ userName: 'scoped', accessTokenType: 'jwt' });
    const file = await zitadel.addServiceUserKey(user.userId);
    const { body } = await grant(await assertion({ file }), 'openid made-up urn:zitadel:iam:user:resourceowner');
    expect(decodeJwt(String(body['access_token']))).toMatchObject({
      'urn:zitadel:iam:user:resourceowner:id': zitadel.defaultOrg.id,
    });
  });
});

describe('reserved scopes', () => {
  let jwtUser: { userId: string };
  let jwtFile: ServiceUserKeyFile;
  let otherOrg: { id: string; primaryDomain: string };

  beforeAll(async () => {
    jwtUser = zitadel.createServiceUser({ userName: 'claims', accessTokenType: 'jwt' });
    jwtFile = await zitadel.addServiceUserKey(jwtUser.userId);
    zitadel.addProjectRole(projectId, { key: 'admin' });
    zitadel.addProjectRole(projectId, { key: 'user' });
    otherOrg = zitadel.createOrg({ name: 'Other Corp' });
    zitadel.grantRoles({ userId: jwtUser.userId, projectId, roleKeys: ['admin', 'user'] });
    zitadel.grantRoles({ userId: jwtUser.userId, projectId, roleKeys: ['user'], orgId: otherOrg.id });
  });

  async function claims(scope: string): Promise<JWTPayload> {
    const { status, body } = await grant(await assertion({ file: jwtFile }), scope);
    expect(status).toBe(200);
    return decodeJwt(String(body['access_token']));
  }

  it('adds project audiences, and ZITADEL’s own project for `zitadel`', async () => {
    const payload = await claims(
      `openid urn:zitadel:iam:org:project:id:${projectId}:aud urn:zitadel:iam:org:project:id:zitadel:aud`,
    );
    expect(payload.aud).toEqual([projectId, zitadel.zitadelProjectId]);
  });

  it('adds a project id it does not know to the audience, as ZITADEL does not check it', async () => {
    expect((await claims('openid urn:zitadel:iam:org:project:id:123456789012345678:aud')).aud).toEqual([
      '123456789012345678',
    ]);
  });

  it('asserts the roles of audience projects for `projects:roles`: role → granting org id → its primary domain', async () => {
    const payload = await claims(
      `openid urn:zitadel:iam:org:project:id:${projectId}:aud urn:zitadel:iam:org:projects:roles`,
    );
    expect(payload[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      admin: { [zitadel.defaultOrg.id]: 'zitadel.localhost' },
      user: { [zitadel.defaultOrg.id]: 'zitadel.localhost', [otherOrg.id]: otherOrg.primaryDomain },
    });
    // A service user's token is for no application's project, so ZITADEL adds no unqualified roles claim.
    expect(payload).not.toHaveProperty('urn:zitadel:iam:org:project:roles');
  });

  it('asserts only the roles asked for by role scope, and none without a role scope', async () => {
    const payload = await claims(
      `openid urn:zitadel:iam:org:project:id:${projectId}:aud urn:zitadel:iam:org:project:role:admin`,
    );
    expect(payload[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      admin: { [zitadel.defaultOrg.id]: 'zitadel.localhost' },
    });
    const none = await claims(`openid urn:zitadel:iam:org:project:id:${projectId}:aud`);
    expect(Object.keys(none).filter((claim) => claim.includes(':roles'))).toEqual([]);
  });

  it('keeps only roles granted by the organisations of `urn:zitadel:iam:org:roles:id:`', async () => {
    const payload = await claims(
      `openid urn:zitadel:iam:org:project:id:${projectId}:aud urn:zitadel:iam:org:projects:roles urn:zitadel:iam:org:roles:id:${otherOrg.id}`,
    );
    expect(payload[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      user: { [otherOrg.id]: otherOrg.primaryDomain },
    });
  });

  it('asserts the user’s organisation for `urn:zitadel:iam:user:resourceowner`', async () => {
    expect(await claims('openid urn:zitadel:iam:user:resourceowner')).toMatchObject({
      'urn:zitadel:iam:user:resourceowner:id': zitadel.defaultOrg.id,
      'urn:zitadel:iam:user:resourceowner:name': 'ZITADEL',
      'urn:zitadel:iam:user:resourceowner:primary_domain': 'zitadel.localhost',
    });
  });

  it('keeps organisation scopes of the user’s own organisation and drops others without an error', async () => {
    const own = await claims(
      `openid urn:zitadel:iam:org:id:${zitadel.defaultOrg.id} urn:zitadel:iam:org:domain:primary:zitadel.localhost`,
    );
    expect(own).toMatchObject({
      'urn:zitadel:iam:org:id': zitadel.defaultOrg.id,
      'urn:zitadel:iam:org:domain:primary': 'zitadel.localhost',
      'urn:zitadel:iam:user:resourceowner:id': zitadel.defaultOrg.id,
    });
    const foreign = await claims(
      `openid urn:zitadel:iam:org:id:${otherOrg.id} urn:zitadel:iam:org:domain:primary:${otherOrg.primaryDomain}`,
    );
    expect(foreign).not.toHaveProperty('urn:zitadel:iam:org:id');
    expect(foreign).not.toHaveProperty('urn:zitadel:iam:org:domain:primary');
  });
});

/** `Basic base64(formUrlEncode(id) ":" formUrlEncode(secret))`, RFC 6749 §2.3.1. */
const formUrlEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${formUrlEncode(id)}:${formUrlEncode(secret)}`).toString('base64')}`;
const clientCredentials = (
  authorization: string,
  scope = 'openid',
): Promise<{ status: number; body: Record<string, unknown> }> =>
  post({ grant_type: 'client_credentials', scope }, { authorization });

describe('client credentials', () => {
  it('accepts ZITADEL’s documented test vector: 78366401571920522@amce / veryweaksecret!', async () => {
    const user = zitadel.createServiceUser({ userName: '78366401571920522@amce', clientSecret: 'veryweaksecret!' });
    expect(user).toMatchObject({ clientId: '78366401571920522@amce', clientSecret: 'veryweaksecret!' });
    const header = 'Basic NzgzNjY0MDE1NzE5MjA1MjIlNDBhbWNlOnZlcnl3ZWFrc2VjcmV0JTIx';
    expect(basic('78366401571920522@amce', 'veryweaksecret!')).toBe(header);
    const { status, body } = await clientCredentials(header, `openid urn:zitadel:iam:org:project:id:${projectId}:aud`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 43199 });
    // Sent without form-url-encoding, '@' and '!' decode to themselves: the same credentials.
    const raw = `Basic ${Buffer.from('78366401571920522@amce:veryweaksecret!').toString('base64')}`;
    expect((await clientCredentials(raw)).status).toBe(200);
  });

  it('form-url-decodes id and secret: a secret with + and % sent raw does not match', async () => {
    const user = zitadel.createServiceUser({ userName: 'batch', clientSecret: 'a+b%2Fc' });
    expect((await clientCredentials(basic('batch', 'a+b%2Fc'))).status).toBe(200);
    const raw = `Basic ${Buffer.from(`batch:${user.clientSecret}`).toString('base64')}`;
    expect(await clientCredentials(raw)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Errors.User.Machine.Secret.Invalid' },
    });
  });

  it('accepts client_secret_post too', async () => {
    const user = zitadel.createServiceUser({ userName: 'poster', withSecret: true });
    expect(user.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    const { status } = await post({
      grant_type: 'client_credentials',
      scope: 'openid',
      client_id: 'poster',
      client_secret: user.clientSecret ?? '',
    });
    expect(status).toBe(200);
  });

  it('answers credential problems as ZITADEL does (all 400)', async () => {
    zitadel.createServiceUser({ userName: 'no-secret' });
    expect(await clientCredentials(basic('nobody', 'x'))).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: 'client not found' },
    });
    expect(await clientCredentials(basic('no-secret', 'x'))).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Errors.User.Machine.Secret.NotExisting' },
    });
    expect(await clientCredentials('Basic JXp6OnNlY3JldA==')).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid basic auth header' },
    });
    expect(await post({ grant_type: 'client_credentials', scope: 'openid' })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'client_id or client_assertion must be provided' },
    });
    expect(
      await post(
        { grant_type: 'client_credentials', scope: 'openid', client_id: 'a', client_secret: 'b' },
        { authorization: basic('a', 'b') },
      ),
    ).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'client authentication must not use more than one method' },
    });
  });

  it('issues tokens that carry the service user as subject and its user name as client id', async () => {
    const user = zitadel.createServiceUser({ userName: 'cc-jwt', accessTokenType: 'jwt', withSecret: true });
    const { body } = await clientCredentials(
      basic('cc-jwt', user.clientSecret ?? ''),
      `openid urn:zitadel:iam:org:project:id:${projectId}:aud`,
    );
    const token = String(body['access_token']);
    expect(decodeProtectedHeader(token).kid).toBe((await jwks()).keys[0]?.kid);
    expect(decodeJwt(token)).toMatchObject({ sub: user.userId, client_id: 'cc-jwt', aud: [projectId] });
  });
});

describe('key files', () => {
  it('hands out service user keys exactly as ZITADEL’s JSON: PKCS#1, decimal string ids', async () => {
    expect(Object.keys(keyFile)).toEqual(['type', 'keyId', 'key', 'expirationDate', 'userId']);
    expect(keyFile).toMatchObject({ type: 'serviceaccount', userId, expirationDate: '9999-12-31T23:59:59Z' });
    expect(keyFile.keyId).toMatch(/^\d{18}$/);
    expect(keyFile.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    expect(createPrivateKey(keyFile.key).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('hands out application keys with app id and a `<id>@<project>` client id', async () => {
    const app = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
    expect(app.clientSecret).toBeUndefined();
    expect(Object.keys(app.keyFile ?? {})).toEqual(['type', 'keyId', 'key', 'appId', 'clientId']);
    expect(app.keyFile).toMatchObject({ type: 'application', appId: app.appId, clientId: app.clientId });
    expect(app.clientId).toMatch(/^\d{18}@reports$/);
    expect(app.appId).toMatch(/^\d{18}$/);
  });
});

/** Posts a raw form body to the token endpoint. */
async function postTokenForm(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
