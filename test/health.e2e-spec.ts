// nestjs-zitadel/health in a real Nest app with @nestjs/terminus, over HTTP: up against the
// emulator (without a token minted per probe), down against an issuer that is unreachable, lies
// in its discovery document or JWKS, or refuses the credentials; never a secret in the answer.
import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, type Type } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { Public, ZitadelModule, type ZitadelModuleOptions } from 'nestjs-zitadel';
import { ZitadelHealthIndicator } from 'nestjs-zitadel/health';
import { ManualClock, ZitadelEmulator } from 'nestjs-zitadel/testing';
import { importReadmeBlock } from './support/readme-block.js';
import { JWKS_PATH, TOKEN_PATH, sendJson, startHostileIssuer, type HostileIssuer } from './support/hostile-issuer.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly zitadel: ZitadelHealthIndicator,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.zitadel.isHealthy('zitadel', { credentialsCheckIntervalMs: 60_000 })]);
  }
}

interface Probe {
  status: number;
  text: string;
  zitadel: Record<string, unknown> | undefined;
}

const apps: INestApplication[] = [];

async function start(options: ZitadelModuleOptions, clock?: ManualClock): Promise<() => Promise<Probe>> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TerminusModule.forRoot({ logger: false }),
      ZitadelModule.forRoot({ ...options, ...(clock ? { clock } : {}) }),
    ],
    controllers: [HealthController],
    providers: [ZitadelHealthIndicator],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/health`;
  return async () => {
    const response = await fetch(url);
    const text = await response.text();
    const body = JSON.parse(text) as { details?: Record<string, Record<string, unknown>> };
    return { status: response.status, text, zitadel: body.details?.['zitadel'] };
  };
}

afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('ZitadelHealthIndicator against the emulator', () => {
  let zitadel: ZitadelEmulator;
  let serviceKey: string;
  let apiKey: string;
  let basicApi: { clientId: string; clientSecret: string };
  let projectId: string;

  beforeAll(async () => {
    zitadel = await ZitadelEmulator.start();
    const org = zitadel.createOrg({ name: 'Acme' });
    projectId = zitadel.createProject({ name: 'api', orgId: org.id }).id;
    const service = zitadel.createServiceUser({ userName: 'svc', orgId: org.id });
    serviceKey = JSON.stringify(await zitadel.addServiceUserKey(service.userId));
    apiKey = JSON.stringify((await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' })).keyFile);
    const basic = await zitadel.createApiApplication({ projectId, name: 'basic', authMethod: 'client_secret_basic' });
    basicApi = { clientId: basic.clientId, clientSecret: basic.clientSecret ?? '' };
  });
  afterAll(() => zitadel?.close());

  it('is up when discovery, the JWKS and both credentials work, and names no secret', async () => {
    const probe = await start({
      issuer: zitadel.issuer,
      projectId,
      serviceUser: { keyJson: serviceKey },
      apiApplication: { keyJson: apiKey },
    });
    const answer = await probe();
    expect(answer.status).toBe(200);
    expect(answer.zitadel).toEqual({
      status: 'up',
      issuer: zitadel.issuer,
      discovery: 'up',
      jwks: 'up',
      signingKeys: expect.any(Number),
      serviceUser: 'accepted',
      apiApplication: 'accepted',
    });
    for (const secret of [JSON.parse(serviceKey).key, JSON.parse(apiKey).key])
      expect(answer.text).not.toContain(secret);
  });

  it('mints no token per probe: the credentials are checked again only after the interval', async () => {
    // Its own emulator on the same manual clock as the app, so moving time keeps the two in step.
    const clock = new ManualClock();
    const own = await ZitadelEmulator.start({ clock });
    try {
      const org = own.createOrg({ name: 'Acme' });
      const project = own.createProject({ name: 'api', orgId: org.id }).id;
      const service = own.createServiceUser({ userName: 'svc', orgId: org.id });
      const probe = await start(
        {
          issuer: own.issuer,
          projectId: project,
          serviceUser: { keyJson: JSON.stringify(await own.addServiceUserKey(service.userId)) },
          apiApplication: {
            keyJson: JSON.stringify(
              (await own.createApiApplication({ projectId: project, authMethod: 'private_key_jwt' })).keyFile,
            ),
          },
        },
        clock,
      );
      const count = (endpoint: string, since: number) =>
        own.requests.slice(since).filter((entry) => entry.endpoint === endpoint).length;
      for (let i = 0; i < 3; i++) expect(await probe()).toMatchObject({ status: 200 });
      expect(count('token', 0)).toBe(1);
      expect(count('introspect', 0)).toBe(1);
      // Discovery and the JWKS are read on every probe: they are what "reachable" means.
      expect(count('discovery', 0)).toBeGreaterThanOrEqual(3);

      await clock.advance(60_000);
      const later = own.requests.length;
      expect(await probe()).toMatchObject({ status: 200 });
      // Checked again: the introspection is asked, the service user's token still comes from the TokenService's cache.
      expect(count('introspect', later)).toBe(1);
      expect(count('token', later)).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('is down when ZITADEL refuses the API application, and says so without the secret', async () => {
    const secret = 'wrong-secret-value';
    const probe = await start({
      issuer: zitadel.issuer,
      projectId,
      apiApplication: { clientId: basicApi.clientId, clientSecret: secret },
      http: { retries: 0 },
    });
    const answer = await probe();
    expect(answer.status).toBe(503);
    expect(answer.zitadel).toMatchObject({
      status: 'down',
      discovery: 'up',
      jwks: 'up',
      serviceUser: 'not configured',
      apiApplication: 'refused',
      error: expect.stringContaining('ZITADEL_OAUTH_ERROR'),
    });
    expect(answer.text).not.toContain(secret);
  });

  it('is down when ZITADEL cannot be reached (the emulator dropping discovery)', async () => {
    const probe = await start({
      issuer: zitadel.issuer,
      projectId,
      apiApplication: { keyJson: apiKey },
      http: { retries: 0 },
    });
    const heal = zitadel.injectFault({ endpoint: 'discovery', drop: true });
    try {
      expect(await probe()).toMatchObject({ status: 503, zitadel: { status: 'down', discovery: 'down' } });
    } finally {
      heal();
    }
    expect((await probe()).status).toBe(200);
  });
});

describe("README's Health checks snippet", () => {
  it('runs as written: its module answers /health up against the emulator', async () => {
    const { HealthModule } = await importReadmeBlock<{ HealthModule: Type }>('Health checks');
    const zitadel = await ZitadelEmulator.start();
    try {
      const org = zitadel.createOrg({ name: 'Acme' });
      const projectId = zitadel.createProject({ name: 'api', orgId: org.id }).id;
      const api = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
      const moduleRef = await Test.createTestingModule({
        imports: [
          ZitadelModule.forRoot({
            issuer: zitadel.issuer,
            projectId,
            apiApplication: { keyJson: JSON.stringify(api.keyFile) },
          }),
          HealthModule,
        ],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      apps.push(app);
      await app.listen(0, '127.0.0.1');
      const response = await fetch(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ info: { zitadel: { status: 'up', apiApplication: 'accepted' } } });
      await app.close();
    } finally {
      await zitadel.close();
    }
  });
});

describe('ZitadelHealthIndicator against a hostile issuer', () => {
  // A fresh one per test: what one test makes it say stays out of the others.
  let hostile: HostileIssuer;
  beforeEach(async () => {
    hostile = await startHostileIssuer();
  });
  afterEach(() => hostile?.close());

  const options = (): ZitadelModuleOptions => ({
    issuer: hostile.issuer,
    projectId: 'p',
    tokenValidation: 'jwt',
    serviceUser: { clientId: 'svc', clientSecret: 'svc-secret-value' },
    http: { retries: 0 },
  });

  it('is down when the discovery document names another issuer', async () => {
    hostile.discovery({ issuer: 'https://elsewhere.example' });
    const answer = await (await start(options()))();
    expect(answer).toMatchObject({ status: 503, zitadel: { status: 'down', discovery: 'down' } });
    expect(answer.zitadel?.['error']).toContain('discovery');
  });

  it('is down when the JWKS is malformed or empty', async () => {
    const probe = await start(options());
    for (const body of [{ keys: 'none' }, { keys: [] }]) {
      hostile.on(JWKS_PATH, (_request, response) => sendJson(response, 200, body));
      expect({ body, ...(await probe()) }).toMatchObject({
        body,
        status: 503,
        zitadel: { discovery: 'up', jwks: 'down', error: expect.stringContaining('jwks') },
      });
    }
  });

  it('is down when the token endpoint refuses the service user, naming no secret', async () => {
    const answer = await (await start(options()))();
    expect(answer).toMatchObject({
      status: 503,
      zitadel: { discovery: 'up', jwks: 'up', serviceUser: 'refused', error: expect.stringContaining('invalid_grant') },
    });
    expect(answer.text).not.toContain('svc-secret-value');
  });

  it('asks a refusing token endpoint once per interval, not on every probe', async () => {
    const probe = await start(options());
    for (let i = 0; i < 3; i++)
      expect(await probe()).toMatchObject({ status: 503, zitadel: { serviceUser: 'refused' } });
    expect(hostile.requestsTo(TOKEN_PATH)).toHaveLength(1);
    expect(hostile.requestsTo(JWKS_PATH)).toHaveLength(3);
  });

  it('is down when the issuer is unreachable', async () => {
    const gone = await startHostileIssuer();
    const probe = await start({ ...options(), issuer: gone.issuer });
    await gone.close();
    const answer = await probe();
    expect(answer).toMatchObject({ status: 503, zitadel: { status: 'down', discovery: 'down', issuer: gone.issuer } });
  });
});
