// The guard's synchronous cache-hit path: a token whose verified JWT is cached is let through
// without a promise, and nothing else is (first sight, expiry, a forged twin, roles, @Public, a
// subclass's resolveUser). Tokens are signed by a stand-in issuer on loopback; the guard fetches
// its discovery and JWKS over HTTP. Time moves by the injected ManualClock.
import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, type ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test, type TestingModule } from '@nestjs/testing';
import type { JWTPayload } from 'jose';
import {
  Public,
  Roles,
  ZitadelAuthGuard,
  ZitadelModule,
  ZitadelTokenValidator,
  ZitadelUser,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ManualClock } from 'nestjs-zitadel/testing';
import { withTamperedPayload } from './support/forged-tokens.js';
import { startTokenIssuer, type TokenIssuer } from './support/token-issuer.js';

const PROJECT = '231848297847848962';
const ORG = '100000000000000001';

@Controller()
class RoutesController {
  @Get('mine')
  mine() {
    return { ok: true };
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { ok: true };
  }

  @Roles('editor')
  @Get('editor')
  editor() {
    return { ok: true };
  }

  @Public()
  @Get('status')
  status() {
    return { ok: true };
  }
}

/** A guard that builds users its own way: its override must see every token. */
class CountingGuard extends ZitadelAuthGuard {
  calls = 0;

  protected override resolveUser(token: string, context: ExecutionContext): Promise<ZitadelUser> {
    this.calls++;
    return super.resolveUser(token, context);
  }
}

let issuer: TokenIssuer;
let clock: ManualClock;
let moduleRef: TestingModule;
let guard: ZitadelAuthGuard;
let validator: ZitadelTokenValidator;
const nowSeconds = () => Math.floor(clock.now() / 1000);

function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: issuer.issuer,
    sub: '42',
    aud: [PROJECT],
    exp: nowSeconds() + 600,
    iat: nowSeconds(),
    client_id: '99@reports',
    // RS256 signatures are deterministic: a fresh jti keeps each test's token its own, in any order.
    jti: randomUUID(),
    [`urn:zitadel:iam:org:project:${PROJECT}:roles`]: { admin: { [ORG]: 'acme.localhost' } },
    ...overrides,
  };
}

/** A request with the token, as Express hands it to the guard, and the context Nest builds for a route. */
function contextFor(route: keyof RoutesController, token: string | undefined) {
  const headers: Record<string, string> = { host: '127.0.0.1' };
  const rawHeaders = ['Host', '127.0.0.1'];
  if (token !== undefined) {
    headers['authorization'] = `Bearer ${token}`;
    rawHeaders.push('Authorization', `Bearer ${token}`);
  }
  const request: { headers: Record<string, string>; rawHeaders: string[]; user?: unknown } = { headers, rawHeaders };
  const handler = RoutesController.prototype[route] as () => unknown;
  return { request, context: new ExecutionContextHost([request, {}, undefined], RoutesController, handler) };
}

async function compile(options: Partial<ZitadelModuleOptions> = {}): Promise<TestingModule> {
  @Module({
    imports: [
      ZitadelModule.forRoot({ issuer: issuer.issuer, projectId: PROJECT, tokenValidation: 'jwt', clock, ...options }),
    ],
    controllers: [RoutesController],
    providers: [ZitadelAuthGuard, CountingGuard],
  })
  class CacheHitModule {}
  return Test.createTestingModule({ imports: [CacheHitModule] }).compile();
}

beforeAll(async () => {
  issuer = await startTokenIssuer();
  clock = new ManualClock();
  moduleRef = await compile();
  guard = moduleRef.get(ZitadelAuthGuard);
  validator = moduleRef.get(ZitadelTokenValidator);
});
afterAll(async () => {
  await moduleRef.close();
  await issuer.close();
});

