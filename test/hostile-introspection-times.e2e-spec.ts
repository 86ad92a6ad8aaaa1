// An issuer that says `active: true` for a token whose own times say otherwise: an `exp` that has
// passed or an `nbf` still ahead (beyond jwt.clockToleranceSeconds) is a 401, on every request,
// and ZITADEL is asked again each time (never cached). The introspection cache follows the
// module's clock: moving a ManualClock past inactiveTtlSeconds / maxTtlSeconds makes the next
// request introspect again, with the in-memory cache and with a shared (serialising) Keyv store.
// Over Express and Fastify, against the hostile loopback issuer.
import type { ServerResponse } from 'node:http';
import { Keyv } from 'keyv';
import type { ZitadelModuleOptions } from 'nestjs-zitadel';
import { ManualClock } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { INTROSPECTION_PATH, sendJson, startHostileIssuer, type HostileIssuer } from './support/hostile-issuer.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

const PROJECT = '231848297847848962';
const CLIENT_ID = '99@reports';
const TOLERANCE = 5;
const INACTIVE_TTL = 30;
const MAX_TTL = 120;
const REQUESTS = 3;

/** What the issuer answers for one token, at a given time of the module clock (epoch seconds). */
type Answer = (nowSeconds: number) => Record<string, unknown>;

/** An active answer whose times are `now` plus the given offsets (seconds), the others sane. */
function active(offsets: Record<string, number>): Answer {
  return (now) => ({
    active: true,
    sub: '42',
    aud: [PROJECT, CLIENT_ID],
    client_id: CLIENT_ID,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    ...Object.fromEntries(Object.entries(offsets).map(([claim, offset]) => [claim, now + offset])),
  });
}

const CACHES = ['the default in-memory cache', 'a user-given Keyv store (serialised, as Redis is)'] as const;
const CASES = PLATFORMS.flatMap((platform) => CACHES.map((cache) => [platform, cache] as const));

describe.each(CASES)('introspection answers checked against the clock, over %s with %s', (platform, cache) => {
  let issuer: HostileIssuer;
  let app: RunningApp;
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  const answers = new Map<string, Answer>();
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const asked = (token: string) =>
    issuer.requestsTo(INTROSPECTION_PATH).filter((request) => new URLSearchParams(request.body).get('token') === token)
      .length;
  const mine = (token: string) => get(app.url, '/reports/mine', { token });

  beforeAll(async () => {
    issuer = await startHostileIssuer();
    issuer.on(INTROSPECTION_PATH, (request, response: ServerResponse) => {
      const token = new URLSearchParams(request.body).get('token') ?? '';
      sendJson(response, 200, answers.get(token)?.(nowSeconds()) ?? { active: false });
    });
    const options: ZitadelModuleOptions = {
      issuer: issuer.issuer,
      projectId: PROJECT,
      apiApplication: { clientId: CLIENT_ID, clientSecret: 'secret' },
      tokenValidation: 'introspection',
      realm: 'zitadel-test',
      clock,
      jwt: { clockToleranceSeconds: TOLERANCE },
      introspection: {
        cache: {
          inactiveTtlSeconds: INACTIVE_TTL,
          maxTtlSeconds: MAX_TTL,
          ...(cache === CACHES[1] ? { stores: [new Keyv()] } : {}),
        },
      },
      http: { retries: 0 },
    };
    app = await startApp(platform, guardedAppModule(options));
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  const refused: [string, Record<string, number>, string][] = [
    ['an exp past the tolerance', { exp: -TOLERANCE - 1 }, 'The access token expired'],
    ['an exp long past', { exp: -86_400, iat: -90_000, nbf: -90_000 }, 'The access token expired'],
    ['an nbf ahead beyond the tolerance', { nbf: TOLERANCE + 2 }, 'The access token is not valid yet'],
  ];
  it.each(refused)(
    'refuses "active" with %s: 401 on every request, introspected every time',
    async (name, times, description) => {
      const token = `opaque-${name.replaceAll(' ', '-')}`;
      answers.set(token, active(times));
      for (let i = 0; i < REQUESTS; i++) {
        const answer = await mine(token);
        expect(answer.status).toBe(401);
        expect(answer.challenge).toBe(
          `Bearer realm="zitadel-test", error="invalid_token", error_description="${description}"`,
        );
      }
      expect(asked(token)).toBe(REQUESTS);
    },
  );

  it('accepts times within the tolerance (and so the refusals above are about the times)', async () => {
    const token = 'opaque-within-tolerance';
    answers.set(token, active({ exp: -TOLERANCE + 2, nbf: TOLERANCE - 2 }));
    expect(await mine(token)).toMatchObject({ status: 200, body: { sub: '42', source: 'introspection' } });
  });

  it('keeps an active result until maxTtlSeconds of the module clock, then introspects again', async () => {
    const token = 'opaque-cached-active';
    answers.set(token, active({}));
    expect((await mine(token)).status).toBe(200);
    expect((await mine(token)).status).toBe(200);
    expect(asked(token)).toBe(1);
    await clock.advance(MAX_TTL * 1000 - 1000);
    expect((await mine(token)).status).toBe(200);
    expect(asked(token)).toBe(1);
    await clock.advance(2000);
    expect((await mine(token)).status).toBe(200);
    expect(asked(token)).toBe(2);
  });

  it('keeps an active result no longer than its exp on the module clock', async () => {
    const token = 'opaque-cached-until-exp';
    const exp = nowSeconds() + 20;
    answers.set(token, (now) => ({ ...active({})(now), exp }));
    expect((await mine(token)).status).toBe(200);
    await clock.advance(10_000);
    expect((await mine(token)).status).toBe(200);
    expect(asked(token)).toBe(1);
    // Past its exp but within the tolerance: introspected again, accepted, not cached.
    await clock.advance(11_000);
    expect((await mine(token)).status).toBe(200);
    expect((await mine(token)).status).toBe(200);
    expect(asked(token)).toBe(3);
    // Past the tolerance: the issuer still says active, the guard refuses.
    await clock.advance(TOLERANCE * 1000);
    expect((await mine(token)).status).toBe(401);
    expect(asked(token)).toBe(4);
  });

  it('keeps an inactive result for inactiveTtlSeconds of the module clock, then introspects again', async () => {
    const token = 'opaque-inactive-then-active';
    expect((await mine(token)).status).toBe(401);
    expect((await mine(token)).status).toBe(401);
    expect(asked(token)).toBe(1);
    answers.set(token, active({}));
    await clock.advance(INACTIVE_TTL * 1000 - 1000);
    expect((await mine(token)).status).toBe(401);
    expect(asked(token)).toBe(1);
    await clock.advance(2000);
    expect((await mine(token)).status).toBe(200);
    expect(asked(token)).toBe(2);
  });
});
