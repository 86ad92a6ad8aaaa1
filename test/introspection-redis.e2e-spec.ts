// Two instances of an API share introspection results through a real redis-server (Keyv store
// for cache-manager): one token, two apps, exactly one introspection at ZITADEL.
import KeyvRedis, { createClient, Keyv } from '@keyv/redis';
import { ZitadelScopes, type ZitadelModuleOptions } from 'nestjs-zitadel';
import { ZitadelEmulator, type ApplicationKeyFile } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { startApp, type RunningApp } from './support/nest-app.js';
import { RedisServer } from './support/redis.js';

let redis: RedisServer;
let zitadel: ZitadelEmulator;
let userId: string;
let projectId: string;
let apiKey: ApplicationKeyFile;
/** Everything started, closed in afterAll. */
const redises: RedisServer[] = [];
const stores: Keyv[] = [];
const opened: RunningApp[] = [];
/** The two instances sharing `redis`. */
let apps: RunningApp[];

/** Two app instances (Express and Fastify) sharing a Redis, each with its own connection, as separate processes would. */
async function twoInstances(url: string): Promise<RunningApp[]> {
  const options = (): ZitadelModuleOptions => {
    const store = new Keyv({ store: new KeyvRedis(url) });
    stores.push(store);
    return {
      issuer: zitadel.issuer,
      apiApplication: { key: apiKey },
      projectId,
      introspection: { cache: { stores: [store], storeTimeoutMs: 200 } },
    };
  };
  const pair = [
    await startApp('express', guardedAppModule(options())),
    await startApp('fastify', guardedAppModule(options())),
  ];
  opened.push(...pair);
  return pair;
}

async function startRedis(): Promise<RedisServer> {
  const server = await RedisServer.start();
  redises.push(server);
  return server;
}

beforeAll(async () => {
  redis = await startRedis();
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'reports' }).id;
  zitadel.addProjectRole(projectId, { key: 'admin' });
  userId = zitadel.createHumanUser({ userName: 'alice' }).userId;
  zitadel.grantRoles({ userId, projectId, roleKeys: ['admin'] });
  apiKey = (await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' })).keyFile!;
  apps = await twoInstances(redis.url);
});

afterAll(async () => {
  await Promise.all(opened.map((app) => app.close()));
  // Forcefully: a test stops a redis-server, and a polite QUIT would wait for it.
  await Promise.all(stores.map((store) => (store.store as KeyvRedis<unknown>).disconnect(true).catch(() => undefined)));
  await zitadel?.close();
  await Promise.all(redises.map((server) => server.stop()));
});

beforeEach(() => zitadel.clearRequestLog());

const opaqueToken = () =>
  zitadel.issueToken({ userId, type: 'opaque', scopes: ['openid', ZitadelScopes.projectAudience(projectId)] });

describe('introspection cache shared through Redis', () => {
  it('introspects a token once for two app instances', async () => {
    const token = await opaqueToken();
    const [first, second] = apps;
    expect(await get(first!.url, '/reports/all', { token })).toMatchObject({ status: 200 });
    expect(await get(second!.url, '/reports/mine', { token })).toMatchObject({
      status: 200,
      body: { sub: userId, source: 'introspection' },
    });
    expect(await get(first!.url, '/reports/mine', { token })).toMatchObject({ status: 200 });
    expect(zitadel.requestCount('introspect')).toBe(1);
  });

  it('shares inactive results too', async () => {
    for (const app of apps)
      expect((await get(app.url, '/reports/mine', { token: 'unknown-opaque-token' })).status).toBe(401);
    expect(zitadel.requestCount('introspect')).toBe(1);
  });

  it('keys entries by a sha256 hash of the token, never the token, and expires them', async () => {
    const token = await opaqueToken();
    expect((await get(apps[0]!.url, '/reports/mine', { token })).status).toBe(200);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        // Keyv and KeyvRedis add their namespaces in front (`keyv::keyv:` by default).
        expect(key).toMatch(/:zitadel:introspection:[A-Za-z0-9_-]{43}$/);
        expect(key).not.toContain(token);
        const ttl = await client.pTTL(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      const values = await Promise.all(keys.map((key) => client.get(key)));
      for (const value of values) expect(value).not.toContain(token);
    } finally {
      client.destroy();
    }
  });
});

describe('with Redis gone', () => {
  it('still answers: a cache that cannot be reached is skipped, never a reason to hang or fail', async () => {
    // Its own Redis and instances, so the shared ones stay intact for the other tests, in any order.
    const doomed = await startRedis();
    const stranded = await twoInstances(doomed.url);
    await doomed.stop();
    const token = await opaqueToken();
    for (const app of stranded) expect((await get(app.url, '/reports/mine', { token })).status).toBe(200);
    expect((await get(stranded[0]!.url, '/reports/mine', { token: 'unknown-opaque-token-2' })).status).toBe(401);
  });
});
