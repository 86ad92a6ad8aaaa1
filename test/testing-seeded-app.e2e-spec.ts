// A user's own AppModule, tested as it is: `ZitadelModule.forRootAsync` reading `ConfigService`, the
// guard as APP_GUARD, configured only by the environment variables `SeededZitadel` hands back (key
// files written to its temp folder). Users with roles per organisation get an opaque and a JWT
// token in one call; both pass the guard over HTTP. The same variables configure the sample app and
// the CLI; `close()` stops the emulator and removes the key files.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ZitadelAuthGuard, ZitadelManagementClient, ZitadelModule, TokenService } from 'nestjs-zitadel';
import { SeededZitadel } from 'nestjs-zitadel/testing';
import { zitadelOptionsFromEnv } from '../apps/sample/src/config/zitadel.config.js';
import { runCli } from '../libs/zitadel/src/cli/run-cli.js';
import { get, ReportsController } from './support/guarded-app.js';
import { startApp, type RunningApp } from './support/nest-app.js';

/** An app module as a user writes it: nothing in it knows about tests. */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true }),
    ZitadelModule.forRootAsync({
      isGlobal: true,
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        issuer: config.getOrThrow<string>('ZITADEL_ISSUER'),
        serviceUser: { keyFile: config.getOrThrow<string>('ZITADEL_SERVICE_USER_KEY_FILE') },
        apiApplication: { keyFile: config.getOrThrow<string>('ZITADEL_API_KEY_FILE') },
        projectId: config.getOrThrow<string>('ZITADEL_PROJECT_ID'),
      }),
    }),
  ],
  controllers: [ReportsController],
  providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
})
class AppModule {}

let zitadel: SeededZitadel;
let app: RunningApp;
const before = { ...process.env };

beforeAll(async () => {
  zitadel = await SeededZitadel.start({ roles: ['admin', 'editor'] });
  Object.assign(process.env, zitadel.env);
  app = await startApp('express', { imports: [AppModule] });
});

afterAll(async () => {
  await app?.close();
  await zitadel?.close();
  for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
});

