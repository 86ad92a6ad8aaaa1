// ZitadelAuthGuard, @Public, @Roles and @CurrentUser in a real Nest app, over Express and
// Fastify, against the ZITADEL emulator: opaque tokens (introspection with private_key_jwt) and
// JWT access tokens (verified locally against the JWKS), RFC 6750 answers, a table of bad tokens.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ZitadelAuthGuard,
  ZitadelConfigurationError,
  ZitadelModule,
  ZitadelScopes,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ZitadelEmulator, type EmulatorOrg } from 'nestjs-zitadel/testing';
import { withAlgNone, withHs256OverPublicKey, withTamperedPayload, withUnknownKey } from './support/forged-tokens.js';
import { get, guardedAppModule } from './support/guarded-app.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

const INVALID_TOKEN = /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/;
const INSUFFICIENT_SCOPE = 'Bearer realm="api", error="insufficient_scope"';

let zitadel: ZitadelEmulator;
let otherOrg: EmulatorOrg;
let projectId: string;
let options: ZitadelModuleOptions;
const users: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
/** Every token handed to an app, to check that none shows up in a log line. */
const issued: string[] = [];

/** An opaque or JWT access token for a user, with the project in its audience and its roles asserted. */
async function tokenFor(
  user: keyof typeof users,
  type: 'opaque' | 'jwt',
  extra: { scopes?: string[]; expiresIn?: number; notBefore?: Date } = {},
): Promise<string> {
  const token = await zitadel.issueToken({
    userId: users[user],
    type,
    scopes: extra.scopes ?? [
      'openid',
      'profile',
      'email',
      ZitadelScopes.projectAudience(projectId),
      ZitadelScopes.allProjectRoles(),
      ZitadelScopes.resourceOwner(),
    ],
    ...(extra.expiresIn === undefined ? {} : { expiresIn: extra.expiresIn }),
    ...(extra.notBefore === undefined ? {} : { notBefore: extra.notBefore }),
  });
  issued.push(token);
  return token;
}

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  otherOrg = zitadel.createOrg({ name: 'Other' });
  projectId = zitadel.createProject({ name: 'reports' }).id;
  for (const key of ['admin', 'editor', 'viewer']) zitadel.addProjectRole(projectId, { key });
  const api = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
  users.alice = zitadel.createHumanUser({ userName: 'alice', email: 'alice@acme.test' }).userId;
  users.bob = zitadel.createHumanUser({ userName: 'bob' }).userId;
  users.carol = zitadel.createHumanUser({ userName: 'carol' }).userId;
  zitadel.grantRoles({ userId: users.alice, projectId, roleKeys: ['admin', 'editor'] });
  zitadel.grantRoles({ userId: users.bob, projectId, roleKeys: ['viewer'] });
  zitadel.grantRoles({ userId: users.bob, projectId, roleKeys: ['admin'], orgId: otherOrg.id });
  options = { issuer: zitadel.issuer, apiApplication: { keyJson: JSON.stringify(api.keyFile) }, projectId };
});

afterAll(() => zitadel.close());

