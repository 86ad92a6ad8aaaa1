// ZitadelExceptionFilter (APP_FILTER) over real transports: HTTP on Express and Fastify, GraphQL
// (Apollo), a socket.io gateway and a TCP microservice, each with a handler throwing every kind of
// library error; plus a real outage (the emulator answering 503 with Retry-After to TokenService).
// Other exceptions pass to Nest's own handling.
import 'reflect-metadata';
import { createServer, type AddressInfo } from 'node:net';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Controller, Get, HttpException, Module, Param, UseFilters } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { Args, GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import type { INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { firstValueFrom } from 'rxjs';
import { io } from 'socket.io-client';
import {
  TokenService,
  ZitadelAlreadyExistsError,
  ZitadelAssertionRejectedError,
  ZitadelConfigurationError,
  ZitadelExceptionFilter,
  ZitadelInvalidArgumentError,
  ZitadelModule,
  ZitadelNotFoundError,
  ZitadelOAuthError,
  ZitadelPermissionDeniedError,
  ZitadelResponseError,
  ZitadelTokenExchangeError,
  ZitadelUnavailableError,
  type ZitadelError,
} from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';
import { PLATFORMS, startApp, type RunningApp } from './support/nest-app.js';

/** Appears in ZITADEL's (pretend) text inside the errors: it must never reach a caller. */
const MARKER = 'zitadel-said-this-7f3a';

const ERRORS: Readonly<Record<string, () => ZitadelError>> = {
  unavailable: () => new ZitadelUnavailableError(`ZITADEL token endpoint answered 503 ${MARKER}`, 503),
  unavailableRetry: () => new ZitadelUnavailableError('ZITADEL answered 503', 503, { retryAfterSeconds: 9 }),
  response: () => new ZitadelResponseError(`odd answer ${MARKER}`, 200),
  assertion: () => new ZitadelAssertionRejectedError('81693565968962154', '100507859606888466', 500),
  oauth: () => new ZitadelOAuthError('invalid_client', MARKER, 400, 'token'),
  permission: () =>
    new ZitadelPermissionDeniedError({ endpoint: 'POST /v2/users', status: 403, grpcCode: 7, grpcMessage: MARKER }),
  notFound: () =>
    new ZitadelNotFoundError({ endpoint: 'GET /v2/users/1', status: 404, grpcCode: 5, grpcMessage: MARKER }),
  exists: () =>
    new ZitadelAlreadyExistsError({ endpoint: 'POST /v2/users', status: 409, grpcCode: 6, grpcMessage: MARKER }),
  invalid: () =>
    new ZitadelInvalidArgumentError({ endpoint: 'POST /v2/users', status: 400, grpcCode: 3, grpcMessage: MARKER }),
  exchangeSubject: () => new ZitadelTokenExchangeError('invalid-subject', 'invalid_request', MARKER, 400),
  exchangeFeature: () =>
    new ZitadelTokenExchangeError('feature-disabled', 'invalid_request', 'Errors.TokenExchange.FeatureDisabled', 400),
  configuration: () => new ZitadelConfigurationError([{ path: 'serviceUser', message: MARKER }]),
};

/** What each kind must become: status, and the library code (left out of 500 answers). */
const EXPECTED: Readonly<Record<string, { status: number; code: string | undefined }>> = {
  unavailable: { status: 503, code: 'ZITADEL_UNAVAILABLE' },
  unavailableRetry: { status: 503, code: 'ZITADEL_UNAVAILABLE' },
  response: { status: 503, code: 'ZITADEL_RESPONSE_INVALID' },
  assertion: { status: 502, code: 'ZITADEL_ASSERTION_REJECTED' },
  oauth: { status: 502, code: 'ZITADEL_OAUTH_ERROR' },
  permission: { status: 502, code: 'ZITADEL_API_ERROR' },
  notFound: { status: 404, code: 'ZITADEL_API_ERROR' },
  exists: { status: 409, code: 'ZITADEL_API_ERROR' },
  invalid: { status: 400, code: 'ZITADEL_API_ERROR' },
  exchangeSubject: { status: 401, code: 'ZITADEL_TOKEN_EXCHANGE_REFUSED' },
  exchangeFeature: { status: 502, code: 'ZITADEL_TOKEN_EXCHANGE_REFUSED' },
  configuration: { status: 500, code: undefined },
};
const KINDS = Object.keys(ERRORS);

function fail(kind: string): never {
  const make = ERRORS[kind];
  if (make === undefined) throw new HttpException('no such kind', 418);
  throw make();
}

@Controller('fail')
class FailController {
  constructor(private readonly tokens: TokenService) {}

  @Get('teapot')
  teapot(): never {
    throw new HttpException({ message: 'short and stout' }, 418);
  }

  @Get('plain')
  plain(): never {
    throw new Error(`not a library error ${MARKER}`);
  }

  /** A real call that fails: the emulator's token endpoint is faulted with 503 and Retry-After. */
  @Get('outage')
  async outage(): Promise<string> {
    return this.tokens.getAccessToken();
  }

  @Get(':kind')
  kind(@Param('kind') kind: string): never {
    return fail(kind);
  }
}

@Resolver()
class FailResolver {
  @Query(() => String)
  fail(@Args('kind', { type: () => String }) kind: string): string {
    return fail(kind);
  }
}

// Nest applies no global filter (APP_FILTER) to gateways: they take the filter with @UseFilters.
@WebSocketGateway()
@UseFilters(ZitadelExceptionFilter)
class FailGateway {
  @SubscribeMessage('fail')
  onFail(@MessageBody() kind: string): never {
    return fail(kind);
  }
}

@Controller()
class FailMicroservice {
  @MessagePattern('fail')
  onFail(kind: string): never {
    return fail(kind);
  }
}

let zitadel: ZitadelEmulator;
let keyFile: Awaited<ReturnType<ZitadelEmulator['addServiceUserKey']>>;
const apps: RunningApp[] = [];
let microservice: INestMicroservice | undefined;
let client: ClientProxy | undefined;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  keyFile = await zitadel.addServiceUserKey(zitadel.createServiceUser({ userName: 'worker' }).userId);
});
afterAll(async () => {
  await client?.close();
  await microservice?.close();
  await Promise.all(apps.map((app) => app.close()));
  await zitadel.close();
});

