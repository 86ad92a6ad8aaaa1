// Discovery down at start-up, the JWKS unreachable, and ZITADEL rotating its signing keys under
// load, against a real guarded Nest app. Each case states its expected outcome and asserts it.
//
// What the library guarantees for rotation (and what is asserted here):
// - discovery and the JWKS are read lazily: the app boots while ZITADEL is down and answers 503
//   until it is back, then recovers without a restart;
// - a token signed with a key not yet in the cached JWKS refetches it, at most once per
//   `jwt.jwksCooldownSeconds`: a rotated key is accepted once the cooldown since the last fetch
//   has passed, and concurrent requests share that one fetch;
// - a key removed from the JWKS (`dropOld`) stops verifying once the cached JWKS has been
//   refreshed (a token with an unknown kid, or `jwt.jwksMaxAgeSeconds`) and the verified-token
//   cache entry has expired (`jwt.cache.maxTtlSeconds`, never past the token's exp): until then a
//   token it signed is still accepted. After that it is answered 401, and stays refused.
import 'reflect-metadata';
import { decodeProtectedHeader } from 'jose';
import type { ZitadelModuleOptions } from 'nestjs-zitadel';
import { ManualClock, type EmulatorFault } from 'nestjs-zitadel/testing';
import type { RunningApp } from '../support/nest-app.js';
import { startGuardedApp } from './support/app.js';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';
import { assertOwnLogClean } from './support/leaks.js';
import { LoadClient, Tally, type Shot } from './support/load.js';

// No backoff: a retry waits on the app's clock, which moves only when a test says so. No failure
// cooldown: these cases check recovery the moment ZITADEL is back (hostile-outage covers the cooldown).
const HTTP = { timeoutMs: 250, retries: 1, backoffBaseMs: 0, backoffMaxMs: 0, failureCooldownMs: 0 };

let fixture: ZitadelFixture;
/** The app's clock: cooldowns, the JWKS age and the verified-token cache move with it, not with real time. */
let clock: ManualClock;
let app: RunningApp | undefined;
let client: LoadClient | undefined;

beforeEach(async () => {
  fixture = await startZitadel();
  clock = new ManualClock();
});
afterEach(async () => {
  // Each test's own app logged something, and no token, assertion, key or secret.
  const lines = app?.logs.lines ?? [];
  client?.close();
  await app?.close();
  app = undefined;
  client = undefined;
  try {
    assertOwnLogClean(lines, fixture);
  } finally {
    await fixture.close();
  }
});

async function start(options: Partial<ZitadelModuleOptions> = {}): Promise<LoadClient> {
  app = await startGuardedApp('express', {
    issuer: fixture.zitadel.issuer,
    apiApplication: { key: fixture.apiKey },
    projectId: fixture.projectId,
    http: HTTP,
    clock,
    ...options,
  });
  client = new LoadClient(app.url, { maxSockets: 8 });
  return client;
}

const bearer = (token: string): string => `Bearer ${token}`;

async function expectAnswers(load: LoadClient, shots: readonly Shot[], concurrency = 8): Promise<Tally> {
  const tally = await load.runAll(shots, concurrency);
  expect({ answered: tally.answered, lost: tally.lost, wrong: tally.wrong }).toEqual({
    answered: shots.length,
    lost: [],
    wrong: [],
  });
  return tally;
}

