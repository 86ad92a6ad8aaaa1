// TokenService against the ZITADEL emulator over real loopback HTTP: the JWT-profile grant,
// client credentials, caching per scope set, one shared request, renewal and retries.
import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import {
  TokenService,
  ZitadelModule,
  ZitadelOAuthError,
  ZitadelScopes,
  ZitadelUnavailableError,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator } from 'nestjs-zitadel/testing';
import { saveGlobalLogger } from './support/global-logger.js';

let zitadel: ZitadelEmulator;
let projectId: string;
let serviceUserId: string;
let keyFile: Awaited<ReturnType<ZitadelEmulator['addServiceUserKey']>>;
let api: Awaited<ReturnType<ZitadelEmulator['createApiApplication']>>;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'reports' }).id;
  const user = zitadel.createServiceUser({ userName: 'reporter' });
  serviceUserId = user.userId;
  keyFile = await zitadel.addServiceUserKey(serviceUserId);
  api = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
});
afterAll(() => zitadel.close());
/** Every module a test compiled, closed after it; and Nest's global logger, which a test may replace. */
const modules: TestingModule[] = [];
let restoreLogger: () => void;
beforeEach(() => {
  zitadel.clearFaults();
  zitadel.clearRequestLog();
  restoreLogger = saveGlobalLogger();
});
afterEach(async () => {
  await Promise.all(modules.splice(0).map((moduleRef) => moduleRef.close()));
  restoreLogger();
});

async function tokenService(
  options: Partial<ZitadelModuleOptions> = {},
  logger?: LoggerService,
): Promise<TokenService> {
  const builder = Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: zitadel.issuer,
        serviceUser: { key: keyFile },
        http: { backoffBaseMs: 1, backoffMaxMs: 1500 },
        ...options,
      }),
    ],
  });
  if (logger !== undefined) builder.setLogger(logger);
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  return moduleRef.get(TokenService);
}

