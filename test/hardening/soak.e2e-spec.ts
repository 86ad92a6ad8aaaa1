// A soak: a bounded mixed load (valid, invalid, expired, not-yet-valid, revoked and role-denied
// tokens, opaque and JWT, public and protected routes) against a real guarded Nest app for
// SOAK_SECONDS of real time (default 5; raise it for long local runs) at a fixed concurrency, with
// ZITADEL outages injected in cycles (introspection and JWKS answering 503). The app and the
// emulator share a ManualClock: between outages it moves past every cache lifetime, the JWKS age
// and the refetch cooldowns, so each outage meets expired cache entries without waiting for them.
// Every request's status is known in advance; the soak counts every answer and asserts: none lost,
// none wrong, no 5xx but the 503s of requests that needed ZITADEL and overlapped an outage (with
// the cooldowns after it), and memory flat (heap after GC, or RSS).
import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock } from 'nestjs-zitadel/testing';
import type { RunningApp } from '../support/nest-app.js';
import { startGuardedApp, type Route } from './support/app.js';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';
import { secretsIn } from './support/leaks.js';
import { LoadClient, Tally, type Answer, type Shot } from './support/load.js';

const SOAK_SECONDS = Number(process.env['SOAK_SECONDS'] ?? 5);
const CONCURRENCY = 16;
/** Clock time between two outages (past every cache lifetime and the JWKS age), and of one outage. */
const OUTAGE_EVERY_MS = 10_000;
const OUTAGE_MS = 1_500;
const JWKS_COOLDOWN_MS = 1_000;
/** Clock time after an outage that lets the refetch cooldowns after its failed fetches pass. */
const COOLDOWNS_MS = 2 * JWKS_COOLDOWN_MS;
/** Answers between two outages, with ZITADEL healthy. */
const HEALTHY_SLICE = 400;
/** Lifetime of the valid tokens: longer than the clock moves in any soak. */
const LONG_LIVED = { expiresIn: 400 * 86_400 };

const clock = new ManualClock();
let fixture: ZitadelFixture;
let app: RunningApp;
let client: LoadClient;

beforeAll(async () => {
  fixture = await startZitadel({ clock });
  app = await startGuardedApp('express', {
    issuer: fixture.zitadel.issuer,
    apiApplication: { key: fixture.apiKey },
    projectId: fixture.projectId,
    // No backoff: retries wait on the clock, which moves only between phases.
    http: { timeoutMs: 500, retries: 1, backoffBaseMs: 0, backoffMaxMs: 0 },
    clock,
    // Short cache lifetimes, so tokens are introspected and verified again and again during the
    // soak, and every outage (longer than a lifetime) meets tokens whose cached result expired.
    introspection: { cache: { maxTtlSeconds: 1, inactiveTtlSeconds: 1 } },
    jwt: { jwksMaxAgeSeconds: 5, jwksCooldownSeconds: JWKS_COOLDOWN_MS / 1_000, cache: { maxTtlSeconds: 2 } },
  });
  client = new LoadClient(app.url, { maxSockets: CONCURRENCY, deadlineMs: 10_000 });
});
afterAll(async () => {
  client?.close();
  await app?.close();
  await fixture?.close();
});

/** A kind of request: its token (one of several), route and the one status it must get. */
interface Kind {
  readonly label: string;
  readonly headers: readonly (string | undefined)[];
  readonly path: Route;
  readonly expect: number;
  /**
   * What it needs from ZITADEL besides cached keys: introspection, or a JWKS fetch (an unknown
   * `kid`). Then it may get 503 when its request overlapped an injected outage (for the JWKS, or
   * the refetch cooldown after it, during which the failed fetch stands).
   */
  readonly needs: 'introspection' | 'jwks' | 'nothing';
}

const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const many = (n: number, make: () => Promise<string>): Promise<string[]> =>
  Promise.all(Array.from({ length: n }, make));
const bearer = (tokens: readonly string[]): string[] => tokens.map((token) => `Bearer ${token}`);

