// Faults of ZITADEL's introspection endpoint, injected through the emulator while a real guarded
// Nest app serves requests. Each case states its expected outcome: while ZITADEL cannot answer,
// tokens it would have to check are answered 503 (never 200, never a 500), results already cached
// keep serving, JWTs (verified locally) are unaffected, nothing is left unanswered, and the same
// tokens are accepted again as soon as the fault ends (failures are not cached), without a restart.
import 'reflect-metadata';
import type { EmulatorFault } from 'nestjs-zitadel/testing';
import type { RunningApp } from '../support/nest-app.js';
import { startGuardedApp } from './support/app.js';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';
import { assertOwnLogClean } from './support/leaks.js';
import { LoadClient, repeat, type Shot } from './support/load.js';

const RETRIES = 1;
const HTTP = { timeoutMs: 250, retries: RETRIES, backoffBaseMs: 1, backoffMaxMs: 100 };

let fixture: ZitadelFixture;
let app: RunningApp;
let client: LoadClient;

beforeAll(async () => {
  fixture = await startZitadel();
});
afterAll(() => fixture.close());
beforeEach(async () => {
  fixture.zitadel.clearFaults();
  app = await startGuardedApp('express', {
    issuer: fixture.zitadel.issuer,
    apiApplication: { key: fixture.apiKey },
    projectId: fixture.projectId,
    http: HTTP,
  });
  client = new LoadClient(app.url, { maxSockets: 8 });
});
afterEach(async () => {
  fixture.zitadel.clearFaults();
  client.close();
  await app.close();
  // Each test's own app logged something, and no token, assertion, key or secret.
  assertOwnLogClean(app.logs.lines, fixture);
});

const bearer = (token: string): string => `Bearer ${token}`;

/** Sends shots and asserts that each got its expected status and that none went unanswered. */
async function expectAnswers(shots: readonly Shot[], concurrency = 8): Promise<void> {
  const tally = await client.runAll(shots, concurrency);
  expect({ sent: tally.sent, answered: tally.answered, lost: tally.lost, wrong: tally.wrong }).toEqual({
    sent: shots.length,
    answered: shots.length,
    lost: [],
    wrong: [],
  });
}

interface Outage {
  readonly name: string;
  readonly fault: Omit<EmulatorFault, 'endpoint' | 'times'>;
  /** Requests ZITADEL sees per introspection while the fault lasts. */
  readonly attempts: number;
}

const outages: Outage[] = [
  { name: 'answering 500', fault: { status: 500, body: { error: 'server_error' } }, attempts: RETRIES + 1 },
  {
    name: 'answering 503 with an HTML page',
    fault: { status: 503, body: '<html>maintenance</html>' },
    attempts: RETRIES + 1,
  },
  {
    name: 'answering 429 with Retry-After: 120 (longer than backoffMaxMs, so not waited for)',
    fault: { status: 429, headers: { 'retry-after': '120' } },
    attempts: 1,
  },
  { name: 'hanging past the 250 ms timeout', fault: { delayMs: 2_000 }, attempts: RETRIES + 1 },
  { name: 'resetting connections', fault: { drop: true }, attempts: RETRIES + 1 },
  { name: 'answering 200 with a body that is not JSON', fault: { status: 200, body: 'OK' }, attempts: 1 },
  {
    name: 'answering 200 with JSON of the wrong shape ({"active":"true"})',
    fault: { status: 200, body: { active: 'true', sub: 'attacker' } },
    attempts: 1,
  },
  {
    name: 'refusing the API credentials (400 unauthorized_client)',
    fault: { status: 400, body: { error: 'unauthorized_client' } },
    attempts: 1,
  },
];