describe('SeededZitadel with an app module that reads its configuration from the environment', () => {
  it('hands back the issuer, the project and key files that exist, as ZITADEL writes them', () => {
    expect(Object.keys(zitadel.env).sort()).toEqual([
      'ZITADEL_API_KEY_FILE',
      'ZITADEL_ISSUER',
      'ZITADEL_PROJECT_ID',
      'ZITADEL_SERVICE_USER_KEY_FILE',
    ]);
    expect(zitadel.env['ZITADEL_ISSUER']).toBe(zitadel.issuer);
    expect(zitadel.env['ZITADEL_PROJECT_ID']).toBe(zitadel.project.id);
    const serviceKey = JSON.parse(readFileSync(zitadel.env['ZITADEL_SERVICE_USER_KEY_FILE'] ?? '', 'utf8')) as object;
    expect(serviceKey).toEqual(zitadel.serviceUserKey);
    expect(serviceKey).toMatchObject({ type: 'serviceaccount', userId: zitadel.serviceUser.userId });
    const apiKey = JSON.parse(readFileSync(zitadel.env['ZITADEL_API_KEY_FILE'] ?? '', 'utf8')) as object;
    expect(apiKey).toMatchObject({ type: 'application', clientId: zitadel.apiApplication.clientId });
    expect(statSync(zitadel.env['ZITADEL_API_KEY_FILE'] ?? '').mode & 0o077).toBe(0);
    expect(zitadel.project.orgId).toBe(zitadel.org.id);
  });

  it.each(['jwt', 'opaque'] as const)('gives a user with a role a %s token the guard lets through', async (kind) => {
    const alice = await zitadel.createUser({ userName: `alice-${kind}`, roles: ['admin'] });
    const token = alice.tokens[kind];
    expect(await get(app.url, '/reports/all', { token })).toMatchObject({ status: 200, body: { ok: true } });
    const mine = await get(app.url, '/reports/mine', { token });
    expect(mine.body).toMatchObject({
      sub: alice.userId,
      source: kind === 'jwt' ? 'jwt' : 'introspection',
      roles: { admin: { [zitadel.org.id]: zitadel.org.primaryDomain } },
    });
  });

  it('refuses a user without the role with 403 and no token with 401', async () => {
    const bob = await zitadel.createUser({ userName: 'bob', roles: ['editor'] });
    expect((await get(app.url, '/reports/all', { token: bob.tokens.jwt })).status).toBe(403);
    expect((await get(app.url, '/reports/all', { token: bob.tokens.opaque })).status).toBe(403);
    expect((await get(app.url, '/reports/any', { token: bob.tokens.jwt })).status).toBe(200);
    expect((await get(app.url, '/reports/all')).status).toBe(401);
  });

  it('grants roles per organisation', async () => {
    const globex = zitadel.emulator.createOrg({ name: 'Globex' });
    const carol = await zitadel.createUser({
      userName: 'carol',
      roles: { admin: [globex.id], editor: [zitadel.org.id] },
    });
    for (const token of [carol.tokens.jwt, carol.tokens.opaque]) {
      expect((await get(app.url, `/reports/orgs/${globex.id}`, { token })).status).toBe(200);
      expect((await get(app.url, `/reports/orgs/${zitadel.org.id}`, { token })).status).toBe(403);
      expect((await get(app.url, '/reports/every', { token })).status).toBe(200);
    }
  });

  it('seeds a service user the app gets tokens for and that manages the organisation', async () => {
    expect((await app.app.get(TokenService).getAccessToken()).length).toBeGreaterThan(16);
    const members = await app.app.get(ZitadelManagementClient).listOrgMembers();
    expect(members.result).toEqual([
      expect.objectContaining({ userId: zitadel.serviceUser.userId, roles: ['ORG_OWNER'] }),
    ]);
  });

  it('uses the sample app’s variable names: its configuration reads the same options', () => {
    expect(zitadelOptionsFromEnv((name) => zitadel.env[name])).toEqual({
      ...zitadel.moduleOptions,
      tokenValidation: 'auto',
    });
  });

  it('uses the CLI’s variable names: `token` and `introspect` run with the variables alone', async () => {
    const out: string[] = [];
    const io = (stdin: string) => ({
      stdout: (text: string) => void out.push(text),
      stderr: (text: string) => void out.push(text),
      stdin: () => Promise.resolve(stdin),
    });
    const audience = `urn:zitadel:iam:org:project:id:${zitadel.project.id}:aud`;
    expect(await runCli(['token', '--scope', audience], { ...zitadel.env }, io(''))).toBe(0);
    const token = out.join('').trim();
    out.length = 0;
    expect(await runCli(['introspect'], { ...zitadel.env }, io(`${token}\n`))).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ active: true, sub: zitadel.serviceUser.userId });
  });
});

describe('SeededZitadel with a client secret for the API application', () => {
  it('hands back the client id and secret instead of a key file, and ZitadelModule options that introspect with them', async () => {
    const seeded = await SeededZitadel.start({ apiAuthMethod: 'client_secret_basic', orgName: 'Initech' });
    try {
      expect(seeded.env).toMatchObject({
        ZITADEL_API_CLIENT_ID: seeded.apiApplication.clientId,
        ZITADEL_API_CLIENT_SECRET: seeded.apiApplication.clientSecret,
      });
      expect(seeded.env['ZITADEL_API_KEY_FILE']).toBeUndefined();
      expect(seeded.org.name).toBe('Initech');
      const secretApp = await startApp('express', {
        imports: [ZitadelModule.forRoot(seeded.moduleOptions)],
        controllers: [ReportsController],
        providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
      });
      try {
        const dave = await seeded.createUser({ userName: 'dave', roles: ['admin'] });
        expect((await get(secretApp.url, '/reports/all', { token: dave.tokens.opaque })).status).toBe(200);
        expect(seeded.emulator.requestCount('introspect')).toBe(1);
      } finally {
        await secretApp.close();
      }
    } finally {
      await seeded.close();
    }
  });
});

describe('SeededZitadel.close', () => {
  it('stops the emulator and removes the key files; a second close is harmless', async () => {
    const seeded = await SeededZitadel.start();
    const keyFile = seeded.env['ZITADEL_SERVICE_USER_KEY_FILE'] ?? '';
    expect(existsSync(keyFile)).toBe(true);
    await seeded.close();
    expect(existsSync(seeded.keyDirectory)).toBe(false);
    await expect(fetch(`${seeded.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await seeded.close();
  });
});
