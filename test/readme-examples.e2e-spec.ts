// The README's service examples run as written against a seeded emulator: "Token service"
// (`ReportsClient`), "Management client" (`Onboarding`, its `me()` too) and the shared Redis cache of "Guard and
// decorators". Their blocks are extracted from README.md; only the README's placeholders are
// replaced (the instance URL, key file path and project id by the emulator's, the Redis URL by a
// real redis-server's, reports.example.com by a loopback server), each checked to be present.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Keyv } from 'keyv';
import {
  IntrospectionService,
  ZITADEL_MODULE_OPTIONS,
  ZitadelAuthGuard,
  ZitadelModule,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { SeededZitadel } from 'nestjs-zitadel/testing';
import { get, ReportsController } from './support/guarded-app.js';
import { startApp } from './support/nest-app.js';
import { RedisServer } from './support/redis.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', `.readme-examples-${process.pid}`);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The one ```ts block of the README's `## heading` section that contains `marker`. */
function block(heading: string, marker: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const next = README.indexOf('\n## ', start + heading.length + 2);
  const text = README.slice(start, next < 0 ? undefined : next);
  const found = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)]
    .map((match) => match[1] ?? '')
    .filter((code) => code.includes(marker));
  if (found.length !== 1)
    throw new Error(`"${heading}" should have one ts block with ${marker}, it has ${found.length}`);
  return found[0] ?? '';
}

/** Writes a block as a module, its placeholders replaced (each must be there), and imports it. */
async function load(name: string, code: string, placeholders: Record<string, string> = {}): Promise<unknown> {
  let text = code;
  for (const [placeholder, value] of Object.entries(placeholders)) {
    if (!text.includes(placeholder)) throw new Error(`the README's ${name} no longer has ${placeholder}`);
    text = text.replaceAll(placeholder, value);
  }
  const file = join(OUT, `${name}.ts`);
  writeFileSync(file, text);
  return import(/* @vite-ignore */ file);
}

type Class<T> = new (...args: never[]) => T;

/** A Nest context with ZitadelModule on the seeded emulator and the snippet's provider. */
async function contextWith<T>(options: ZitadelModuleOptions, provider: Class<T>): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [ZitadelModule.forRoot(options)],
    providers: [provider],
  }).compile();
  return moduleRef.createNestApplication({ logger: false }).init();
}

let zitadel: SeededZitadel;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  zitadel = await SeededZitadel.start({ roles: ['admin', 'auditor'] });
});

afterAll(async () => {
  await zitadel?.close();
  rmSync(OUT, { recursive: true, force: true });
});

describe('README "Token service": ReportsClient', () => {
  let reports: Server;
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    reports = createServer((request, response) => {
      received.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => reports.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => reports.close(() => resolve())));

  it('calls the reports API with a service-user token that the project’s API accepts', async () => {
    const { port } = reports.address() as AddressInfo;
    const snippet = (await load('token-service', block('## Token service', 'class ReportsClient'), {
      'https://reports.example.com': `http://127.0.0.1:${port}`,
    })) as { ReportsClient: Class<{ fetchReports(projectId: string): Promise<Response> }> };
    const app = await contextWith(zitadel.moduleOptions, snippet.ReportsClient);
    try {
      const answer = await app.get(snippet.ReportsClient).fetchReports(zitadel.project.id);
      expect(answer.status).toBe(200);
      const token = /^Bearer (.+)$/.exec(received.at(-1)?.authorization ?? '')?.[1] ?? '';
      const introspected = await app.get(IntrospectionService).introspect(token);
      expect(introspected).toMatchObject({ active: true, sub: zitadel.serviceUser.userId });
      expect(introspected.aud).toContain(zitadel.project.id);
    } finally {
      await app.close();
    }
  });
});

describe('README "Management client": Onboarding', () => {
  interface Onboarding {
    invite(email: string, orgId: string): Promise<string | undefined>;
    everyone(): Promise<string[]>;
    me(): Promise<{ org: { id: string; name: string } }>;
  }

  it('invites a user once (undefined the second time), lists everyone and reads its own organisation', async () => {
    const snippet = (await load('management', block('## Management client', 'class Onboarding'))) as {
      Onboarding: Class<Onboarding>;
    };
    const app = await contextWith(zitadel.moduleOptions, snippet.Onboarding);
    try {
      const onboarding = app.get(snippet.Onboarding);
      const userId = await onboarding.invite('ada@example.com', zitadel.org.id);
      expect(userId).toMatch(/^\d+$/);
      expect(await onboarding.invite('ada@example.com', zitadel.org.id)).toBeUndefined();
      expect(await onboarding.everyone()).toEqual(expect.arrayContaining(['service-user', 'ada@example.com']));
      expect((await onboarding.me()).org).toMatchObject({ id: zitadel.org.id, name: zitadel.org.name });
    } finally {
      await app.close();
    }
  });
});

describe('README "Guard and decorators": introspection results shared through Redis', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis?.stop());

  it('boots with the Keyv store and reuses an introspection from Redis', async () => {
    const snippet = (await load('redis', block('## Guard and decorators', 'new KeyvRedis('), {
      "'https://acme.zitadel.cloud'": JSON.stringify(zitadel.issuer),
      "'./api-app.json'": JSON.stringify(zitadel.env['ZITADEL_API_KEY_FILE']),
      "'231848297847848962'": JSON.stringify(zitadel.project.id),
      "'redis://localhost:6379'": JSON.stringify(redis.url),
    })) as { zitadel: DynamicModule };
    const app = await startApp('express', {
      imports: [snippet.zitadel],
      controllers: [ReportsController],
      providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
    });
    try {
      const alice = await zitadel.createUser({ userName: 'alice', roles: ['admin'] });
      const before = zitadel.emulator.requestCount('introspect');
      expect((await get(app.url, '/reports/all', { token: alice.tokens.opaque })).status).toBe(200);
      expect((await get(app.url, '/reports/all', { token: alice.tokens.opaque })).status).toBe(200);
      expect(zitadel.emulator.requestCount('introspect') - before).toBe(1);
    } finally {
      const options = app.app.get<ZitadelModuleOptions>(ZITADEL_MODULE_OPTIONS);
      await app.close();
      for (const store of options.introspection?.cache?.stores ?? []) await (store as Keyv).disconnect();
    }
  });
});