describe('discovery down at start-up', () => {
  const faults: { name: string; fault: Omit<EmulatorFault, 'endpoint'> }[] = [
    { name: 'answering 503', fault: { status: 503 } },
    { name: 'resetting connections', fault: { drop: true } },
    { name: 'hanging past the timeout', fault: { delayMs: 2_000 } },
    {
      name: 'naming another issuer',
      fault: {
        status: 200,
        body: {
          issuer: 'https://evil.example',
          token_endpoint: 'https://evil.example/t',
          jwks_uri: 'https://evil.example/k',
        },
      },
    },
  ];

  it.each(faults)(
    'discovery $name: the app boots, protected routes answer 503 (public 200, no token 401), then 200 once discovery is back, without a restart',
    async ({ fault }) => {
      const { zitadel } = fixture;
      const opaque = await fixture.token(fixture.alice, 'opaque');
      const jwt = await fixture.token(fixture.alice, 'jwt');
      zitadel.injectFault({ endpoint: 'discovery', ...fault });
      const load = await start();
      const down: Shot[] = [
        { path: '/me', authorization: bearer(opaque), expect: 503, label: 'opaque' },
        { path: '/admin', authorization: bearer(jwt), expect: 503, label: 'jwt' },
        { path: '/public', authorization: bearer(jwt), expect: 200, label: 'public' },
        { path: '/me', expect: 401, label: 'no token' },
        { path: '/me', authorization: 'Bearer a b', expect: 401, label: 'malformed header' },
      ];
      await expectAnswers(load, [...down, ...down, ...down]);
      // Discovery was tried (lazily, on demand), and nothing else could be asked without it.
      expect(zitadel.requestCount('discovery')).toBeGreaterThan(0);
      expect([zitadel.requestCount('introspect'), zitadel.requestCount('jwks')]).toEqual([0, 0]);

      zitadel.clearFaults();
      await expectAnswers(load, [
        { path: '/admin', authorization: bearer(opaque), expect: 200, label: 'opaque, recovered' },
        { path: '/admin', authorization: bearer(jwt), expect: 200, label: 'jwt, recovered' },
        { path: '/public', authorization: bearer(jwt), expect: 200, label: 'public' },
      ]);
    },
  );
});

describe('JWKS unreachable', () => {
  it('JWKS answering 500 before it was ever loaded: JWTs get 503, opaque tokens 200 (introspection), JWTs 200 once it is back', async () => {
    const { zitadel } = fixture;
    const load = await start();
    const jwt = await fixture.token(fixture.alice, 'jwt');
    const opaque = await fixture.token(fixture.alice, 'opaque');
    zitadel.injectFault({ endpoint: 'jwks', status: 500 });
    await expectAnswers(load, [
      { path: '/admin', authorization: bearer(jwt), expect: 503, label: 'jwt' },
      { path: '/admin', authorization: bearer(opaque), expect: 200, label: 'opaque' },
      { path: '/admin', authorization: bearer(jwt), expect: 503, label: 'jwt again' },
    ]);
    zitadel.clearFaults();
    await expectAnswers(load, [{ path: '/admin', authorization: bearer(jwt), expect: 200, label: 'jwt, recovered' }]);
  });

  it('JWKS answering 500 once a key was loaded: known keys keep verifying (200), a token from a new key gets 503, not 401, until the JWKS is back', async () => {
    const { zitadel } = fixture;
    const load = await start({ jwt: { jwksCooldownSeconds: 1 } });
    await expectAnswers(load, [
      { path: '/admin', authorization: bearer(await fixture.token(fixture.alice, 'jwt')), expect: 200, label: 'warm' },
    ]);
    const known = await fixture.token(fixture.bob, 'jwt');
    await zitadel.rotateSigningKeys();
    const rotated = await fixture.token(fixture.alice, 'jwt');
    zitadel.injectFault({ endpoint: 'jwks', status: 500 });
    // The rotated key is unknown to the app and the JWKS cannot be fetched: ZITADEL cannot vouch
    // for the token either way, so the answer is 503 (try again), never 401 (your token is bad).
    await clock.advance(1_100);
    await expectAnswers(
      load,
      [
        { path: '/admin', authorization: bearer(rotated), expect: 503, label: 'new key, first' },
        { path: '/admin', authorization: bearer(rotated), expect: 503, label: 'new key, within the cooldown' },
        { path: '/me', authorization: bearer(known), expect: 200, label: 'known key' },
        { path: '/admin', authorization: bearer(rotated), expect: 503, label: 'new key, again' },
      ],
      1,
    );
    zitadel.clearFaults();
    await clock.advance(1_100);
    await expectAnswers(load, [
      { path: '/admin', authorization: bearer(rotated), expect: 200, label: 'new key, recovered' },
    ]);
  });
});

