// The guard fails closed: when ZITADEL is unreachable, slow, failing or answers something that
// cannot be trusted, a protected route answers 503, never 200 and never 500, and the failure is
// not cached. Over Express and Fastify, against the emulator's fault injection.
import { ZitadelScopes, type ZitadelModuleOptions } from 'nestjs-zitadel';
import { ZitadelEmulator, type EmulatorFault } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

let zitadel: ZitadelEmulator;
let options: ZitadelModuleOptions;
let userId: string;
let projectId: string;
const issued: string[] = [];

async function token(type: 'opaque' | 'jwt'): Promise<string> {
  const value = await zitadel.issueToken({
    userId,
    type,
    scopes: ['openid', ZitadelScopes.projectAudience(projectId)],
  });
  issued.push(value);
  return value;
}

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'reports' }).id;
  zitadel.addProjectRole(projectId, { key: 'admin' });
  const api = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
  userId = zitadel.createHumanUser({ userName: 'alice' }).userId;
  zitadel.grantRoles({ userId, projectId, roleKeys: ['admin'] });
  options = {
    issuer: zitadel.issuer,
    apiApplication: { clientId: api.clientId, clientSecret: api.clientSecret ?? '' },
    projectId,
    http: { timeoutMs: 300, retries: 1, backoffBaseMs: 1, backoffMaxMs: 10 },
  };
});
afterAll(() => zitadel.close());
afterEach(() => zitadel.clearFaults());

describe.each(PLATFORMS)('failing closed over %s', (platform) => {
  let app: RunningApp;
  const mine = (value: string) => get(app.url, '/reports/mine', { token: value });

  beforeAll(async () => {
    app = await startApp(platform, guardedAppModule(options));
  });
  afterAll(() => app.close());
  // Each test's own log lines: none holds a token (hooks throw; expect is for tests).
  afterEach(() => {
    const log = app.logs.lines.splice(0).join('\n');
    if (issued.some((value) => log.includes(value))) throw new Error('this test logged a token');
  });

  it('works while ZITADEL is healthy (this also loads discovery and the JWKS)', async () => {
    expect((await mine(await token('jwt'))).status).toBe(200);
    expect((await mine(await token('opaque'))).status).toBe(200);
  });

  const introspectionFaults: [string, EmulatorFault][] = [
    ['a 500', { endpoint: 'introspect', status: 500 }],
    ['a 503 with Retry-After', { endpoint: 'introspect', status: 503, headers: { 'retry-after': '1' } }],
    ['a dropped connection', { endpoint: 'introspect', drop: true }],
    ['no answer within the timeout', { endpoint: 'introspect', delayMs: 2000 }],
    [
      'an HTML page',
      {
        endpoint: 'introspect',
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html>maintenance</html>',
      },
    ],
    [
      '"active" as a string',
      {
        endpoint: 'introspect',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { active: 'true', sub: '1' },
      },
    ],
    [
      '"exp" as a string',
      {
        endpoint: 'introspect',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { active: true, sub: '1', exp: 'soon' },
      },
    ],
    ['a redirect', { endpoint: 'introspect', status: 302, headers: { location: 'http://127.0.0.1:9/' } }],
    ['a 404', { endpoint: 'introspect', status: 404 }],
    [
      'a refused client (400 unauthorized_client)',
      {
        endpoint: 'introspect',
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: { error: 'unauthorized_client' },
      },
    ],
  ];

  it.each(introspectionFaults)('answers 503 when introspection meets %s, and does not cache it', async (_, fault) => {
    const opaque = await token('opaque');
    zitadel.injectFault(fault);
    const answer = await mine(opaque);
    expect(answer.status).toBe(503);
    expect(answer.challenge).toBeNull();
    expect(answer.text).not.toContain(opaque);
    zitadel.clearFaults();
    const before = zitadel.requestCount('introspect');
    expect((await mine(opaque)).status).toBe(200);
    expect(zitadel.requestCount('introspect')).toBe(before + 1);
  });

  it('answers 503 for a protected route but serves a public one anonymously', async () => {
    const opaque = await token('opaque');
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    expect((await get(app.url, '/reports/all', { token: opaque })).status).toBe(503);
    expect(await get(app.url, '/reports/status', { token: opaque })).toMatchObject({
      status: 200,
      body: { sub: null },
    });
  });

  it('still answers 401 without a token while ZITADEL is down', async () => {
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    expect((await get(app.url, '/reports/mine')).status).toBe(401);
  });

  it('logs why it answered 503, and no token', async () => {
    const value = await token('opaque');
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    expect((await mine(value)).status).toBe(503);
    const log = app.logs.lines.join('\n');
    expect(log).toContain('503');
    expect(log).not.toContain(value);
  });
});

describe('failing closed before discovery or the JWKS are loaded', () => {
  const cases: [string, EmulatorFault, 'opaque' | 'jwt'][] = [
    ['discovery answers 500', { endpoint: 'discovery', status: 500 }, 'jwt'],
    ['discovery is unreachable', { endpoint: 'discovery', drop: true }, 'opaque'],
    [
      'discovery answers garbage',
      {
        endpoint: 'discovery',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { issuer: 'https://evil.example' },
      },
      'jwt',
    ],
    ['the JWKS answers 500', { endpoint: 'jwks', status: 500 }, 'jwt'],
    ['the JWKS is too slow', { endpoint: 'jwks', delayMs: 2000 }, 'jwt'],
    [
      'the JWKS is malformed',
      { endpoint: 'jwks', status: 200, headers: { 'content-type': 'application/json' }, body: { keys: 'none' } },
      'jwt',
    ],
  ];
  it.each(cases)('answers 503 when %s, and recovers once ZITADEL does', async (_, fault, type) => {
    // No failure cooldown: recovery is checked the moment ZITADEL is back (hostile-outage covers the cooldown).
    const http = { ...options.http, failureCooldownMs: 0 };
    const app: RunningApp = await startApp('express', guardedAppModule({ ...options, http }));
    try {
      const value = await token(type);
      zitadel.injectFault(fault);
      expect((await get(app.url, '/reports/mine', { token: value })).status).toBe(503);
      zitadel.clearFaults();
      expect((await get(app.url, '/reports/mine', { token: value })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
