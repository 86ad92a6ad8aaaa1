// A discovery document naming endpoints on another origin, against a real guarded Nest app: the
// document is refused (ZitadelDiscoveryError), the guard answers 503, and nothing is sent to the
// foreign endpoint (a second loopback server, on another port and so another origin, records it).
// Only discovery.trustedOrigins widens where endpoints may be. The https→http downgrade rule is
// unit-tested in libs/zitadel/src/oidc/endpoint-origin.spec.ts (a loopback issuer is plain http).
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenService, ZitadelDiscoveryError, type ZitadelModuleOptions } from 'nestjs-zitadel';
import { get, guardedAppModule } from './support/guarded-app.js';
import {
  DISCOVERY_PATH,
  INTROSPECTION_PATH,
  JWKS_PATH,
  TOKEN_PATH,
  sendJson,
  startHostileIssuer,
  type HostileIssuer,
} from './support/hostile-issuer.js';
import { startApp, type RunningApp } from './support/nest-app.js';

const PROJECT_ID = '300000000000000001';
const OPAQUE = 'opaque-access-token-0123456789';

/** The foreign origin: records every request and would vouch for any token. */
let foreign: Server;
let foreignOrigin: string;
const foreignRequests: string[] = [];
let issuer: HostileIssuer;
let app: RunningApp | undefined;

beforeAll(async () => {
  foreign = createServer((req, res) => {
    foreignRequests.push(`${req.method} ${req.url}`);
    sendJson(res, 200, { active: true, sub: 'attacker', aud: [PROJECT_ID], keys: [], access_token: 'x' });
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignOrigin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
});
afterAll(async () => {
  foreign.closeAllConnections();
  await new Promise((resolve) => foreign.close(resolve));
});
beforeEach(async () => {
  foreignRequests.length = 0;
  issuer = await startHostileIssuer();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await issuer.close();
});

async function start(options: Partial<ZitadelModuleOptions> = {}): Promise<RunningApp> {
  app = await startApp(
    'express',
    guardedAppModule({
      issuer: issuer.issuer,
      apiApplication: { clientId: 'api@acme', clientSecret: 'api-secret-value' },
      serviceUser: { clientId: 'reporter', clientSecret: 'service-user-secret-value' },
      projectId: PROJECT_ID,
      http: { retries: 0 },
      ...options,
    }),
  );
  return app;
}

const jwt = () =>
  issuer.sign({ iss: issuer.issuer, sub: 'alice', aud: [PROJECT_ID], exp: Math.floor(Date.now() / 1000) + 300 });

/** Only the discovery document was fetched from the issuer itself. */
const issuerPaths = () => [...new Set(issuer.requests.map((request) => request.path))];

describe('a discovery document naming an endpoint on another origin', () => {
  it('introspection_endpoint elsewhere: opaque tokens get 503, the client secret and the token go nowhere', async () => {
    issuer.discovery({ introspection_endpoint: `${foreignOrigin}${INTROSPECTION_PATH}` });
    const { url, logs } = await start();
    for (let i = 0; i < 3; i++) expect((await get(url, '/reports/mine', { token: OPAQUE })).status).toBe(503);
    expect(foreignRequests).toEqual([]);
    expect(issuerPaths()).toEqual([DISCOVERY_PATH]);
    expect(logs.lines.join('\n')).toContain(
      `The discovery document's "introspection_endpoint" is on ${foreignOrigin}, not on the issuer's origin`,
    );
  });

  it('jwks_uri elsewhere: JWTs get 503 and no key set is fetched from anywhere', async () => {
    issuer.discovery({ jwks_uri: `${foreignOrigin}${JWKS_PATH}` });
    const { url } = await start();
    const token = await jwt();
    for (let i = 0; i < 3; i++) expect((await get(url, '/reports/mine', { token })).status).toBe(503);
    expect(foreignRequests).toEqual([]);
    expect(issuerPaths()).toEqual([DISCOVERY_PATH]);
  });

  it.each(['revocation_endpoint', 'userinfo_endpoint'])(
    '%s elsewhere: the whole document is refused, even for tokens that would not use it',
    async (field) => {
      issuer.discovery({ [field]: `${foreignOrigin}/oauth/v2/elsewhere` });
      const { url } = await start();
      expect((await get(url, '/reports/mine', { token: OPAQUE })).status).toBe(503);
      expect((await get(url, '/reports/mine', { token: await jwt() })).status).toBe(503);
      expect(foreignRequests).toEqual([]);
      expect(issuerPaths()).toEqual([DISCOVERY_PATH]);
    },
  );

  it('token_endpoint elsewhere: TokenService fails with ZitadelDiscoveryError naming the field and the option, short, and sends no credentials', async () => {
    issuer.discovery({ token_endpoint: `${foreignOrigin}/${'a'.repeat(5000)}${TOKEN_PATH}` });
    const running = await start();
    const error = await running.app
      .get(TokenService)
      .getAccessToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelDiscoveryError);
    const message = (error as Error).message;
    expect(message).toContain('"token_endpoint"');
    expect(message).toContain('discovery.trustedOrigins');
    expect(message).not.toContain('aaaa');
    expect(message.length).toBeLessThan(300);
    expect(foreignRequests).toEqual([]);
    expect(issuerPaths()).toEqual([DISCOVERY_PATH]);
  });

  it('the same origin under discovery.trustedOrigins is used: the option widens the allowed origins', async () => {
    issuer.discovery({ introspection_endpoint: `${foreignOrigin}${INTROSPECTION_PATH}` });
    const { url } = await start({ discovery: { trustedOrigins: [foreignOrigin] } });
    expect((await get(url, '/reports/mine', { token: OPAQUE })).status).toBe(200);
    expect(foreignRequests).toEqual([`POST ${INTROSPECTION_PATH}`]);
    expect(issuer.requestsTo(INTROSPECTION_PATH)).toEqual([]);
  });
});
