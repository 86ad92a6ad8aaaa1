// Outage amplification, against a real guarded Nest app with a ManualClock: while discovery or the
// JWKS has never loaded and ZITADEL answers 500, junk tokens from unauthenticated clients must not
// multiply ZITADEL's load. The first load costs 1 + http.retries upstream calls (shared by every
// concurrent caller); for http.failureCooldownMs after it failed, every caller gets 503 at once
// without a new call; after the cooldown the next caller tries again, and a healthy ZITADEL is used.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ManualClock } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import {
  DISCOVERY_PATH,
  INTROSPECTION_PATH,
  JWKS_PATH,
  sendJson,
  startHostileIssuer,
  type HostileIssuer,
} from './support/hostile-issuer.js';
import { startApp, type RunningApp } from './support/nest-app.js';

const PROJECT_ID = '300000000000000001';
const RETRIES = 2;
const COOLDOWN_MS = 1000;

let issuer: HostileIssuer;
let clock: ManualClock;
let app: RunningApp;

beforeEach(async () => {
  issuer = await startHostileIssuer();
  clock = new ManualClock();
  app = await startApp(
    'express',
    guardedAppModule({
      issuer: issuer.issuer,
      apiApplication: { clientId: 'api@acme', clientSecret: 'api-secret-value' },
      projectId: PROJECT_ID,
      // No backoff wait: the retries happen at once on the manual clock.
      http: { retries: RETRIES, backoffBaseMs: 0, failureCooldownMs: COOLDOWN_MS },
      clock,
    }),
  );
});
afterEach(async () => {
  await app.close();
  await issuer.close();
});

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Well-formed base64url JSON header and payload, a signature that verifies against nothing. */
function junkJwt(i: number): string {
  const header = base64url({ alg: 'RS256', kid: issuer.kid, typ: 'JWT' });
  const exp = Math.floor(clock.now() / 1000) + 300;
  const payload = base64url({ iss: issuer.issuer, sub: `junk-${i}`, aud: [PROJECT_ID], exp });
  return `${header}.${payload}.${randomBytes(256).toString('base64url')}`;
}

const validJwt = () =>
  issuer.sign({
    iss: issuer.issuer,
    sub: 'alice',
    aud: [PROJECT_ID],
    jti: 'valid-access-token',
    exp: Math.floor(clock.now() / 1000) + 300,
  });

/** Sends the tokens in rounds of 10 concurrent requests; returns every status. */
async function send(tokens: readonly string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < tokens.length; i += 10) {
    const round = tokens.slice(i, i + 10).map((token) => get(app.url, '/reports/mine', { token }));
    statuses.push(...(await Promise.all(round)).map((answer) => answer.status));
  }
  return statuses;
}

const serverError = (path: string) =>
  issuer.on(path, (_request, response) => sendJson(response, 500, { error: 'server_error' }));

describe('ZITADEL answering 500 before anything was loaded', () => {
  it('the JWKS: 100 junk JWTs cost 1 + retries JWKS calls, all 503; after the cooldown a valid token gets 200', async () => {
    serverError(JWKS_PATH);
    const statuses = await send(Array.from({ length: 100 }, (_, i) => junkJwt(i)));
    expect(statuses).toEqual(Array.from({ length: 100 }, () => 503));
    expect(issuer.requestsTo(JWKS_PATH)).toHaveLength(1 + RETRIES);
    expect(issuer.requestsTo(DISCOVERY_PATH)).toHaveLength(1);

    issuer.off(JWKS_PATH);
    await clock.advance(COOLDOWN_MS - 1);
    expect(await send([await validJwt(), junkJwt(100)])).toEqual([503, 503]);
    expect(issuer.requestsTo(JWKS_PATH)).toHaveLength(1 + RETRIES);

    await clock.advance(1);
    expect(await send([await validJwt()])).toEqual([200]);
    expect(issuer.requestsTo(JWKS_PATH)).toHaveLength(2 + RETRIES);
  });

  it('discovery: 100 junk tokens (JWT-shaped and opaque) cost 1 + retries discovery calls and nothing else, all 503; after the cooldown a valid token gets 200', async () => {
    serverError(DISCOVERY_PATH);
    const tokens = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? junkJwt(i) : `opaque-junk-token-${i}`));
    expect(await send(tokens)).toEqual(Array.from({ length: 100 }, () => 503));
    expect(issuer.requestsTo(DISCOVERY_PATH)).toHaveLength(1 + RETRIES);
    expect([issuer.requestsTo(JWKS_PATH), issuer.requestsTo(INTROSPECTION_PATH)]).toEqual([[], []]);

    issuer.off(DISCOVERY_PATH);
    await clock.advance(COOLDOWN_MS - 1);
    expect(await send([await validJwt()])).toEqual([503]);
    expect(issuer.requestsTo(DISCOVERY_PATH)).toHaveLength(1 + RETRIES);

    await clock.advance(1);
    expect(await send([await validJwt()])).toEqual([200]);
    expect(issuer.requestsTo(DISCOVERY_PATH)).toHaveLength(2 + RETRIES);
  });
});