describe('the guard on a cached JWT', () => {
  it('verifies a token the first time (a promise), then lets it through synchronously', async () => {
    const token = await issuer.sign(claims());
    expect(validator.validateCached(token)).toBeUndefined();
    const first = contextFor('mine', token);
    const firstAnswer = guard.canActivate(first.context);
    expect(firstAnswer).toBeInstanceOf(Promise);
    await expect(firstAnswer).resolves.toBe(true);

    const cached = validator.validateCached(token);
    expect(cached).toBeInstanceOf(ZitadelUser);
    expect(cached).toBe(first.request.user);
    const second = contextFor('mine', token);
    expect(guard.canActivate(second.context)).toBe(true);
    expect(second.request.user).toBe(cached);
    // A route whose role the user holds is a synchronous hit too.
    expect(guard.canActivate(contextFor('admin', token).context)).toBe(true);
  });

  it('never serves a token whose own signature was not verified', async () => {
    const token = await issuer.sign(claims());
    await expect(validator.validate(token)).resolves.toBeInstanceOf(ZitadelUser);
    const twin = withTamperedPayload(token, (original) => ({ ...original, sub: 'mallory' }));
    expect(validator.validateCached(twin)).toBeUndefined();
    const answer = guard.canActivate(contextFor('mine', twin).context);
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toMatchObject({ status: 401 });
  });

  it('never extends a token past its exp: the hit path lets it go and the long way refuses it', async () => {
    const token = await issuer.sign(claims({ exp: nowSeconds() + 30 }));
    await expect(validator.validate(token)).resolves.toBeInstanceOf(ZitadelUser);
    expect(validator.validateCached(token)).toBeInstanceOf(ZitadelUser);
    await clock.advance(30_000);
    // At exp the cache lets go (the verifier's clock tolerance may still accept it, the cache never does).
    expect(validator.validateCached(token)).toBeUndefined();
    await clock.advance(10_000);
    const answer = guard.canActivate(contextFor('mine', token).context);
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toMatchObject({ status: 401 });
  });

  it('keeps @Roles: a cached user without the role is refused 403, through the asynchronous path', async () => {
    const token = await issuer.sign(claims());
    await expect(validator.validate(token)).resolves.toBeInstanceOf(ZitadelUser);
    const { request, context } = contextFor('editor', token);
    const answer = guard.canActivate(context);
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toMatchObject({ status: 403 });
    expect(request.user).toBeInstanceOf(ZitadelUser);
  });

  it('keeps @Public: a cached token still yields the user, and no token still passes', async () => {
    const token = await issuer.sign(claims());
    await expect(validator.validate(token)).resolves.toBeInstanceOf(ZitadelUser);
    const withToken = contextFor('status', token);
    await expect(guard.canActivate(withToken.context)).resolves.toBe(true);
    expect(withToken.request.user).toBe(validator.validateCached(token));
    const without = contextFor('status', undefined);
    await expect(guard.canActivate(without.context)).resolves.toBe(true);
    expect(without.request.user).toBeUndefined();
  });

  it('answers a malformed header 401 as before, and a missing one 401', async () => {
    const token = await issuer.sign(claims());
    await expect(validator.validate(token)).resolves.toBeInstanceOf(ZitadelUser);
    const repeated = contextFor('mine', token);
    repeated.request.rawHeaders.push('authorization', `Bearer ${token}`);
    await expect(guard.canActivate(repeated.context)).rejects.toMatchObject({ status: 401 });
    await expect(guard.canActivate(contextFor('mine', undefined).context)).rejects.toMatchObject({ status: 401 });
  });

  it("sends every token through a subclass's resolveUser, cached or not", async () => {
    const counting = moduleRef.get(CountingGuard);
    const token = await issuer.sign(claims());
    await expect(validator.validate(token)).resolves.toBeInstanceOf(ZitadelUser);
    const answer = counting.canActivate(contextFor('mine', token).context);
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toBe(true);
    await expect(counting.canActivate(contextFor('mine', token).context)).resolves.toBe(true);
    expect(counting.calls).toBe(2);
  });
});

describe('validateCached', () => {
  it('holds nothing when the verified-token cache is off, nor for tokenValidation introspection', async () => {
    const token = await issuer.sign(claims());
    for (const options of [
      { jwt: { cache: { maxEntries: 0 } } },
      {
        tokenValidation: 'introspection' as const,
        apiApplication: { clientId: '99@reports', clientSecret: 'not-used-here' },
      },
    ]) {
      const other = await compile(options);
      try {
        const otherValidator = other.get(ZitadelTokenValidator);
        if (options.tokenValidation === undefined) await otherValidator.validate(token);
        expect(otherValidator.validateCached(token)).toBeUndefined();
      } finally {
        await other.close();
      }
    }
  });

  it('gives undefined, never an error, for junk', () => {
    for (const junk of ['', 'opaque-token', 'a.b', 'a.b.c', '.'.repeat(3), 'x'.repeat(9000)])
      expect(validator.validateCached(junk)).toBeUndefined();
  });
});
