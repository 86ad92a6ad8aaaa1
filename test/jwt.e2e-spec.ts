// Local JWT verification, claim by claim, through the guard of a real Nest app over Express and
// Fastify. Tokens are signed by a stand-in issuer whose key the test holds (the emulator keeps
// its key private and always signs its own issuer), so each case differs from a valid token in
// exactly one claim or header field.
import type { JWTPayload } from 'jose';
import { ManualClock } from 'nestjs-zitadel/testing';
import { withAlgNone, withHs256OverPublicKey, withTamperedPayload, withUnknownKey } from './support/forged-tokens.js';
import { get, guardedAppModule } from './support/guarded-app.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';
import { startTokenIssuer, type TokenIssuer } from './support/token-issuer.js';

const PROJECT = '231848297847848962';
const ORG = '100000000000000001';
const TOLERANCE = 5;
const INVALID_TOKEN = /^Bearer realm="zitadel-test", error="invalid_token", error_description="([^"]+)"$/;

let issuer: TokenIssuer;
const now = () => Math.floor(Date.now() / 1000);

/** Claims of a valid access token as ZITADEL issues them, with one role. */
function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: issuer.issuer,
    sub: '42',
    aud: [PROJECT, '99@reports'],
    exp: now() + 600,
    iat: now(),
    nbf: now(),
    client_id: '99@reports',
    jti: 'V2_1-at_2',
    [`urn:zitadel:iam:org:project:${PROJECT}:roles`]: { admin: { [ORG]: 'acme.localhost' } },
    ...overrides,
  };
}

beforeAll(async () => {
  issuer = await startTokenIssuer();
});
afterAll(() => issuer.close());

describe.each(PLATFORMS)('local JWT verification over %s', (platform) => {
  let app: RunningApp;
  const mine = (token: string) => get(app.url, '/reports/mine', { token });

  beforeAll(async () => {
    app = await startApp(
      platform,
      guardedAppModule({
        issuer: issuer.issuer,
        projectId: PROJECT,
        tokenValidation: 'jwt',
        realm: 'zitadel-test',
        jwt: { clockToleranceSeconds: TOLERANCE },
      }),
    );
  });
  afterAll(() => app.close());

  it('accepts a valid token and reads its roles', async () => {
    const answer = await mine(await issuer.sign(claims()));
    expect(answer).toMatchObject({
      status: 200,
      body: { sub: '42', source: 'jwt', roles: { admin: { [ORG]: 'acme.localhost' } } },
    });
    expect((await get(app.url, '/reports/all', { token: await issuer.sign(claims()) })).status).toBe(200);
    expect((await get(app.url, '/reports/mine', { token: await issuer.sign(claims({ aud: PROJECT })) })).status).toBe(
      200,
    );
  });

  it('tolerates clock drift up to clockToleranceSeconds', async () => {
    expect((await mine(await issuer.sign(claims({ exp: now() - TOLERANCE + 2 })))).status).toBe(200);
    expect((await mine(await issuer.sign(claims({ nbf: now() + TOLERANCE - 2 })))).status).toBe(200);
  });

  const bad: [string, () => Promise<string>, string][] = [
    ['alg none', async () => withAlgNone(await issuer.sign(claims())), 'invalid'],
    [
      'HS256 signed with the public key',
      async () => withHs256OverPublicKey(await issuer.sign(claims()), issuer.publicKey),
      'invalid',
    ],
    ['an RS256 signature under another alg header', () => issuer.sign(claims(), { alg: 'RS512' }), 'invalid'],
    ['an unknown kid', async () => withUnknownKey(await issuer.sign(claims())), 'invalid'],
    [
      'a tampered payload',
      async () => withTamperedPayload(await issuer.sign(claims()), (c) => ({ ...c, sub: '1' })),
      'invalid',
    ],
    ['an expired token', () => issuer.sign(claims({ exp: now() - TOLERANCE - 2 })), 'expired'],
    ['a token not valid yet', () => issuer.sign(claims({ nbf: now() + TOLERANCE + 60 })), 'not valid yet'],
    [
      'another issuer, signed by the trusted key',
      () => issuer.sign(claims({ iss: 'https://evil.example' })),
      'invalid',
    ],
    ['the issuer with a trailing slash', () => issuer.sign(claims({ iss: `${issuer.issuer}/` })), 'invalid'],
    ['another audience', () => issuer.sign(claims({ aud: ['someone-else'] })), 'not meant for this API'],
    ['no audience', () => issuer.sign(claims({ aud: undefined })), 'not meant for this API'],
    ['no expiry', () => issuer.sign(claims({ exp: undefined })), 'invalid'],
    ['no subject', () => issuer.sign(claims({ sub: undefined })), 'invalid'],
    [
      'an expiry that is not a number',
      () => issuer.sign(claims({ exp: String(now() + 600) as unknown as number })),
      'invalid',
    ],
    ['garbage', async () => 'garbage', 'malformed'],
    ['JWT-shaped garbage', async () => 'a.b.c', 'malformed'],
    ['an oversized token', async () => `${await issuer.sign(claims())}${'A'.repeat(9000)}`, 'malformed'],
  ];
  it.each(bad)('refuses %s with 401 invalid_token', async (_, make, description) => {
    const answer = await mine(await make());
    expect(answer.status).toBe(401);
    expect(answer.challenge).toMatch(INVALID_TOKEN);
    expect(INVALID_TOKEN.exec(answer.challenge ?? '')?.[1]).toContain(description);
  });

  it('never serves a cached token past its exp', async () => {
    const clock = new ManualClock();
    const exp = Math.floor(clock.now() / 1000) + 2;
    const token = await issuer.sign(claims({ exp }));
    const strict = await startApp(
      platform,
      guardedAppModule({
        issuer: issuer.issuer,
        projectId: PROJECT,
        tokenValidation: 'jwt',
        jwt: { clockToleranceSeconds: 0 },
        clock,
      }),
    );
    try {
      expect((await get(strict.url, '/reports/mine', { token })).status).toBe(200);
      // Move past the token's lifetime: the verified-token cache must not keep it alive.
      await clock.advanceTo(exp * 1000);
      expect((await get(strict.url, '/reports/mine', { token })).status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});