async function kinds(): Promise<Kind[]> {
  const { alice, bob } = fixture;
  const aliceOpaque = await many(4, () => fixture.token(alice, 'opaque', LONG_LIVED));
  const aliceJwt = await many(4, () => fixture.token(alice, 'jwt', LONG_LIVED));
  const bobOpaque = await many(2, () => fixture.token(bob, 'opaque', LONG_LIVED));
  const bobJwt = await many(2, () => fixture.token(bob, 'jwt', LONG_LIVED));
  const revoked = await many(2, () => fixture.token(alice, 'opaque', LONG_LIVED));
  for (const token of revoked) fixture.zitadel.revokeToken(token);
  const expiredJwt = await many(2, () => fixture.token(alice, 'jwt', { expiresIn: -60 }));
  const expiredOpaque = await many(2, () => fixture.token(alice, 'opaque', { expiresIn: -60 }));
  const earlyJwt = await many(2, () =>
    fixture.token(alice, 'jwt', { ...LONG_LIVED, notBefore: new Date(clock.now() + 300 * 86_400_000) }),
  );
  const tampered = aliceJwt.map((token) => {
    const [header, , signature] = token.split('.');
    return `${header}.${b64url({ sub: bob, aud: [fixture.projectId], exp: 4_000_000_000 })}.${signature}`;
  });
  const unsigned = [
    `${b64url({ alg: 'none' })}.${b64url({ sub: alice, aud: [fixture.projectId], exp: 4_000_000_000 })}.`,
  ];
  const unknownKid = [
    `${b64url({ alg: 'RS256', kid: 'forged' })}.${b64url({ sub: alice, aud: [fixture.projectId], exp: 4_000_000_000 })}.c2ln`,
  ];
  const garbage = ['not-a-token', 'V1StGXR8_Z5jdHi6B-myT', 'x'.repeat(300)];
  return [
    {
      label: 'valid opaque, role route',
      headers: bearer(aliceOpaque),
      path: '/admin',
      expect: 200,
      needs: 'introspection',
    },
    {
      label: 'valid opaque, user route',
      headers: bearer(aliceOpaque),
      path: '/me',
      expect: 200,
      needs: 'introspection',
    },
    { label: 'valid jwt, role route', headers: bearer(aliceJwt), path: '/admin', expect: 200, needs: 'nothing' },
    { label: 'role-denied opaque', headers: bearer(bobOpaque), path: '/admin', expect: 403, needs: 'introspection' },
    { label: 'role-denied jwt', headers: bearer(bobJwt), path: '/admin', expect: 403, needs: 'nothing' },
    { label: 'no role needed, jwt', headers: bearer(bobJwt), path: '/me', expect: 200, needs: 'nothing' },
    { label: 'revoked opaque', headers: bearer(revoked), path: '/me', expect: 401, needs: 'introspection' },
    { label: 'expired opaque', headers: bearer(expiredOpaque), path: '/me', expect: 401, needs: 'introspection' },
    { label: 'expired jwt', headers: bearer(expiredJwt), path: '/me', expect: 401, needs: 'nothing' },
    { label: 'not-yet-valid jwt', headers: bearer(earlyJwt), path: '/me', expect: 401, needs: 'nothing' },
    { label: 'tampered jwt', headers: bearer(tampered), path: '/admin', expect: 401, needs: 'nothing' },
    { label: 'unsigned jwt (alg none)', headers: bearer(unsigned), path: '/me', expect: 401, needs: 'nothing' },
    { label: 'forged jwt (unknown kid)', headers: bearer(unknownKid), path: '/me', expect: 401, needs: 'jwks' },
    { label: 'garbage opaque', headers: bearer(garbage), path: '/me', expect: 401, needs: 'introspection' },
    {
      label: 'malformed header',
      headers: ['Bearer', 'Bearer a b', 'Basic dXNlcjpwYXNz'],
      path: '/me',
      expect: 401,
      needs: 'nothing',
    },
    { label: 'no token', headers: [undefined], path: '/admin', expect: 401, needs: 'nothing' },
    { label: 'public, valid jwt', headers: bearer(aliceJwt), path: '/public', expect: 200, needs: 'nothing' },
    { label: 'public, garbage', headers: bearer(garbage), path: '/public', expect: 200, needs: 'nothing' },
  ];
}

/** Heap in use after a full garbage collection (with a collector), else resident set size: the smallest of a few samples. */
async function settledMemory(): Promise<{ bytes: number; measure: 'heapUsed after GC' | 'rss' }> {
  const gc = collector();
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    samples.push(gc === undefined ? process.memoryUsage().rss : process.memoryUsage().heapUsed);
  }
  return { bytes: Math.min(...samples), measure: gc === undefined ? 'rss' : 'heapUsed after GC' };
}

function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves true once `condition` holds (answers arriving: real I/O), false after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