/** What ZITADEL itself says of a token, asked as the project's API application. */
async function introspect(token: string): Promise<Record<string, unknown>> {
  const basic = Buffer.from(
    `${encodeURIComponent(api.clientId)}:${encodeURIComponent(api.clientSecret ?? '')}`,
  ).toString('base64');
  const response = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('TokenService (JWT-profile grant)', () => {
  it('mints a token for the service user that the project API accepts', async () => {
    const tokens = await tokenService();
    const token = await tokens.getAccessToken({ scopes: [ZitadelScopes.projectAudience(projectId)] });
    expect(await introspect(token)).toMatchObject({ active: true, sub: serviceUserId });
    expect(zitadel.requestCount('token')).toBe(1);
  });

  it('asks for openid by default: a token without the project audience is inactive at the API', async () => {
    const tokens = await tokenService();
    expect(await introspect(await tokens.getAccessToken())).toEqual({ active: false });
  });

  it('makes one token request for 100 concurrent callers, and reuses it afterwards', async () => {
    const tokens = await tokenService();
    const results = await Promise.all(Array.from({ length: 100 }, () => tokens.getAccessToken({ scopes: ['openid'] })));
    expect(new Set(results).size).toBe(1);
    expect(await tokens.getAccessToken()).toBe(results[0]);
    expect(zitadel.requestCount('token')).toBe(1);
  });

  it('caches per scope set, whatever the order', async () => {
    const tokens = await tokenService();
    const audience = ZitadelScopes.projectAudience(projectId);
    const a = await tokens.getAccessToken({ scopes: [audience, 'openid'] });
    const b = await tokens.getAccessToken({ scopes: ['openid', audience, audience] });
    const c = await tokens.getAccessToken({ scopes: ['openid'] });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(zitadel.requestCount('token')).toBe(2);
  });

  it('handles JWT access tokens as well as opaque ones', async () => {
    const jwtUser = zitadel.createServiceUser({ userName: 'jwt-reporter', accessTokenType: 'jwt' });
    const tokens = await tokenService({
      serviceUser: { keyJson: JSON.stringify(await zitadel.addServiceUserKey(jwtUser.userId)) },
    });
    const token = await tokens.getAccessToken({ scopes: [ZitadelScopes.projectAudience(projectId)] });
    expect(decodeJwt(token)).toMatchObject({ sub: jwtUser.userId, iss: zitadel.issuer });
    expect(await introspect(token)).toMatchObject({ active: true, sub: jwtUser.userId });
  });

  it('renews ahead of expiry in the background, and never hands out a token about to expire', async () => {
    // Its own emulator, sharing the clock with the module: assertions and token lifetimes move together.
    const clock = new ManualClock();
    const own = await ZitadelEmulator.start({ clock });
    onTestFinished(() => own.close());
    const worker = own.createServiceUser({ userName: 'renewer' });
    const tokens = await tokenService({
      issuer: own.issuer,
      serviceUser: { key: await own.addServiceUserKey(worker.userId) },
      clock,
    });
    const first = await tokens.getAccessToken();
    // Default lifetime 43199 s; refresh after 80 %, usable until 60 s before expiry.
    await clock.advance(36_000_000);
    expect(await tokens.getAccessToken()).toBe(first);
    await vi.waitFor(() => expect(own.requestCount('token')).toBe(2));
    await vi.waitFor(async () => expect(await tokens.getAccessToken()).not.toBe(first));
    const second = await tokens.getAccessToken();
    await clock.advance(43_199_000 - 30_000);
    const third = await tokens.getAccessToken();
    expect(third).not.toBe(second);
    expect(own.requestCount('token')).toBe(3);
  });

  it('surfaces a refused grant as a typed OAuth error, without retrying', async () => {
    const stranger = zitadel.createServiceUser({ userName: 'stranger' });
    const key = await zitadel.addServiceUserKey(stranger.userId);
    const tokens = await tokenService({ serviceUser: { key: { ...key, userId: serviceUserId } } });
    const error = await tokens.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelOAuthError);
    expect(error).toMatchObject({ code: 'ZITADEL_OAUTH_ERROR', status: 400, error: 'invalid_grant' });
    expect(zitadel.requestCount('token')).toBe(1);
  });

  it('retries 500s, dropped connections and 429 with Retry-After, then succeeds', async () => {
    const tokens = await tokenService({ http: { retries: 3, backoffBaseMs: 1, backoffMaxMs: 1500 } });
    zitadel.injectFault({ endpoint: 'token', status: 500, times: 1 });
    zitadel.injectFault({ endpoint: 'token', drop: true, times: 1 });
    zitadel.injectFault({ endpoint: 'token', status: 429, headers: { 'retry-after': '1' }, times: 1 });
    await expect(tokens.getAccessToken()).resolves.toEqual(expect.any(String));
    expect(zitadel.requestCount('token')).toBe(4);
  });

  it('fails with ZitadelUnavailableError when ZITADEL stays down, and recovers when it is back', async () => {
    const tokens = await tokenService({ http: { retries: 2, backoffBaseMs: 1, backoffMaxMs: 10 } });
    zitadel.injectFault({ endpoint: 'token', status: 503 });
    const error = await tokens.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect(error).toMatchObject({ status: 503 });
    expect(zitadel.requestCount('token')).toBe(3);
    zitadel.clearFaults();
    await expect(tokens.getAccessToken()).resolves.toEqual(expect.any(String));
  });

  it('logs nothing that contains a token or an assertion, even at the most verbose level', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]): void => void lines.push(args.map(String).join(' '));
    const logger: LoggerService = {
      log: capture,
      error: capture,
      warn: capture,
      debug: capture,
      verbose: capture,
      fatal: capture,
    };
    const tokens = await tokenService({}, logger);
    zitadel.injectFault({ endpoint: 'token', status: 502, times: 1 });
    const token = await tokens.getAccessToken();
    expect(lines.some((line) => line.includes('retrying'))).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  });
});

describe('TokenService (client credentials)', () => {
  it('mints a token for a service user with a secret, form-url-encoding its credentials', async () => {
    const user = zitadel.createServiceUser({ userName: 'batch@jobs', withSecret: true });
    const tokens = await tokenService({
      serviceUser: { clientId: user.clientId ?? '', clientSecret: user.clientSecret ?? '' },
    });
    const token = await tokens.getAccessToken({ scopes: [ZitadelScopes.projectAudience(projectId)] });
    expect(await introspect(token)).toMatchObject({ active: true, sub: user.userId });
  });

  it('surfaces a wrong secret as ZITADEL answers it (400 invalid_request, per its source), not retried', async () => {
    const user = zitadel.createServiceUser({ userName: 'batch2', withSecret: true });
    const tokens = await tokenService({ serviceUser: { clientId: user.clientId ?? '', clientSecret: 'nope' } });
    await expect(tokens.getAccessToken()).rejects.toMatchObject({
      code: 'ZITADEL_OAUTH_ERROR',
      error: 'invalid_request',
      status: 400,
    });
    expect(zitadel.requestCount('token')).toBe(1);
  });
});