describe('signing keys rotated under load', () => {
  it('rotation without dropping the old key: old-key and new-key tokens are all answered 200 throughout, with one shared JWKS refetch', async () => {
    const { zitadel } = fixture;
    const load = await start({ jwt: { jwksCooldownSeconds: 1, jwksMaxAgeSeconds: 600 } });
    const old = await Promise.all(Array.from({ length: 8 }, () => fixture.token(fixture.alice, 'jwt')));
    await expectAnswers(load, [{ path: '/admin', authorization: bearer(old[0] ?? ''), expect: 200, label: 'warm' }]);
    const jwksBefore = zitadel.requestCount('jwks');
    // Move past the refetch cooldown since the first fetch, so the new key can be fetched at once.
    await clock.advance(1_100);

    const tally = new Tally();
    let rotatedTokens: string[] = [];
    let phase: 'before' | 'after' = 'before';
    let sent = 0;
    // Old-key requests go on until the rotated tokens exist (however fast the guard answers), then
    // 300 more, half of them with the new key.
    let sentAfter = 0;
    const next = (): Shot | undefined => {
      if (phase === 'after' && sentAfter >= 300) return undefined;
      sent++;
      if (phase === 'after') sentAfter++;
      const pool = phase === 'after' && sent % 2 === 0 ? rotatedTokens : old;
      return {
        path: '/admin',
        authorization: bearer(pool[sent % pool.length] ?? ''),
        expect: 200,
        label: pool === old ? 'old key' : 'new key',
      };
    };
    const running = load.run(next, 8, tally);
    // Rotate while the load is under way: once some old-key requests have been answered.
    await until(() => tally.answered >= 50);
    await zitadel.rotateSigningKeys();
    rotatedTokens = await Promise.all(Array.from({ length: 8 }, () => fixture.token(fixture.alice, 'jwt')));
    phase = 'after';
    await running;

    expect({ answered: tally.answered, lost: tally.lost, wrong: tally.wrong }).toEqual({
      answered: sent,
      lost: [],
      wrong: [],
    });
    expect(tally.byLabel.get('new key')?.get(200) ?? 0).toBeGreaterThanOrEqual(150);
    expect(new Set(rotatedTokens.map((token) => decodeProtectedHeader(token).kid))).not.toContain(
      decodeProtectedHeader(old[0] ?? '').kid,
    );
    expect(zitadel.requestCount('jwks') - jwksBefore).toBe(1);
  });

  it('rotation dropping the old key: new-key tokens 200 throughout; old-key tokens are refused 401 once the JWKS is refreshed and their cache entry expired, and stay refused', async () => {
    const { zitadel } = fixture;
    const load = await start({ jwt: { jwksCooldownSeconds: 1, jwksMaxAgeSeconds: 2, cache: { maxTtlSeconds: 5 } } });
    const old = await fixture.token(fixture.alice, 'jwt');
    const oldNeverSeen = await fixture.token(fixture.bob, 'jwt');
    await expectAnswers(load, [{ path: '/admin', authorization: bearer(old), expect: 200, label: 'old key, before' }]);
    await clock.advance(1_100);
    await zitadel.rotateSigningKeys({ dropOld: true });
    const fresh = await fixture.token(fixture.alice, 'jwt');

    // The new key is fetched at once (the cooldown has passed); that refresh also drops the old key.
    await expectAnswers(load, [{ path: '/admin', authorization: bearer(fresh), expect: 200, label: 'new key' }], 1);
    // A token signed by the dropped key and never verified before is refused right away.
    await expectAnswers(
      load,
      [{ path: '/me', authorization: bearer(oldNeverSeen), expect: 401, label: 'old key, never seen' }],
      1,
    );
    // The old token verified before the rotation is served from the verified-token cache for up to
    // jwt.cache.maxTtlSeconds (5 s) after its verification; after that it is refused, and stays refused.
    await expectAnswers(load, [{ path: '/admin', authorization: bearer(old), expect: 200, label: 'old key, cached' }]);
    await clock.advance(4_000);
    await expectAnswers(load, [
      ...Array.from({ length: 20 }, (): Shot => ({
        path: '/admin',
        authorization: bearer(old),
        expect: 401,
        label: 'old key, after',
      })),
      ...Array.from({ length: 20 }, (): Shot => ({
        path: '/admin',
        authorization: bearer(fresh),
        expect: 200,
        label: 'new key, after',
      })),
    ]);
  });
});

/** Resolves once `condition` holds, polling on real time: for events of real I/O, not for the clock. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