describe.each(PLATFORMS)('ZitadelAuthGuard over %s', (platform) => {
  let app: RunningApp;
  const call = (path: string, auth?: Parameters<typeof get>[2]) => get(app.url, path, auth);

  beforeAll(async () => {
    app = await startApp(platform, guardedAppModule(options));
  });
  afterAll(() => app.close());
  // Each test's own log lines: none holds a token handed to the app (hooks throw; expect is for tests).
  afterEach(() => {
    const log = app.logs.lines.splice(0).join('\n');
    if (issued.some((token) => log.includes(token))) throw new Error('this test logged a token');
  });

  it('answers 401 with a Bearer challenge, and no error code, when there is no token', async () => {
    const answer = await call('/reports/mine');
    expect(answer).toMatchObject({ status: 401, challenge: 'Bearer realm="api"' });
    expect((await call('/reports/mine', { authorization: 'Basic YWxpY2U6cHc=' })).challenge).toBe('Bearer realm="api"');
  });

  it('never reads a token from the query string', async () => {
    const token = await tokenFor('alice', 'jwt');
    expect((await call(`/reports/mine?access_token=${token}`)).status).toBe(401);
  });

  it.each(['opaque', 'jwt'] as const)(
    'accepts a valid %s token and hands the verified user to @CurrentUser',
    async (type) => {
      const answer = await call('/reports/mine', { token: await tokenFor('alice', type) });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        sub: users.alice,
        same: true,
        source: type === 'jwt' ? 'jwt' : 'introspection',
        roles: {
          admin: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain },
          editor: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain },
        },
        // ZITADEL's JWT access tokens carry no profile claims; introspection adds them.
        email: type === 'jwt' ? null : 'alice@acme.test',
        org: zitadel.defaultOrg.id,
      });
    },
  );

  it('reads the scheme case-insensitively and refuses more than one token', async () => {
    const token = await tokenFor('alice', 'jwt');
    expect((await call('/reports/mine', { authorization: `bearer ${token}` })).status).toBe(200);
    expect((await call('/reports/mine', { authorization: `BEARER ${token}` })).status).toBe(200);
    const two = await call('/reports/mine', { authorization: `Bearer ${token} ${token}` });
    expect(two).toMatchObject({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN) });
  });

  describe('refuses bad tokens with 401 invalid_token', () => {
    const cases: [string, () => Promise<string>][] = [
      ['alg none', async () => withAlgNone(await tokenFor('alice', 'jwt'))],
      [
        'HS256 signed with the public key',
        async () => withHs256OverPublicKey(await tokenFor('alice', 'jwt'), await emulatorPublicKey()),
      ],
      ['an unknown kid', async () => withUnknownKey(await tokenFor('alice', 'jwt'))],
      [
        'a tampered payload',
        async () => withTamperedPayload(await tokenFor('carol', 'jwt'), (claims) => ({ ...claims, sub: users.alice })),
      ],
      ['an expired JWT', () => tokenFor('alice', 'jwt', { expiresIn: -60 })],
      ['an expired opaque token', () => tokenFor('alice', 'opaque', { expiresIn: -60 })],
      ['a JWT not valid yet', () => tokenFor('alice', 'jwt', { notBefore: new Date(Date.now() + 3_600_000) })],
      ['a JWT of another issuer', async () => anotherIssuersToken()],
      ['a JWT for another audience', () => tokenFor('alice', 'jwt', { scopes: ['openid'] })],
      ['an opaque token for another audience', () => tokenFor('alice', 'opaque', { scopes: ['openid'] })],
      ['a revoked opaque token', async () => revoked(await tokenFor('alice', 'opaque'))],
      ['garbage', async () => 'not-a-token-at-all'],
      ['JWT-shaped garbage', async () => 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
      ['an oversized token', async () => 'a'.repeat(9 * 1024)],
    ];
    it.each(cases)('%s', async (_, make) => {
      const token = await make();
      issued.push(token);
      const answer = await call('/reports/mine', { token });
      expect(answer).toMatchObject({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN) });
      expect(answer.text).not.toContain(token);
    });
  });

  describe('@Roles', () => {
    const expectations: [string, keyof typeof users, number, Record<string, string>?][] = [
      ['/reports/all', 'alice', 200],
      ['/reports/all', 'bob', 200],
      ['/reports/all', 'carol', 403],
      ['/reports/any', 'alice', 200],
      ['/reports/any', 'carol', 403],
      ['/reports/every', 'alice', 200],
      ['/reports/every', 'bob', 403],
    ];
    it.each(expectations)('%s for %s: %d', async (path, user, status) => {
      for (const type of ['opaque', 'jwt'] as const) {
        const answer = await call(path, { token: await tokenFor(user, type) });
        expect(answer.status).toBe(status);
        if (status === 403) expect(answer.challenge).toBe(INSUFFICIENT_SCOPE);
      }
    });

    it('scoped to the organisation named by a route parameter or a header', async () => {
      const alice = await tokenFor('alice', 'jwt');
      const bob = await tokenFor('bob', 'opaque');
      const home = zitadel.defaultOrg.id;
      expect((await call(`/reports/orgs/${home}`, { token: alice })).status).toBe(200);
      expect((await call(`/reports/orgs/${otherOrg.id}`, { token: alice })).status).toBe(403);
      expect((await call(`/reports/orgs/${otherOrg.id}`, { token: bob })).status).toBe(200);
      expect((await call(`/reports/orgs/${home}`, { token: bob })).status).toBe(403);
      expect((await call('/reports/org-header', { token: alice, headers: { 'x-org-id': home } })).status).toBe(200);
      expect((await call('/reports/org-header', { token: alice, headers: { 'x-org-id': otherOrg.id } })).status).toBe(
        403,
      );
      expect((await call('/reports/org-header', { token: bob, headers: { 'x-org-id': otherOrg.id } })).status).toBe(
        200,
      );
      expect((await call('/reports/org-header', { token: alice })).status).toBe(403);
    });

    it('handler metadata overrides class metadata', async () => {
      const [alice, bob, carol] = await Promise.all([
        tokenFor('alice', 'jwt'),
        tokenFor('bob', 'jwt'),
        tokenFor('carol', 'jwt'),
      ]);
      expect((await call('/open')).status).toBe(200);
      expect((await call('/open/admin')).status).toBe(401);
      expect((await call('/open/admin', { token: carol })).status).toBe(403);
      expect((await call('/open/admin', { token: alice })).status).toBe(200);
      expect((await call('/admin')).status).toBe(401);
      expect((await call('/admin', { token: carol })).status).toBe(403);
      expect((await call('/admin/health')).status).toBe(200);
      expect((await call('/admin/viewer', { token: bob })).status).toBe(200);
      expect((await call('/admin/viewer', { token: alice })).status).toBe(403);
    });
  });

  describe('@Public', () => {
    it('needs no token, still attaches the user of a valid one, and ignores a bad one', async () => {
      expect((await call('/reports/status')).body).toEqual({ sub: null });
      expect((await call('/reports/status', { token: await tokenFor('alice', 'opaque') })).body).toEqual({
        sub: users.alice,
      });
      expect((await call('/reports/status', { token: await tokenFor('alice', 'jwt') })).body).toEqual({
        sub: users.alice,
      });
      const forged = withTamperedPayload(await tokenFor('carol', 'jwt'), (claims) => ({ ...claims, sub: users.alice }));
      expect(await call('/reports/status', { token: forged })).toMatchObject({ status: 200, body: { sub: null } });
      expect(await call('/reports/status', { token: 'garbage' })).toMatchObject({ status: 200, body: { sub: null } });
      expect(await call('/reports/status', { authorization: 'Bearer a b' })).toMatchObject({
        status: 200,
        body: { sub: null },
      });
    });
  });
});

