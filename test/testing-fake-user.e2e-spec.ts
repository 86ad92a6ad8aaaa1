// Faking the user in an app's own tests: the real ZitadelAuthGuard stays the APP_GUARD, the token
// validator is replaced by a FakeTokenValidator, and @Roles, @Public and @CurrentUser answer 200,
// 401, 403 and 503 as the fake users dictate, over Express. No ZITADEL anywhere.
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import {
  CurrentUser,
  Public,
  Roles,
  ZitadelAuthGuard,
  ZitadelConfigurationError,
  ZitadelModule,
  ZitadelTokenValidator,
  ZitadelUnavailableError,
  type ZitadelUser,
} from 'nestjs-zitadel';
import { createTestUser, FakeTokenValidator } from 'nestjs-zitadel/testing';
import { get } from './support/guarded-app.js';
import { RecordingLogger } from './support/nest-app.js';

@Controller()
class ProjectsController {
  @Public()
  @Get('status')
  status(@CurrentUser('sub') sub: string | undefined) {
    return { sub: sub ?? null };
  }

  @Get('me')
  me(@CurrentUser() user: ZitadelUser) {
    return { sub: user.sub, email: user.email ?? null, roles: user.roles };
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { ok: true };
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @Get('orgs/:orgId/settings')
  orgSettings() {
    return { ok: true };
  }
}

/**
 * An app module as the README recommends it: the guard global. Its options could not validate a
 * real token (no API application for introspection): the real validator would fail the bootstrap.
 */
@Module({
  imports: [ZitadelModule.forRoot({ issuer: 'https://zitadel.invalid', projectId: '100' })],
  controllers: [ProjectsController],
  providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
})
class AppModule {}

const fake = new FakeTokenValidator({
  'alice-token': createTestUser({
    sub: 'alice',
    roles: { admin: ['org-1'] },
    claims: { email: 'alice@example.com' },
  }),
  'bob-token': createTestUser({ sub: 'bob', roles: { viewer: ['org-1', 'org-2'] } }),
  'outage-token': new ZitadelUnavailableError('ZITADEL did not answer'),
});

let app: INestApplication;
let url: string;
const logs = new RecordingLogger();

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(ZitadelTokenValidator)
    .useValue(fake)
    .compile();
  app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: logs });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(() => app?.close());

describe('a FakeTokenValidator behind the real APP_GUARD', () => {
  it('lets a fake user with the role through @Roles, and refuses one without it with 403', async () => {
    expect(await get(url, '/admin', { token: 'alice-token' })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await get(url, '/admin', { token: 'bob-token' })).toMatchObject({
      status: 403,
      challenge: 'Bearer realm="api", error="insufficient_scope"',
    });
  });

  it('checks roles per organisation', async () => {
    expect((await get(url, '/orgs/org-1/settings', { token: 'alice-token' })).status).toBe(200);
    expect((await get(url, '/orgs/org-2/settings', { token: 'alice-token' })).status).toBe(403);
  });

  it('gives @CurrentUser the fake user, claims and roles included', async () => {
    expect(await get(url, '/me', { token: 'alice-token' })).toMatchObject({
      status: 200,
      body: { sub: 'alice', email: 'alice@example.com', roles: { admin: { 'org-1': '' } } },
    });
  });

  it('answers 401 without a token and for a token it does not know, as the real validator would', async () => {
    expect(await get(url, '/me')).toMatchObject({ status: 401, challenge: 'Bearer realm="api"' });
    expect(await get(url, '/me', { token: 'mallory-token' })).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
    });
  });

  it('honours @Public: no token is fine, a known one still yields the user', async () => {
    expect(await get(url, '/status')).toMatchObject({ status: 200, body: { sub: null } });
    expect(await get(url, '/status', { token: 'bob-token' })).toMatchObject({ status: 200, body: { sub: 'bob' } });
  });

  it('answers 503 for a token set to fail with ZITADEL being unavailable', async () => {
    expect((await get(url, '/me', { token: 'outage-token' })).status).toBe(503);
  });

  it('refuses a token once deleted, and accepts one added later', async () => {
    fake.set('carol-token', createTestUser({ sub: 'carol', roles: { admin: ['org-9'] } }));
    expect((await get(url, '/admin', { token: 'carol-token' })).status).toBe(200);
    fake.delete('carol-token');
    expect((await get(url, '/admin', { token: 'carol-token' })).status).toBe(401);
  });

  it('is what made the bootstrap pass: the real validator refuses these options', async () => {
    await expect(Test.createTestingModule({ imports: [AppModule] }).compile()).rejects.toBeInstanceOf(
      ZitadelConfigurationError,
    );
  });
});
