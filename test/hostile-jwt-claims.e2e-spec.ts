// Well-signed JWTs (the hostile issuer signs them with the key its JWKS publishes) whose claims
// have types ZITADEL never gives them: each is a 401 `invalid_token`, never a 503, and nothing is
// logged at ERROR (a crash while building the user used to be both). Over Express and Fastify.
import type { JWTPayload } from 'jose';
import { get, guardedAppModule } from './support/guarded-app.js';
import { startHostileIssuer, type HostileIssuer } from './support/hostile-issuer.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

const PROJECT = '231848297847848962';
const ORG = '100000000000000001';
const ROLES = `urn:zitadel:iam:org:project:${PROJECT}:roles`;
const challenge = (description: string) =>
  `Bearer realm="zitadel-test", error="invalid_token", error_description="The access token is ${description}"`;

const now = () => Math.floor(Date.now() / 1000);

/** [what is odd, claims over a valid access token's (`undefined` removes one), the refusal]. */
const ODD: [string, JWTPayload, string?][] = [
  ['sub a number', { sub: 42 as unknown as string }],
  ['sub an array', { sub: ['42'] as unknown as string }],
  ['sub an object', { sub: { id: '42' } as unknown as string }],
  ['sub empty', { sub: '' }],
  ['sub missing', { sub: undefined }],
  ['sub null', { sub: null as unknown as string }],
  // jose's audience check comes first: a number holds no project.
  ['aud a number', { aud: 7 as unknown as string }, 'not meant for this API'],
  ['aud an array holding a number', { aud: [PROJECT, 7] as unknown as string[] }],
  ['exp a string', { exp: String(now() + 600) as unknown as number }],
  ['iat a string', { iat: String(now()) as unknown as number }],
  ['nbf an array', { nbf: [now()] as unknown as number }],
  ['jti a number', { jti: 7 as unknown as string }],
  ['client_id an object', { client_id: { id: '99' } }],
  ['scope an array', { scope: ['openid'] }],
  ['the project role claim a string', { [ROLES]: 'admin' }],
  ['the project role claim an array', { [ROLES]: ['admin'] }],
  ['a role whose grants are a string', { [ROLES]: { admin: ORG } }],
  ['a role whose organisation maps to a number', { [ROLES]: { admin: { [ORG]: 1 } } }],
  ['the generic role claim null', { 'urn:zitadel:iam:org:project:roles': null }],
  ['the resource owner id a number', { 'urn:zitadel:iam:user:resourceowner:id': 7 }],
];

describe.each(PLATFORMS)('well-signed tokens with odd claims over %s', (platform) => {
  let issuer: HostileIssuer;
  let app: RunningApp;
  const claims = (overrides: JWTPayload): JWTPayload => ({
    iss: issuer.issuer,
    sub: '42',
    aud: [PROJECT, '99@reports'],
    exp: now() + 600,
    iat: now(),
    nbf: now(),
    client_id: '99@reports',
    jti: 'V2_1-at_2',
    [ROLES]: { admin: { [ORG]: 'acme.localhost' } },
    ...overrides,
  });

  beforeAll(async () => {
    issuer = await startHostileIssuer();
    app = await startApp(
      platform,
      guardedAppModule({ issuer: issuer.issuer, projectId: PROJECT, tokenValidation: 'jwt', realm: 'zitadel-test' }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  it('accepts the same token with sane claims (the control)', async () => {
    const answer = await get(app.url, '/reports/mine', { token: await issuer.sign(claims({})) });
    expect(answer).toMatchObject({ status: 200, body: { sub: '42', roles: { admin: { [ORG]: 'acme.localhost' } } } });
  });

  it.each(ODD)('refuses %s with 401, logging no error', async (_, overrides, description = 'invalid') => {
    const errors = vi.spyOn(app.logs, 'error');
    const logged = app.logs.lines.length;
    try {
      const answer = await get(app.url, '/reports/mine', { token: await issuer.sign(claims(overrides)) });
      expect(answer.status).toBe(401);
      expect(answer.challenge).toBe(challenge(description));
      expect(errors).not.toHaveBeenCalled();
      expect(app.logs.lines.slice(logged).filter((line) => line.includes('answering 503'))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });
});
