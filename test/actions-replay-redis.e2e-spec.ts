// The replay guard of @ZitadelAction() routes over a shared Keyv store (a real redis-server via
// @keyv/redis): two app instances (Express and Fastify), each with its own connection as separate
// processes would have, refuse a signature header the other one already accepted; the store holds
// a hash of the header (never the header), expiring when the signature would turn stale anyway.
import { createHash, createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import KeyvRedis, { createClient, Keyv } from '@keyv/redis';
import { ZitadelAction, ZitadelActionPayload, ZitadelModule, type ZitadelEventPayload } from 'nestjs-zitadel';
import { ManualClock } from 'nestjs-zitadel/testing';
import { RecordingLogger, type Platform } from './support/nest-app.js';
import { RedisServer } from './support/redis.js';

const KEY = 'signing-key-of-the-events-target';
const TOLERANCE_SECONDS = 120;
const EVENT = '{"aggregateID":"312","event_type":"user.human.added","sequence":4}';

const seen: string[] = [];

@Controller('zitadel')
class EventHooks {
  @ZitadelAction()
  @Post('events')
  onEvent(@ZitadelActionPayload() event: ZitadelEventPayload) {
    seen.push(event.event_type);
    return { ok: true };
  }
}

let redis: RedisServer;
const stores: Keyv[] = [];
const apps: INestApplication[] = [];
const urls: string[] = [];
const clock = new ManualClock();

async function boot(platform: Platform): Promise<string> {
  const store = new Keyv({ store: new KeyvRedis(redis.url) });
  stores.push(store);
  @Module({
    imports: [
      ZitadelModule.forRoot({
        issuer: 'http://127.0.0.1:9',
        projectId: '1',
        tokenValidation: 'jwt',
        clock,
        actions: { signingKeys: KEY, toleranceSeconds: TOLERANCE_SECONDS, replayGuard: { store } },
      }),
    ],
    controllers: [EventHooks],
  })
  class ReplayAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ReplayAppModule] }).compile();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: new RecordingLogger(),
    rawBody: true,
  });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

const sign = (t: number): string => `t=${t},v1=${createHmac('sha256', KEY).update(`${t}.${EVENT}`).digest('hex')}`;

async function post(url: string, signature: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/zitadel/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'zitadel-signature': signature },
    body: EVENT,
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  redis = await RedisServer.start();
  urls.push(await boot('express'), await boot('fastify'));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all(stores.map((store) => (store.store as KeyvRedis<unknown>).disconnect(true).catch(() => undefined)));
  await redis?.stop();
});

describe('the replay guard over a shared Redis', () => {
  it('refuses on one instance a signature the other accepted, and stores only its hash, expiring with the tolerance', async () => {
    // A second of its own: no other test in this file signed at this timestamp.
    clock.advance(10_000);
    seen.length = 0;
    const [express = '', fastify = ''] = urls;
    const signature = sign(Math.floor(clock.now() / 1000));
    expect((await post(express, signature)).status).toBe(201);
    const replay = await post(fastify, signature);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('used before');
    expect(seen).toEqual(['user.human.added']);

    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys('*');
      // The documented key: the prefix and the header's SHA-256, base64url (Keyv's namespace in front).
      const expected = `zitadel:action-replay:${createHash('sha256').update(signature).digest('base64url')}`;
      const key = keys.find((name) => name.endsWith(expected)) ?? '';
      expect(key).not.toBe('');
      for (const part of [signature, signature.split('v1=')[1] ?? '', KEY]) expect(keys.join(' ')).not.toContain(part);
      const ttl = await client.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TOLERANCE_SECONDS * 1000 + 1);
    } finally {
      await client.quit();
    }
  });

  it('lets a new signature of the same body through on either instance', async () => {
    seen.length = 0;
    clock.advance(1000);
    const [express = '', fastify = ''] = urls;
    expect((await post(fastify, sign(Math.floor(clock.now() / 1000)))).status).toBe(201);
    clock.advance(1000);
    expect((await post(express, sign(Math.floor(clock.now() / 1000)))).status).toBe(201);
    expect(seen).toEqual(['user.human.added', 'user.human.added']);
  });
});