function appModule(): ModuleMetadataLike {
  return {
    imports: [ZitadelModule.forRoot({ issuer: zitadel.issuer, serviceUser: { key: keyFile }, http: { retries: 0 } })],
    controllers: [FailController],
    providers: [{ provide: APP_FILTER, useClass: ZitadelExceptionFilter }],
  };
}
type ModuleMetadataLike = Parameters<typeof startApp>[1];

describe.each(PLATFORMS)('ZitadelExceptionFilter over HTTP (%s)', (platform) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(platform, appModule());
    apps.push(app);
  });

  it.each(KINDS)('answers a handler throwing %s with its status, fixed words and no ZITADEL text', async (kind) => {
    const response = await fetch(`${app.url}/fail/${kind}`);
    const text = await response.text();
    const expected = EXPECTED[kind];
    expect(response.status).toBe(expected?.status);
    expect(text).not.toContain(MARKER);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body['statusCode']).toBe(expected?.status);
    expect(body['code']).toBe(expected?.code);
    expect(typeof body['message']).toBe('string');
    expect(response.headers.get('retry-after')).toBe(kind === 'unavailableRetry' ? '9' : null);
  });

  it('logs a 502 as an error that names the option to check', async () => {
    app.logs.lines.length = 0;
    await fetch(`${app.url}/fail/assertion`);
    expect(app.logs.lines.some((line) => line.includes('check "serviceUser"'))).toBe(true);
  });

  it('answers a real outage (ZITADEL 503 with Retry-After) with 503 and the same Retry-After', async () => {
    const remove = zitadel.injectFault({ endpoint: 'token', status: 503, headers: { 'retry-after': '30' } });
    try {
      const response = await fetch(`${app.url}/fail/outage`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('30');
      expect(((await response.json()) as Record<string, unknown>)['code']).toBe('ZITADEL_UNAVAILABLE');
    } finally {
      remove();
    }
  });

  it("leaves other exceptions to Nest: an HttpException keeps its answer, a plain error is Nest's 500", async () => {
    const teapot = await fetch(`${app.url}/fail/teapot`);
    expect(teapot.status).toBe(418);
    expect(((await teapot.json()) as Record<string, unknown>)['message']).toBe('short and stout');
    const plain = await fetch(`${app.url}/fail/plain`);
    expect(plain.status).toBe(500);
    expect(await plain.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});

describe('ZitadelExceptionFilter in GraphQL resolvers', () => {
  let app: RunningApp;
  beforeAll(async () => {
    @Module({
      imports: [GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true })],
      providers: [FailResolver, { provide: APP_FILTER, useClass: ZitadelExceptionFilter }],
    })
    class GraphQLAppModule {}
    app = await startApp('express', { imports: [GraphQLAppModule] });
    apps.push(app);
  });

  it.each(KINDS)('answers %s with a GraphQL error whose extensions carry the status and code', async (kind) => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ fail(kind: "${kind}") }` }),
    });
    const text = await response.text();
    expect(text).not.toContain(MARKER);
    const answer = JSON.parse(text) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    const extensions = answer.errors?.[0]?.extensions;
    const expected = EXPECTED[kind];
    expect(extensions?.['status']).toBe(expected?.status);
    expect(extensions?.['zitadelCode']).toBe(expected?.code);
    expect(typeof extensions?.['code']).toBe('string');
  });
});

describe('ZitadelExceptionFilter in a socket.io gateway', () => {
  let url: string;
  beforeAll(async () => {
    const app = await startApp('express', { providers: [FailGateway] });
    apps.push(app);
    url = app.url;
  });

  it.each(['unavailable', 'notFound', 'configuration'])(
    'emits Nest\'s "exception" event with the status and code for %s',
    async (kind) => {
      const socket = io(url, { transports: ['websocket'], reconnection: false });
      try {
        const exception = await new Promise<Record<string, unknown>>((resolve, reject) => {
          socket.on('connect_error', reject);
          socket.on('exception', resolve);
          socket.emit('fail', kind);
        });
        expect(JSON.stringify(exception)).not.toContain(MARKER);
        expect(exception).toMatchObject({ status: 'error', statusCode: EXPECTED[kind]?.status });
        expect(exception['code']).toBe(EXPECTED[kind]?.code);
      } finally {
        socket.disconnect();
      }
    },
  );
});

describe('ZitadelExceptionFilter in a TCP microservice', () => {
  beforeAll(async () => {
    const port = await freePort();
    @Module({
      controllers: [FailMicroservice],
      providers: [{ provide: APP_FILTER, useClass: ZitadelExceptionFilter }],
    })
    class MicroserviceModule {}
    microservice = await NestFactory.createMicroservice(MicroserviceModule, {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    await microservice.listen();
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await client.connect();
  });

  it.each(['unavailable', 'assertion', 'exists', 'configuration'])(
    'sends the caller an RpcException error with the status and code for %s',
    async (kind) => {
      const error = await firstValueFrom((client as ClientProxy).send('fail', kind)).then(
        () => undefined,
        (e: unknown) => e as Record<string, unknown>,
      );
      expect(JSON.stringify(error)).not.toContain(MARKER);
      expect(error).toMatchObject({ status: 'error', statusCode: EXPECTED[kind]?.status });
      expect(error?.['code']).toBe(EXPECTED[kind]?.code);
    },
  );
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
