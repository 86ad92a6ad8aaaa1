// ZitadelAuthGuard on the methods of a Nest gRPC microservice, called by a real @grpc/grpc-js client
// over loopback, with tokens from the emulator: the token in the call metadata `authorization`,
// refusals as gRPC statuses (UNAUTHENTICATED 16, PERMISSION_DENIED 7, UNAVAILABLE 14) with the
// refusal's code in the trailer `zitadel-error`.
import { fileURLToPath } from 'node:url';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GrpcMethod, Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { credentials, loadPackageDefinition, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { CurrentUser, Public, Roles, ZitadelAuthGuard, ZitadelModule, type ZitadelUser } from 'nestjs-zitadel';
import { freePort } from './support/redis.js';
import { startRpcScenario, WaitingLogger, type RpcScenario } from './support/rpc-app.js';

const PROTO = fileURLToPath(new URL('./fixtures/reports.proto', import.meta.url));

@Controller()
class ReportsGrpc {
  @Public()
  @GrpcMethod('Reports', 'Ping')
  ping(_data: object, _metadata: Metadata, _call: unknown, @CurrentUser('sub') sub?: string) {
    return { sub: sub ?? 'anonymous', source: 'public' };
  }

  @GrpcMethod('Reports', 'WhoAmI')
  whoAmI(_data: object, _metadata: Metadata, _call: unknown, @CurrentUser() user?: ZitadelUser) {
    return { sub: user?.sub, source: user?.source };
  }

  @Roles('admin')
  @GrpcMethod('Reports', 'Secret')
  secret() {
    return { sub: 'for admins' };
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @GrpcMethod('Reports', 'OrgReport')
  orgReport(data: { orgId: string }) {
    return { sub: data.orgId };
  }

  @Roles({ anyOf: ['admin'], org: { header: 'x-org-id' } })
  @GrpcMethod('Reports', 'OrgByHeader')
  orgByHeader() {
    return { sub: 'org ok' };
  }
}

interface Identity {
  sub: string;
  source: string;
}
type Unary = (
  request: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, answer?: Identity) => void,
) => void;
type ReportsClient = Client & Record<'Ping' | 'WhoAmI' | 'Secret' | 'OrgReport' | 'OrgByHeader', Unary>;

let scenario: RpcScenario;
let app: INestMicroservice;
let client: ReportsClient;
const logs = new WaitingLogger();

beforeAll(async () => {
  scenario = await startRpcScenario();
  @Module({
    imports: [ZitadelModule.forRoot(scenario.options)],
    controllers: [ReportsGrpc],
    providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class GrpcAppModule {}
  const url = `127.0.0.1:${await freePort()}`;
  const moduleRef = await Test.createTestingModule({ imports: [GrpcAppModule] }).compile();
  app = moduleRef.createNestMicroservice({
    transport: Transport.GRPC,
    options: { package: 'reports', protoPath: PROTO, url },
    logger: logs,
  });
  await app.listen();
  const definition = loadPackageDefinition(loadSync(PROTO)) as unknown as {
    reports: { Reports: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => ReportsClient };
  };
  client = new definition.reports.Reports(url, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await app?.close();
  await scenario?.zitadel.close();
});

afterEach(() => scenario.zitadel.clearFaults());

/** Calls a method with the given metadata (`authorization` and others; a list repeats the key). */
function call(
  method: keyof ReportsClient & ('Ping' | 'WhoAmI' | 'Secret' | 'OrgReport' | 'OrgByHeader'),
  request: object,
  entries: Record<string, string | string[]> = {},
): Promise<{ ok: Identity } | { code: number; details: string; reason: unknown; echoed: unknown[] }> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) for (const one of [value].flat()) metadata.add(key, one);
  return new Promise((resolve) =>
    client[method](request, metadata, (error, answer) =>
      resolve(
        error === null
          ? { ok: answer as Identity }
          : {
              code: error.code,
              details: error.details,
              reason: error.metadata.get('zitadel-error')[0],
              echoed: error.metadata.get('authorization'),
            },
      ),
    ),
  );
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const refused = (code: number, details: string, reason: string) => ({ code, details, reason, echoed: [] });

describe('ZitadelAuthGuard on gRPC methods (token in the call metadata)', () => {
  it.each(['opaque', 'jwt'] as const)(
    'lets a call with a valid %s token through, @CurrentUser resolved',
    async (type) => {
      const token = await scenario.token(scenario.admin, type);
      expect(await call('WhoAmI', {}, bearer(token))).toEqual({
        ok: { sub: scenario.admin, source: type === 'jwt' ? 'jwt' : 'introspection' },
      });
    },
  );

  it('lets @Public methods through, with the user of a valid token and without one', async () => {
    expect(await call('Ping', {})).toEqual({ ok: { sub: 'anonymous', source: 'public' } });
    expect(await call('Ping', {}, bearer(await scenario.token(scenario.nobody, 'jwt')))).toEqual({
      ok: { sub: scenario.nobody, source: 'public' },
    });
  });

  it('refuses a call without a token: UNAUTHENTICATED, zitadel-error unauthenticated', async () => {
    expect(await call('WhoAmI', {})).toEqual(
      refused(status.UNAUTHENTICATED, 'Missing bearer token', 'unauthenticated'),
    );
  });

  it('refuses an invalid, malformed or overlong token: UNAUTHENTICATED, zitadel-error invalid_token', async () => {
    expect(await call('WhoAmI', {}, bearer('not-a-token-anyone-issued'))).toEqual(
      refused(status.UNAUTHENTICATED, 'The access token is not active', 'invalid_token'),
    );
    const malformed = refused(status.UNAUTHENTICATED, 'The access token is malformed', 'invalid_token');
    expect(await call('WhoAmI', {}, { authorization: 'Bearer two tokens' })).toEqual(malformed);
    // (A repeated `authorization` key never leaves grpc-js's client; the unit spec covers the server's answer.)
    const long = 'a'.repeat(8193);
    expect(await call('WhoAmI', {}, bearer(long))).toEqual(malformed);
  });

  it('refuses a token once the clock passed its exp', async () => {
    const token = await scenario.token(scenario.admin, 'jwt', 60);
    expect(await call('WhoAmI', {}, bearer(token))).toMatchObject({ ok: { sub: scenario.admin } });
    await scenario.clock.advance(61_000);
    expect(await call('WhoAmI', {}, bearer(token))).toEqual(
      refused(status.UNAUTHENTICATED, 'The access token expired', 'invalid_token'),
    );
  });

  it('checks @Roles: PERMISSION_DENIED without the role', async () => {
    expect(await call('Secret', {}, bearer(await scenario.token(scenario.admin, 'jwt')))).toMatchObject({
      ok: { sub: 'for admins' },
    });
    expect(await call('Secret', {}, bearer(await scenario.token(scenario.nobody, 'jwt')))).toEqual(
      refused(status.PERMISSION_DENIED, 'Missing role', 'forbidden'),
    );
  });

  it('scopes a role to the organisation a request field or a metadata key names', async () => {
    const auth = bearer(await scenario.token(scenario.admin, 'opaque'));
    const home = scenario.zitadel.defaultOrg.id;
    const denied = refused(status.PERMISSION_DENIED, 'Missing role', 'forbidden');
    expect(await call('OrgReport', { orgId: home }, auth)).toMatchObject({ ok: { sub: home } });
    expect(await call('OrgReport', { orgId: scenario.otherOrg.id }, auth)).toEqual(denied);
    expect(await call('OrgByHeader', {}, { ...auth, 'x-org-id': home })).toMatchObject({ ok: { sub: 'org ok' } });
    expect(await call('OrgByHeader', {}, { ...auth, 'x-org-id': scenario.otherOrg.id })).toEqual(denied);
    expect(await call('OrgByHeader', {}, auth)).toEqual(denied);
  });

  it('answers UNAVAILABLE when ZITADEL cannot be asked, never a pass', async () => {
    const token = await scenario.token(scenario.admin, 'opaque');
    scenario.zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    expect(await call('WhoAmI', {}, bearer(token))).toEqual(
      refused(status.UNAVAILABLE, 'Access tokens cannot be checked right now', 'unavailable'),
    );
  });
});