describe('soak', () => {
  it(
    `mixed load for ${SOAK_SECONDS} s at concurrency ${CONCURRENCY} with outages in cycles: every request answered as expected, no 5xx but outage 503s of requests that needed ZITADEL, memory flat`,
    async () => {
      const { zitadel } = fixture;
      const mix = await kinds();
      /**
       * Outage bookkeeping: `open` from the injected fault until the clock has passed the cooldowns
       * after it; `changes` counts every opening and closing, so a request that saw one in flight knows.
       */
      const outage = { open: false, changes: 0, count: 0 };
      const sentIn = new Map<Shot, { open: boolean; changes: number }>();
      let i = 0;
      let stopped = false;
      const next = (): Shot | undefined => {
        if (stopped) return undefined;
        const kind = mix[i % mix.length] as Kind;
        const authorization = kind.headers[Math.floor(i / mix.length) % kind.headers.length];
        i++;
        const shot: Shot = {
          path: kind.path,
          ...(authorization === undefined ? {} : { authorization }),
          expect: kind.needs === 'nothing' ? kind.expect : [kind.expect, 503],
          label: kind.label,
        };
        sentIn.set(shot, { open: outage.open, changes: outage.changes });
        return shot;
      };
      const unexpected503: string[] = [];
      const needs = new Map(mix.map((kind) => [kind.label, kind.needs]));
      const onAnswer = (shot: Shot, answer: Answer | Error): void => {
        const sent = sentIn.get(shot);
        sentIn.delete(shot);
        if (answer instanceof Error || answer.status !== 503) return;
        // A 503 is an outage 503 only for a request that needs ZITADEL and was in flight during an
        // outage (or during the refetch cooldowns after it).
        const overlapped = sent === undefined || sent.open || outage.open || sent.changes !== outage.changes;
        if (needs.get(shot.label) === 'nothing' || !overlapped)
          unexpected503.push(`${shot.label} (outage ${outage.count})`);
      };

      // Warm-up (discovery, JWKS, allocations that stay), then the baseline.
      const warmupTally = new Tally();
      const warming = client.run(next, CONCURRENCY, warmupTally, onAnswer);
      await until(() => warmupTally.answered >= HEALTHY_SLICE);
      stopped = true;
      const warmup = await warming;
      expect({ lost: warmup.lost, wrong: warmup.wrong }).toEqual({ lost: [], wrong: [] });
      stopped = false;
      zitadel.clearRequestLog();
      const before = await settledMemory();

      const tally = new Tally();
      const stopAt = performance.now() + SOAK_SECONDS * 1_000;
      const load = client.run(next, CONCURRENCY, tally, onAnswer);
      /** Unexpected-error log lines and secrets found in the log, checked at each outage and at the end. */
      const harnessLines: string[] = [];
      const needingZitadel = mix.filter((kind) => kind.needs !== 'nothing').map((kind) => kind.label);
      const count503 = (): number[] => needingZitadel.map((label) => tally.byLabel.get(label)?.get(503) ?? 0);
      do {
        // Healthy: a slice of answers, then the clock moves past every cache lifetime, the JWKS age and the cooldowns.
        const mark = tally.answered;
        await until(() => tally.answered >= mark + HEALTHY_SLICE);
        await clock.advance(OUTAGE_EVERY_MS);
        // Outage: until every kind of request that needs ZITADEL got its 503 (bounded; checked at the end).
        outage.open = true;
        outage.changes++;
        outage.count++;
        zitadel.injectFault({ endpoint: 'introspect', status: 503 });
        zitadel.injectFault({ endpoint: 'jwks', status: 503 });
        const seen = count503();
        await until(() => count503().every((n, k) => n > (seen[k] ?? 0)), 5_000);
        await clock.advance(OUTAGE_MS);
        zitadel.clearFaults();
        await clock.advance(COOLDOWNS_MS);
        outage.open = false;
        outage.changes++;
        // The harness keeps its own records bounded: the emulator's request log and the app's captured log lines.
        zitadel.clearRequestLog();
        harnessLines.push(
          ...app.logs.lines.filter((line) => line.includes('ExceptionsHandler')),
          ...secretsIn(app.logs.lines.join('\n'), fixture),
        );
        app.logs.lines.length = 0;
      } while (performance.now() < stopAt);
      // A last healthy slice: every status after the outages is the one known in advance.
      const mark = tally.answered;
      await until(() => tally.answered >= mark + HEALTHY_SLICE);
      stopped = true;
      await load;
      harnessLines.push(
        ...app.logs.lines.filter((line) => line.includes('ExceptionsHandler')),
        ...secretsIn(app.logs.lines.join('\n'), fixture),
      );
      app.logs.lines.length = 0;
      zitadel.clearRequestLog();
      const after = await settledMemory();

      expect({
        sent: tally.sent,
        lost: tally.lost,
        wrong: tally.wrong,
        unexpected503,
        unhandled: harnessLines,
      }).toEqual({
        sent: tally.answered,
        lost: [],
        wrong: [],
        unexpected503: [],
        unhandled: [],
      });
      expect(tally.serverErrors).toBe(tally.count(503));
      // Every kind of request was exercised, outages happened, and the mix was answered.
      expect(
        mix.filter((kind) => (tally.byLabel.get(kind.label)?.get(kind.expect) ?? 0) === 0).map((kind) => kind.label),
      ).toEqual([]);
      expect(outage.count).toBeGreaterThanOrEqual(1);
      // Outages reached every kind of request that needs ZITADEL: each got some 503s (and nothing else but its status).
      const untouched = needingZitadel.filter((label) => tally.byLabel.get(label)?.get(503) === undefined);
      expect(untouched).toEqual([]);
      // Memory flat: generous bounds, so only a leak (growth with the number of requests) fails.
      const grown = after.bytes - before.bytes;
      const allowed = (after.measure === 'rss' ? 64 : 24) * 1024 * 1024 + before.bytes * 0.1;
      expect({
        measure: after.measure,
        flat: grown <= allowed,
        grownMiB: Math.round(grown / 1024 / 1024),
        requests: tally.answered > 0,
      }).toEqual({
        measure: after.measure,
        flat: true,
        grownMiB: Math.round(grown / 1024 / 1024),
        requests: true,
      });
    },
    (SOAK_SECONDS + 60) * 1_000,
  );
});