// The verified-token cache is observed through its one visible effect: a cached token is accepted
// without its signature being checked again, so it still passes once its key has left the JWKS,
// while a token that must be verified again is refused (the JWKS is refetched for the unknown kid,
// cooldown 0).
async function dropSigningKeysOf(app: RunningApp): Promise<void> {
  await zitadel.rotateSigningKeys({ dropOld: true });
  // A token signed by the new key makes the app refetch the JWKS, which now lacks the old key.
  expect((await get(app.url, '/reports/mine', { token: await tokenFor('carol', 'jwt') })).status).toBe(200);
}

describe('token validation modes and signing keys', () => {
  const apps: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  async function appWith(extra: Partial<ZitadelModuleOptions>): Promise<RunningApp> {
    const app = await startApp('express', guardedAppModule({ ...options, ...extra }));
    apps.push(app);
    return app;
  }

  it("'jwt' accepts only JWT access tokens", async () => {
    const app = await appWith({ tokenValidation: 'jwt' });
    expect((await get(app.url, '/reports/mine', { token: await tokenFor('alice', 'jwt') })).status).toBe(200);
    const before = zitadel.requestCount('introspect');
    const answer = await get(app.url, '/reports/mine', { token: await tokenFor('alice', 'opaque') });
    expect(answer).toMatchObject({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN) });
    expect(zitadel.requestCount('introspect')).toBe(before);
  });

  it("'introspection' introspects JWTs too, so a revoked JWT is refused", async () => {
    const app = await appWith({ tokenValidation: 'introspection' });
    const before = zitadel.requestCount('introspect');
    const token = await tokenFor('alice', 'jwt');
    expect(await get(app.url, '/reports/mine', { token })).toMatchObject({
      status: 200,
      body: { source: 'introspection' },
    });
    expect(zitadel.requestCount('introspect')).toBe(before + 1);
    const revokedToken = revoked(await tokenFor('alice', 'jwt'));
    expect((await get(app.url, '/reports/mine', { token: revokedToken })).status).toBe(401);
  });

  it('verifies a JWT once, then serves it from the cache of verified tokens', async () => {
    const app = await appWith({ tokenValidation: 'jwt', jwt: { jwksCooldownSeconds: 0 } });
    const token = await tokenFor('alice', 'jwt');
    expect((await get(app.url, '/reports/mine', { token })).status).toBe(200);
    const uncached = await tokenFor('bob', 'jwt');
    await dropSigningKeysOf(app);
    expect((await get(app.url, '/reports/mine', { token })).status).toBe(200);
    // Control: a token of the dropped key that was never verified is refused.
    expect((await get(app.url, '/reports/mine', { token: uncached })).status).toBe(401);
  });

  it('keeps at most jwt.cache.maxEntries verified tokens, evicting the least recently used', async () => {
    const app = await appWith({ tokenValidation: 'jwt', jwt: { jwksCooldownSeconds: 0, cache: { maxEntries: 2 } } });
    const tokens = [await tokenFor('alice', 'jwt'), await tokenFor('bob', 'jwt'), await tokenFor('alice', 'jwt')];
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) expect((await get(app.url, '/reports/mine', { token })).status).toBe(200);
    // The cache now holds tokens[1] and tokens[2]; the new key's token evicts tokens[1].
    await dropSigningKeysOf(app);
    expect((await get(app.url, '/reports/mine', { token: tokens[2] })).status).toBe(200);
    expect((await get(app.url, '/reports/mine', { token: tokens[0] })).status).toBe(401);
    expect((await get(app.url, '/reports/mine', { token: tokens[1] })).status).toBe(401);
  });

  it('picks up rotated signing keys: an unknown kid refetches the JWKS', async () => {
    const app = await appWith({ jwt: { jwksCooldownSeconds: 0 } });
    expect((await get(app.url, '/reports/mine', { token: await tokenFor('alice', 'jwt') })).status).toBe(200);
    await zitadel.rotateSigningKeys({ dropOld: true });
    const before = zitadel.requestCount('jwks');
    expect((await get(app.url, '/reports/mine', { token: await tokenFor('alice', 'jwt') })).status).toBe(200);
    expect(zitadel.requestCount('jwks') - before).toBe(1);
  });

  it('refetches the JWKS at most once per cooldown for a flood of unknown kids', async () => {
    const app = await appWith({});
    const genuine = await tokenFor('alice', 'jwt');
    expect((await get(app.url, '/reports/mine', { token: genuine })).status).toBe(200);
    const before = zitadel.requestCount('jwks');
    for (let i = 0; i < 20; i++) {
      const forged = await withUnknownKey(genuine, `forged-${i}`);
      expect((await get(app.url, '/reports/mine', { token: forged })).status).toBe(401);
    }
    expect(zitadel.requestCount('jwks') - before).toBeLessThanOrEqual(1);
  });
});

