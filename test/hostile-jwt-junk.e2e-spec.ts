// Tokens that look like JWTs (three dot-separated parts) but cannot be one: the guard answers 401
// `malformed` without asking the issuer anything, not even for discovery, so junk from an
// unauthenticated client costs ZITADEL nothing, whatever state it is in. In 'jwt' and in 'auto'
// mode (where such a token is not sent to introspection either: none of ZITADEL's opaque token
// formats has three parts). Over Express and Fastify, against the hostile loopback issuer.
import type { ZitadelModuleOptions } from 'nestjs-zitadel';
import { get, guardedAppModule } from './support/guarded-app.js';
import { DISCOVERY_PATH, JWKS_PATH, startHostileIssuer, type HostileIssuer } from './support/hostile-issuer.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

const PROJECT = '231848297847848962';
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'RS256', kid: 'hostile-key', typ: 'JWT' }));
const CLAIMS = { sub: '42', aud: [PROJECT], exp: 4_000_000_000, jti: 'V2_1-at_2' };
const PAYLOAD = b64(JSON.stringify(CLAIMS));
const SIGNATURE = b64('not really a signature, but base64url');

/** Three parts each, none a JWT: [what is wrong, token, the reason in the challenge]. */
const JUNK: [string, string, string][] = [
  ['three words', 'a.b.c', 'malformed'],
  ['a header that is not JSON', `${b64('{"alg":"RS256"')}.${PAYLOAD}.${SIGNATURE}`, 'malformed'],
  ['a header that is a JSON array', `${b64('["RS256"]')}.${PAYLOAD}.${SIGNATURE}`, 'malformed'],
  ['a header that is a JSON string', `${b64('"RS256"')}.${PAYLOAD}.${SIGNATURE}`, 'malformed'],
  ['a header that is JSON null', `${b64('null')}.${PAYLOAD}.${SIGNATURE}`, 'malformed'],
  ['a payload that is not JSON', `${HEADER}.${b64('sub=42')}.${SIGNATURE}`, 'malformed'],
  ['a payload that is a JSON number', `${HEADER}.${b64('42')}.${SIGNATURE}`, 'malformed'],
  [
    'a payload that is not UTF-8 JSON',
    `${HEADER}.${b64(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]))}.${SIGNATURE}`,
    'malformed',
  ],
  [
    'a header with characters outside base64url',
    `${HEADER.slice(0, 8)}+/${HEADER.slice(8)}.${PAYLOAD}.${SIGNATURE}`,
    'malformed',
  ],
  ['a signature with characters outside base64url', `${HEADER}.${PAYLOAD}.${SIGNATURE}+/`, 'malformed'],
  ['an unsigned token (alg none)', `${b64(JSON.stringify({ alg: 'none' }))}.${PAYLOAD}.`, 'invalid'],
  ['another algorithm (HS256)', `${b64(JSON.stringify({ alg: 'HS256' }))}.${PAYLOAD}.${SIGNATURE}`, 'invalid'],
];

const DESCRIPTIONS: Record<string, string> = {
  malformed: 'The access token is malformed',
  invalid: 'The access token is invalid',
};

describe.each(PLATFORMS)('JWT-shaped junk over %s', (platform) => {
  describe.each(['jwt', 'auto'] as const)("tokenValidation '%s'", (mode) => {
    let issuer: HostileIssuer;
    let app: RunningApp;

    beforeAll(async () => {
      issuer = await startHostileIssuer();
      const options: ZitadelModuleOptions = {
        issuer: issuer.issuer,
        projectId: PROJECT,
        tokenValidation: mode,
        realm: 'zitadel-test',
        ...(mode === 'auto' ? { apiApplication: { clientId: '99@reports', clientSecret: 'secret' } } : {}),
      };
      app = await startApp(platform, guardedAppModule(options));
    });
    afterAll(async () => {
      await app?.close();
      await issuer?.close();
    });

    it.each(JUNK)('refuses %s with 401, asking the issuer nothing', async (_, token, reason) => {
      for (let i = 0; i < 3; i++) {
        const answer = await get(app.url, '/reports/mine', { token });
        expect(answer.status).toBe(401);
        expect(answer.challenge).toBe(
          `Bearer realm="zitadel-test", error="invalid_token", error_description="${DESCRIPTIONS[reason]}"`,
        );
      }
      // The whole log, not this test's part of it: one request from any test here (a warm
      // discovery cache) would hide the next junk token's cost, so it fails them all.
      expect(issuer.requests).toEqual([]);
    });
  });
});

describe.each(PLATFORMS)('a well-formed JWT over %s (the control: the silence above is the pre-check)', (platform) => {
  let issuer: HostileIssuer;
  let app: RunningApp;

  beforeAll(async () => {
    issuer = await startHostileIssuer();
    app = await startApp(
      platform,
      guardedAppModule({ issuer: issuer.issuer, projectId: PROJECT, tokenValidation: 'jwt' }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  it('asks the issuer for discovery and keys, then accepts it', async () => {
    const token = await issuer.sign({ ...CLAIMS, iss: issuer.issuer });
    expect((await get(app.url, '/reports/mine', { token })).status).toBe(200);
    expect(issuer.requests.map((request) => request.path)).toEqual([DISCOVERY_PATH, JWKS_PATH]);
  });
});
