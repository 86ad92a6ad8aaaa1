// Redis, the introspection cache two app instances share, killed under load and started again on
// the same port. Decided and asserted outcome: while Redis is gone every request is still
// answered, with what the token deserves (200/403, introspecting directly) or 503, never a 500,
// never left hanging; once Redis is back the instances share results through it again, without a
// restart. JWTs (verified locally) never notice.
import 'reflect-metadata';
import KeyvRedis, { Keyv } from '@keyv/redis';
import type { RunningApp } from '../support/nest-app.js';
import { startGuardedApp } from './support/app.js';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';
import { secretsIn } from './support/leaks.js';
import { LoadClient, Tally, type Shot } from './support/load.js';
import { RedisServer } from '../support/redis.js';

/** A request with no answer after this long is lost: the "never a hang" bound. */
const DEADLINE_MS = 5_000;

let fixture: ZitadelFixture;
let redis: RedisServer;
const stores: Keyv[] = [];
const apps: RunningApp[] = [];
const clients: LoadClient[] = [];

beforeAll(async () => {
  [fixture, redis] = await Promise.all([startZitadel(), RedisServer.start()]);
  for (const platform of ['express', 'fastify'] as const) {
    // Each instance has its own connection, as separate processes would.
    const store = new Keyv({ store: new KeyvRedis(redis.url) });
    stores.push(store);
    const app = await startGuardedApp(platform, {
      issuer: fixture.zitadel.issuer,
      apiApplication: { key: fixture.apiKey },
      projectId: fixture.projectId,
      http: { timeoutMs: 1_000, retries: 1, backoffBaseMs: 1, backoffMaxMs: 100 },
      introspection: { cache: { stores: [store] } },
    });
    apps.push(app);
    clients.push(new LoadClient(app.url, { maxSockets: 4, deadlineMs: DEADLINE_MS }));
  }
});
afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(apps.map((app) => app.close()));
  await redis.resume();
  await Promise.all(stores.map((store) => store.disconnect()));
  await redis.kill();
  await fixture.close();
});

const bearer = (token: string): string => `Bearer ${token}`;

/** A token's requests and the answers it deserves; `outage` adds what an outage may answer instead. */
interface Kind {
  readonly label: string;
  readonly tokens: readonly string[];
  readonly path: '/me' | '/admin';
  readonly expect: number;
}

function shots(kinds: readonly Kind[], outage: boolean): () => Shot {
  let i = 0;
  return () => {
    const kind = kinds[i % kinds.length] as Kind;
    const token = kind.tokens[Math.floor(i / kinds.length) % kind.tokens.length] ?? '';
    i++;
    const opaque = !token.includes('.');
    return {
      path: kind.path,
      authorization: bearer(token),
      expect: outage && opaque ? [kind.expect, 503] : kind.expect,
      label: kind.label,
    };
  };
}

/** Sends to both instances, alternating, until `stop()` is called. */
function loadBoth(next: () => Shot, tally: Tally): { stop(): Promise<void> } {
  let running = true;
  const runs = clients.map((client) => client.run(() => (running ? next() : undefined), 4, tally));
  return {
    stop: async () => {
      running = false;
      await Promise.all(runs);
    },
  };
}

describe('Redis killed under load', () => {
  it('answers every request while Redis is gone (200/403 by introspecting directly, or 503; never 500, never a hang), and shares results through Redis again once it is back', async () => {
    const { zitadel } = fixture;
    const kinds: Kind[] = [
      {
        label: 'opaque admin',
        tokens: await Promise.all(Array.from({ length: 6 }, () => fixture.token(fixture.alice, 'opaque'))),
        path: '/admin',
        expect: 200,
      },
      {
        label: 'opaque no role',
        tokens: await Promise.all(Array.from({ length: 3 }, () => fixture.token(fixture.bob, 'opaque'))),
        path: '/admin',
        expect: 403,
      },
      {
        label: 'opaque any user',
        tokens: await Promise.all(Array.from({ length: 3 }, () => fixture.token(fixture.bob, 'opaque'))),
        path: '/me',
        expect: 200,
      },
      { label: 'revoked opaque', tokens: [await revoked()], path: '/me', expect: 401 },
      { label: 'jwt admin', tokens: [await fixture.token(fixture.alice, 'jwt')], path: '/admin', expect: 200 },
    ];

    // Healthy: the instances share one cache.
    const healthy = new Tally();
    const warm = loadBoth(shots(kinds, false), healthy);
    await until(() => healthy.answered >= 200);
    await warm.stop();
    expect({ lost: healthy.lost, wrong: healthy.wrong }).toEqual({ lost: [], wrong: [] });

    // Redis killed mid-load, then started again on the same port.
    const outage = new Tally();
    const during = loadBoth(shots(kinds, true), outage);
    await until(() => outage.answered >= 100);
    await redis.kill();
    const answeredAtKill = outage.answered;
    // Requests keep being answered while Redis is down, not only after it comes back: at least
    // three per request slot (8), each waiting at most the store timeout before introspecting directly.
    await until(() => outage.answered - answeredAtKill >= 24);
    await redis.resume();
    const answeredAtResume = outage.answered;
    await until(() => outage.answered - answeredAtResume >= 100);
    await during.stop();
    expect({
      lost: outage.lost,
      wrong: outage.wrong,
      answered: outage.answered,
      serverErrors: outage.serverErrors - outage.count(503),
    }).toEqual({
      lost: [],
      wrong: [],
      answered: outage.sent,
      serverErrors: 0,
    });
    for (const app of apps) expect(app.logs.lines.filter((line) => line.includes('ExceptionsHandler'))).toEqual([]);

    // Recovered: once both instances have reconnected (real I/O, polled with a bound), a new token
    // is introspected once for both of them, through Redis.
    const deadline = performance.now() + 15_000;
    let shared = false;
    while (!shared && performance.now() < deadline) {
      const token = await fixture.token(fixture.alice, 'opaque');
      const before = zitadel.requestCount('introspect');
      const answers = [];
      for (const client of clients) answers.push(await client.send({ path: '/admin', authorization: bearer(token) }));
      expect(answers.map((answer) => (answer instanceof Error ? answer.message : answer.status))).toEqual([200, 200]);
      shared = zitadel.requestCount('introspect') - before === 1;
    }
    expect(shared).toBe(true);
    expect(secretsIn(apps.flatMap((app) => app.logs.lines).join('\n'), fixture)).toEqual([]);
  });
});

async function revoked(): Promise<string> {
  const token = await fixture.token(fixture.alice, 'opaque');
  fixture.zitadel.revokeToken(token);
  return token;
}

/** Resolves once `condition` holds (events of real I/O: answers, reconnects), failing after a bound. */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
