// ID tokens are not access tokens: an ID token ZITADEL (here the emulator) issued, well signed,
// for the API's project and within its lifetime, is refused by the guard (401 invalid_token),
// while every JWT access token passes: service users' and humans', with and without roles. The
// rule (README, "Decisions"): an access token carries `jti` and no `azp`; an ID token always
// carries `azp` and no `jti`. Over Express and Fastify, the test playing the client.
import { decodeJwt } from 'jose';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

const INVALID = 'Bearer realm="zitadel-test", error="invalid_token", error_description="The access token is invalid"';

let zitadel: ZitadelEmulator;
// One clock for the emulator and the app, standing still: every token is checked at the instant it
// was issued, within its lifetime.
const clock = new ManualClock();
let projectId: string;

interface Tokens {
  readonly accessToken: string;
  readonly idToken: string;
}

/** The client credentials grant with `openid`: the answer carries an access token and an ID token. */
async function clientCredentials(clientId: string, clientSecret: string): Promise<Tokens> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const response = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: ['openid', ZitadelScopes.projectAudience(projectId), 'urn:zitadel:iam:org:projects:roles'].join(' '),
    }).toString(),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; id_token?: string };
  expect(body.id_token).toEqual(expect.any(String));
  return { accessToken: body.access_token, idToken: body.id_token ?? '' };
}

const service: Record<'withRoles' | 'withoutRoles', Tokens> = {} as Record<'withRoles' | 'withoutRoles', Tokens>;
const human: Record<'withRoles' | 'withoutRoles', string> = {} as Record<'withRoles' | 'withoutRoles', string>;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start({ clock });
  projectId = zitadel.createProject({ name: 'reports' }).id;
  zitadel.addProjectRole(projectId, { key: 'admin' });
  for (const roles of ['withRoles', 'withoutRoles'] as const) {
    const bot = zitadel.createServiceUser({ userName: `bot-${roles}`, accessTokenType: 'jwt', withSecret: true });
    if (roles === 'withRoles') zitadel.grantRoles({ userId: bot.userId, projectId, roleKeys: ['admin'] });
    service[roles] = await clientCredentials(bot.clientId ?? '', bot.clientSecret ?? '');
    const person = zitadel.createHumanUser({ userName: `alice-${roles}` });
    if (roles === 'withRoles') zitadel.grantRoles({ userId: person.userId, projectId, roleKeys: ['admin'] });
    human[roles] = await zitadel.issueToken({
      userId: person.userId,
      type: 'jwt',
      scopes: ['openid', ZitadelScopes.projectAudience(projectId), 'urn:zitadel:iam:org:projects:roles'],
    });
  }
});
afterAll(() => zitadel.close());

describe.each(PLATFORMS)('ID tokens as access tokens over %s', (platform) => {
  let app: RunningApp;
  const mine = (token: string) => get(app.url, '/reports/mine', { token });

  beforeAll(async () => {
    app = await startApp(
      platform,
      guardedAppModule({
        issuer: zitadel.issuer,
        projectId,
        tokenValidation: 'jwt',
        realm: 'zitadel-test',
        // A service user's ID token expires as it is issued (lifetime 0, as in ZITADEL): with the
        // clock standing still at that instant it is within its lifetime (and the default 5 s
        // tolerance), so what refuses it is that it is an ID token.
        clock,
      }),
    );
  });
  afterAll(() => app.close());

  it.each(['withRoles', 'withoutRoles'] as const)(
    "refuses a service user's ID token (%s) and accepts its JWT access token",
    async (roles) => {
      const { accessToken, idToken } = service[roles];
      // The ID token is the emulator's: for the project, with `azp`, `at_hash` and `sid`.
      expect(decodeJwt(idToken)).toMatchObject({ aud: expect.arrayContaining([projectId]), azp: expect.any(String) });
      expect(await mine(idToken)).toMatchObject({ status: 401, challenge: INVALID });
      const answer = await mine(accessToken);
      expect(answer).toMatchObject({ status: 200, body: { source: 'jwt' } });
      expect(Object.keys(answer.body['roles'] as object)).toEqual(roles === 'withRoles' ? ['admin'] : []);
    },
  );

  it.each(['withRoles', 'withoutRoles'] as const)("accepts a human's JWT access token (%s)", async (roles) => {
    const answer = await mine(human[roles]);
    expect(answer).toMatchObject({ status: 200, body: { source: 'jwt' } });
    expect(Object.keys(answer.body['roles'] as object)).toEqual(roles === 'withRoles' ? ['admin'] : []);
  });
});
