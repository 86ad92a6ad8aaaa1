// The emulator on an injected clock: one ManualClock given to the emulator and to ZitadelModule
// moves time for both, so token lifetimes and key expiry are tested without waiting.
import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type EmulatorApiApplication } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { startApp, type RunningApp } from './support/nest-app.js';

// A whole second, so `iat` (seconds, rounded down) is exactly the clock's time.
const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
let zitadel: ZitadelEmulator;
let projectId: string;
let api: EmulatorApiApplication;
let userId: string;
let app: RunningApp;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start({ clock });
  projectId = zitadel.createProject({ name: 'reports' }).id;
  zitadel.addProjectRole(projectId, { key: 'reader' });
  api = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
  const keyApi = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
  userId = zitadel.createHumanUser({ userName: 'ada' }).userId;
  zitadel.grantRoles({ userId, projectId, roleKeys: ['reader'] });
  app = await startApp(
    'express',
    guardedAppModule({
      issuer: zitadel.issuer,
      apiApplication: { keyJson: JSON.stringify(keyApi.keyFile) },
      projectId,
      clock,
      // No leeway, so "expired" means one second past `exp` for the guard as for the emulator.
      jwt: { clockToleranceSeconds: 0 },
    }),
  );
});
afterAll(async () => {
  await app.close();
  await zitadel.close();
});

const tokenFor = (type: 'opaque' | 'jwt', expiresIn: number): Promise<string> =>
  zitadel.issueToken({
    userId,
    type,
    expiresIn,
    scopes: ['openid', ZitadelScopes.projectAudience(projectId), ZitadelScopes.allProjectRoles()],
  });

async function introspect(token: string, client: EmulatorApiApplication = api): Promise<Record<string, unknown>> {
  const response = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${client.clientSecret ?? ''}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** A JWT-profile assertion signed with a key file, its times from the shared clock. */
function assertion(keyFile: { keyId: string; key: string }, subject: string): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ iss: subject, sub: subject, aud: zitadel.issuer, iat: now, exp: now + 60, jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: keyFile.keyId })
    .sign(createPrivateKey(keyFile.key));
}

const post = (path: string, form: Record<string, string>) =>
  fetch(`${zitadel.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });

describe('the emulator on a ManualClock', () => {
  it.each(['opaque', 'jwt'] as const)(
    'issues %s tokens on the clock and introspects them inactive once it has moved past exp',
    async (type) => {
      const issuedAt = Math.floor(clock.now() / 1000);
      const token = await tokenFor(type, 60);
      expect(await introspect(token)).toMatchObject({ active: true, iat: issuedAt, nbf: issuedAt, exp: issuedAt + 60 });
      await clock.advance(59_000);
      expect((await introspect(token))['active']).toBe(true);
      await clock.advance(2_000);
      expect(await introspect(token)).toEqual({ active: false });
    },
  );

  it('writes JWT access tokens with iat, nbf and exp from the clock', async () => {
    const issuedAt = Math.floor(clock.now() / 1000);
    const token = await tokenFor('jwt', 60);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ iat: issuedAt, nbf: issuedAt, exp: issuedAt + 60 });
  });

  it('refuses a token at userinfo once the clock has moved past its exp', async () => {
    const token = await tokenFor('opaque', 60);
    const userinfo = () =>
      fetch(`${zitadel.issuer}/oidc/v1/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect((await userinfo()).status).toBe(200);
    await clock.advance(61_000);
    expect((await userinfo()).status).toBe(401);
  });

  it.each(['opaque', 'jwt'] as const)(
    'lets the guard accept a %s token, then refuse it once the shared clock passed exp',
    async (type) => {
      const token = await tokenFor(type, 60);
      expect((await get(app.url, '/reports/mine', { token })).status).toBe(200);
      // The guard's caches (verified JWTs, introspection results) end at the token's exp, on the same clock.
      await clock.advance(61_000);
      const answer = await get(app.url, '/reports/mine', { token });
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/error="invalid_token"/);
    },
  );

  it("refuses a service user's key for assertions once the clock passed its expiration", async () => {
    const worker = zitadel.createServiceUser({ userName: 'worker' });
    const keyFile = await zitadel.addServiceUserKey(worker.userId, { expirationDate: new Date(clock.now() + 60_000) });
    const grant = async () =>
      post('/oauth/v2/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion(keyFile, worker.userId),
        scope: 'openid',
      });
    expect((await grant()).status).toBe(200);
    await clock.advance(60_000);
    const refused = await grant();
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('Errors.AuthNKey.NotFound'),
    });
  });

  it("refuses an application's key for client assertions once the clock passed its expiration", async () => {
    const keyApi = await zitadel.createApiApplication({
      projectId,
      authMethod: 'private_key_jwt',
      keyExpirationDate: new Date(clock.now() + 60_000),
    });
    const keyFile = keyApi.keyFile;
    if (keyFile === undefined) throw new Error('the app has no key');
    const token = await tokenFor('opaque', 3600);
    const introspectWithKey = async () =>
      post('/oauth/v2/introspect', {
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(keyFile, keyApi.clientId),
        token,
      });
    const before = await introspectWithKey();
    expect(before.status).toBe(200);
    expect((await before.json()) as unknown).toMatchObject({ active: true });
    await clock.advance(60_001);
    const after = await introspectWithKey();
    expect(after.status).toBe(400);
    expect(await after.json()).toEqual({ error: 'unauthorized_client' });
  });

  it('dates the request log on the clock', async () => {
    await clock.advance(3_600_000);
    zitadel.clearRequestLog();
    await fetch(`${zitadel.issuer}/.well-known/openid-configuration`);
    expect(zitadel.requests.map((entry) => entry.at.getTime())).toEqual([clock.now()]);
  });
});