describe('bootstrap', () => {
  it('fails at bootstrap, naming every missing option, when the guard cannot validate tokens', async () => {
    const compile = Test.createTestingModule(guardedAppModule({ issuer: zitadel.issuer })).compile();
    const error = await compile.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelConfigurationError);
    expect((error as ZitadelConfigurationError).issues.map((issue) => issue.path)).toEqual([
      'projectId',
      'apiApplication',
    ]);
    const jwtOnly = await Test.createTestingModule(
      guardedAppModule({ issuer: zitadel.issuer, tokenValidation: 'jwt', projectId }),
    )
      .compile()
      .then((moduleRef) => moduleRef.close());
    expect(jwtOnly).toBeUndefined();
  });

  it('does not ask for guard options in an app that does not use the guard', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ZitadelModule.forRoot({ issuer: zitadel.issuer })],
    }).compile();
    await moduleRef.close();
  });

  it.each(PLATFORMS)('works per controller with @UseGuards over %s', async (platform) => {
    @UseGuards(ZitadelAuthGuard)
    @Controller('guarded')
    class GuardedController {
      @Get()
      index() {
        return { ok: true };
      }
    }
    @Controller('free')
    class FreeController {
      @Get()
      index() {
        return { ok: true };
      }
    }
    @Module({ imports: [ZitadelModule.forRoot(options)], controllers: [GuardedController, FreeController] })
    class AppModule {}
    const app = await startApp(platform, { imports: [AppModule] });
    try {
      expect((await get(app.url, '/free')).status).toBe(200);
      expect((await get(app.url, '/guarded')).status).toBe(401);
      expect((await get(app.url, '/guarded', { token: await tokenFor('carol', 'opaque') })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

/** The emulator's current signing key, from its JWKS. */
async function emulatorPublicKey() {
  const response = await fetch(`${zitadel.issuer}/oauth/v2/keys`);
  const { keys } = (await response.json()) as { keys: JsonWebKey[] };
  const jwk = keys.at(-1);
  if (jwk === undefined) throw new Error('the emulator publishes no key');
  return createPublicKey({ key: jwk, format: 'jwk' });
}

/** A JWT from another ZITADEL instance: valid there, with its own issuer and keys. */
async function anotherIssuersToken(): Promise<string> {
  const other = await ZitadelEmulator.start();
  try {
    const user = other.createHumanUser({ userName: 'mallory' });
    return await other.issueToken({
      userId: user.userId,
      type: 'jwt',
      scopes: ['openid', ZitadelScopes.projectAudience(projectId)],
    });
  } finally {
    await other.close();
  }
}

function revoked(token: string): string {
  if (!zitadel.revokeToken(token)) throw new Error('the emulator did not revoke the token');
  return token;
}
