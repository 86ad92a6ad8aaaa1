// TokenService.exchange against the ZITADEL emulator over real loopback HTTP (RFC 8693 as ZITADEL
// implements it): the caller's access token and ZITADEL's user_id subject, JWT requested,
// impersonation with an actor (`act` in the token, `user.actor` on a guarded route, JWT and
// introspection), ZITADEL's refusals as typed errors, and the cache (one request, expiry on the clock).
import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import {
  CurrentUser,
  TokenService,
  ZitadelAuthGuard,
  ZitadelModule,
  ZitadelScopes,
  ZitadelTokenExchangeError,
  type ZitadelModuleOptions,
  type ZitadelUser,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type EmulatorOidcApplication } from 'nestjs-zitadel/testing';
import { startApp, type RunningApp } from './support/nest-app.js';

@Controller('whoami')
class WhoAmIController {
  @Get()
  whoami(@CurrentUser() user: ZitadelUser) {
    return { sub: user.sub, source: user.source, actor: user.actor ?? null };
  }
}

const clock = new ManualClock();
let zitadel: ZitadelEmulator;
let projectId: string;
let app: EmulatorOidcApplication;
let aliceId: string;
let supportId: string;
let supportKey: Awaited<ReturnType<ZitadelEmulator['addServiceUserKey']>>;
let intruderKey: Awaited<ReturnType<ZitadelEmulator['addServiceUserKey']>>;
let guarded: RunningApp;
const modules: TestingModule[] = [];

/** The audience scope of the project, so the service user's own token is meant for the app's project. */
const projectScopes = (): string[] => ['openid', ZitadelScopes.projectAudience(projectId)];

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start({ clock, features: { oidcTokenExchange: true } });
  projectId = zitadel.createProject({ name: 'reports' }).id;
  app = await zitadel.createOidcApplication({
    projectId,
    authMethod: 'client_secret_basic',
    grantTypes: ['authorization_code', 'token_exchange'],
  });
  aliceId = zitadel.createHumanUser({ userName: 'alice', email: 'alice@example.com' }).userId;
  supportId = zitadel.createServiceUser({ userName: 'support' }).userId;
  supportKey = await zitadel.addServiceUserKey(supportId);
  zitadel.addOrgMember(zitadel.defaultOrg.id, supportId, ['ORG_END_USER_IMPERSONATOR']);
  intruderKey = await zitadel.addServiceUserKey(zitadel.createServiceUser({ userName: 'intruder' }).userId);
  guarded = await startApp('express', {
    imports: [ZitadelModule.forRoot(options())],
    controllers: [WhoAmIController],
    providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  });
});
afterAll(async () => {
  await guarded.close();
  await zitadel.close();
});
beforeEach(() => {
  zitadel.setFeatures({ oidcTokenExchange: true });
  zitadel.setSecurityPolicy({ enableImpersonation: true });
  zitadel.clearRequestLog();
});
afterEach(async () => {
  await Promise.all(modules.splice(0).map((moduleRef) => moduleRef.close()));
});

function options(overrides: Partial<ZitadelModuleOptions> = {}): ZitadelModuleOptions {
  return {
    issuer: zitadel.issuer,
    projectId,
    apiApplication: { clientId: app.clientId, clientSecret: app.clientSecret ?? '' },
    serviceUser: { key: supportKey },
    clock,
    ...overrides,
  };
}

async function tokenService(overrides: Partial<ZitadelModuleOptions> = {}): Promise<TokenService> {
  const moduleRef = await Test.createTestingModule({ imports: [ZitadelModule.forRoot(options(overrides))] }).compile();
  modules.push(moduleRef);
  return moduleRef.get(TokenService);
}

/** Alice's token from logging in to the app: meant for the app and its project. */
const aliceToken = (type: 'opaque' | 'jwt' = 'opaque'): Promise<string> =>
  zitadel.issueToken({ userId: aliceId, clientId: app.clientId, type, scopes: ['openid', 'profile', 'email'] });