describe('introspection endpoint down', () => {
  it.each(outages)(
    'introspection $name: unchecked opaque tokens get 503, cached results keep serving 200/403, JWTs 200, and the same tokens get 200 once it ends',
    async ({ fault, attempts }) => {
      const { zitadel } = fixture;
      const cachedAdmin = await fixture.token(fixture.alice, 'opaque');
      const cachedNoRole = await fixture.token(fixture.bob, 'opaque');
      const jwt = await fixture.token(fixture.alice, 'jwt');
      const fresh = await Promise.all(Array.from({ length: 6 }, () => fixture.token(fixture.alice, 'opaque')));
      // Warm up: these results are cached, the JWKS is loaded.
      await expectAnswers([
        { path: '/admin', authorization: bearer(cachedAdmin), expect: 200, label: 'warm admin' },
        { path: '/admin', authorization: bearer(cachedNoRole), expect: 403, label: 'warm no role' },
        { path: '/admin', authorization: bearer(jwt), expect: 200, label: 'warm jwt' },
      ]);

      zitadel.injectFault({ endpoint: 'introspect', ...fault });
      const before = zitadel.requestCount('introspect');
      await expectAnswers([
        ...fresh.flatMap((token): Shot[] => [
          { path: '/me', authorization: bearer(token), expect: 503, label: 'uncached opaque' },
          { path: '/admin', authorization: bearer(token), expect: 503, label: 'uncached opaque, role route' },
          // A public route ignores a token it cannot check.
          { path: '/public', authorization: bearer(token), expect: 200, label: 'public with uncached opaque' },
        ]),
        ...repeat(
          [
            { path: '/admin', authorization: bearer(cachedAdmin), expect: 200, label: 'cached admin' },
            { path: '/admin', authorization: bearer(cachedNoRole), expect: 403, label: 'cached no role' },
            { path: '/me', authorization: bearer(cachedNoRole), expect: 200, label: 'cached no role, any-user route' },
            { path: '/admin', authorization: bearer(jwt), expect: 200, label: 'jwt' },
            { path: '/me', expect: 401, label: 'no token' },
            { path: '/me', authorization: bearer(`${jwt.slice(0, -4)}AAAA`), expect: 401, label: 'tampered jwt' },
          ],
          4,
        ),
      ]);
      const calls = zitadel.requestCount('introspect') - before;
      // Every uncached token was tried, each at most `attempts` times per request (bounded retries).
      expect(calls).toBeGreaterThanOrEqual(fresh.length);
      expect(calls).toBeLessThanOrEqual(fresh.length * 2 * attempts);
      // The guard said why in a warning; nothing was handled as an unexpected error.
      expect(app.logs.lines.some((line) => line.includes('Access token not checked, answering 503'))).toBe(true);
      expect(app.logs.lines.filter((line) => line.includes('ExceptionsHandler'))).toEqual([]);

      zitadel.clearFaults();
      await expectAnswers(
        fresh.map((token) => ({ path: '/admin', authorization: bearer(token), expect: 200, label: 'recovered' })),
      );
    },
  );
});

describe('introspection endpoint failing briefly', () => {
  const blips: { name: string; fault: Omit<EmulatorFault, 'endpoint'>; calls: number }[] = [
    { name: 'one 500', fault: { status: 500, times: 1 }, calls: 2 },
    {
      name: 'one 429 with Retry-After: 1 (within backoffMaxMs, so waited for)',
      fault: { status: 429, headers: { 'retry-after': '1' }, times: 1 },
      calls: 2,
    },
    { name: 'one reset connection', fault: { drop: true, times: 1 }, calls: 2 },
    { name: 'one answer slower than the timeout', fault: { delayMs: 1_000, times: 1 }, calls: 2 },
  ];

  it.each(blips)('introspection with $name: retried, the request gets 200', async ({ fault, calls }) => {
    client.close();
    await app.close();
    app = await startGuardedApp('express', {
      issuer: fixture.zitadel.issuer,
      apiApplication: { key: fixture.apiKey },
      projectId: fixture.projectId,
      http: { ...HTTP, backoffMaxMs: 1_500 },
    });
    client = new LoadClient(app.url);
    const token = await fixture.token(fixture.alice, 'opaque');
    // Discovery first, so that only introspection requests are counted.
    await expectAnswers([
      { path: '/me', authorization: bearer(await fixture.token(fixture.alice, 'opaque')), expect: 200, label: 'warm' },
    ]);
    fixture.zitadel.injectFault({ endpoint: 'introspect', ...fault });
    const before = fixture.zitadel.requestCount('introspect');
    await expectAnswers([{ path: '/admin', authorization: bearer(token), expect: 200, label: 'after a blip' }]);
    expect(fixture.zitadel.requestCount('introspect') - before).toBe(calls);
  });
});

describe('introspection under concurrency while down', () => {
  it('shares one introspection per token among concurrent requests, and answers every one of them 503', async () => {
    const { zitadel } = fixture;
    await expectAnswers([
      { path: '/me', authorization: bearer(await fixture.token(fixture.alice, 'opaque')), expect: 200, label: 'warm' },
    ]);
    const token = await fixture.token(fixture.alice, 'opaque');
    zitadel.injectFault({ endpoint: 'introspect', delayMs: 2_000 });
    const before = zitadel.requestCount('introspect');
    await expectAnswers(
      Array.from({ length: 20 }, () => ({
        path: '/me',
        authorization: bearer(token),
        expect: 503,
        label: 'same token',
      })),
      20,
    );
    // Requests for one token share the introspection in flight: far fewer than one per request
    // (how many rounds depends on when the 20 connections arrive, so only the bound is asserted).
    const calls = zitadel.requestCount('introspect') - before;
    expect(calls).toBeGreaterThanOrEqual(RETRIES + 1);
    expect(calls).toBeLessThanOrEqual((20 * (RETRIES + 1)) / 2);
  });
});