async function whoami(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${guarded.url}/whoami`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function refusal(promise: Promise<unknown>): Promise<ZitadelTokenExchangeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZitadelTokenExchangeError);
  return error as ZitadelTokenExchangeError;
}

describe('TokenService.exchange', () => {
  it("exchanges the caller's access token for an opaque token of the same user, without an actor", async () => {
    const tokens = await tokenService();
    const result = await tokens.exchange({ subjectToken: await aliceToken() });
    expect(result.issuedTokenType).toBe('access_token');
    expect(result.scopes).toEqual(['openid', 'profile', 'email']);
    expect(result.token.split('.')).toHaveLength(1);
    const { status, body } = await whoami(result.token);
    expect(status).toBe(200);
    expect(body).toEqual({ sub: aliceId, source: 'introspection', actor: null });
  });

  it('asks for a JWT with requestedTokenType "jwt" and narrows the scopes', async () => {
    const tokens = await tokenService();
    const result = await tokens.exchange({
      subjectToken: await aliceToken(),
      requestedTokenType: 'jwt',
      scopes: ['openid', 'email'],
    });
    expect(result.issuedTokenType).toBe('jwt');
    expect(result.scopes).toEqual(['email', 'openid']);
    const claims = decodeJwt(result.token);
    expect(claims.sub).toBe(aliceId);
    expect(claims['client_id']).toBe(app.clientId);
    expect(claims['act']).toBeUndefined();
    expect((await whoami(result.token)).body).toEqual({ sub: aliceId, source: 'jwt', actor: null });
  });

  it('impersonates a user by id with the service user as actor: `act` in the JWT, `user.actor` on the route', async () => {
    const tokens = await tokenService();
    const actorToken = await tokens.getAccessToken({ scopes: projectScopes() });
    const result = await tokens.exchange({
      subjectToken: aliceId,
      subjectTokenType: 'user_id',
      actorToken,
      requestedTokenType: 'jwt',
    });
    const claims = decodeJwt(result.token);
    expect(claims.sub).toBe(aliceId);
    expect(claims['act']).toEqual({ iss: zitadel.issuer, sub: supportId });
    expect((await whoami(result.token)).body).toEqual({
      sub: aliceId,
      source: 'jwt',
      actor: { sub: supportId, issuer: zitadel.issuer },
    });
  });

  it('puts the actor into opaque impersonated tokens too, read through introspection', async () => {
    const tokens = await tokenService();
    const actorToken = await tokens.getAccessToken({ scopes: projectScopes() });
    const result = await tokens.exchange({ subjectToken: await aliceToken(), actorToken });
    expect(result.issuedTokenType).toBe('access_token');
    expect((await whoami(result.token)).body).toEqual({
      sub: aliceId,
      source: 'introspection',
      actor: { sub: supportId, issuer: zitadel.issuer },
    });
  });

  it('names the disabled instance feature when oidcTokenExchange is off', async () => {
    zitadel.setFeatures({ oidcTokenExchange: false });
    const tokens = await tokenService();
    const error = await refusal(tokens.exchange({ subjectToken: await aliceToken() }));
    expect(error.reason).toBe('feature-disabled');
    expect(error.status).toBe(400);
    expect(error.error_description).toBe('Errors.TokenExchange.FeatureDisabled');
    expect(error.message).toContain('oidcTokenExchange');
  });

  it('refuses an actor without an impersonator role (permission-denied), and says which role to give', async () => {
    const tokens = await tokenService({ serviceUser: { key: intruderKey } });
    const actorToken = await tokens.getAccessToken({ scopes: projectScopes() });
    const error = await refusal(tokens.exchange({ subjectToken: aliceId, subjectTokenType: 'user_id', actorToken }));
    expect(error.reason).toBe('permission-denied');
    expect(error.status).toBe(403);
    expect(error.message).toContain('ORG_END_USER_IMPERSONATOR');
  });

  it('refuses impersonation when the security policy does not allow it', async () => {
    zitadel.setSecurityPolicy({ enableImpersonation: false });
    const tokens = await tokenService();
    const actorToken = await tokens.getAccessToken({ scopes: projectScopes() });
    const error = await refusal(tokens.exchange({ subjectToken: aliceId, subjectTokenType: 'user_id', actorToken }));
    expect(error.reason).toBe('impersonation-disabled');
  });

  it('answers an audience the subject token does not have with invalid_target', async () => {
    const tokens = await tokenService();
    const error = await refusal(tokens.exchange({ subjectToken: await aliceToken(), audience: ['other-project'] }));
    expect(error.reason).toBe('invalid-target');
    expect(error.error).toBe('invalid_target');
  });

  it('refuses a subject token ZITADEL does not know (invalid-subject) without echoing it', async () => {
    const tokens = await tokenService();
    const error = await refusal(tokens.exchange({ subjectToken: 'not-a-token-of-this-instance' }));
    expect(error.reason).toBe('invalid-subject');
    expect(error.message).not.toContain('not-a-token-of-this-instance');
  });

  it('asks ZITADEL once for repeated and concurrent equal exchanges, and again after expiry on the clock', async () => {
    const tokens = await tokenService();
    const subjectToken = await aliceToken();
    const start = clock.now();
    const [first, second] = await Promise.all([
      tokens.exchange({ subjectToken, scopes: ['openid', 'email'] }),
      tokens.exchange({ subjectToken, scopes: ['email', 'openid'] }),
    ]);
    const third = await tokens.exchange({ subjectToken, scopes: ['openid', 'email'] });
    expect(second.token).toBe(first.token);
    expect(third.token).toBe(first.token);
    expect(zitadel.requestCount('token')).toBe(1);
    // A different scope set is another entry.
    await tokens.exchange({ subjectToken, scopes: ['openid'] });
    expect(zitadel.requestCount('token')).toBe(2);

    // expires_in 43199 s, handed out until 60 s (tokenCache.minRemainingSeconds) before that.
    expect(first.expiresAt).toBe(start + (43_199 - 60) * 1000);
    clock.advance(first.expiresAt - clock.now() - 1);
    expect((await tokens.exchange({ subjectToken, scopes: ['openid', 'email'] })).token).toBe(first.token);
    expect(zitadel.requestCount('token')).toBe(2);
    clock.advance(1);
    const renewed = await tokens.exchange({ subjectToken, scopes: ['openid', 'email'] });
    expect(renewed.token).not.toBe(first.token);
    expect(zitadel.requestCount('token')).toBe(3);
  });

  it('checks its arguments before anything is sent', async () => {
    const tokens = await tokenService();
    await expect(tokens.exchange({ subjectToken: '' })).rejects.toThrow(TypeError);
    await expect(tokens.exchange({ subjectToken: 'x', requestedTokenType: 'refresh_token' as never })).rejects.toThrow(
      /requestedTokenType/,
    );
    expect(zitadel.requestCount('token')).toBe(0);
  });
});
