// ZitadelApi against an independent Connect server: @connectrpc/connect-node's own router and
// adapter serving ZITADEL's published descriptors (@zitadel/proto), on a loopback server that also
// serves discovery and a client-credentials token endpoint. A mistake shared by our client and our
// emulator cannot hide here: the wire format is the reference implementation's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { UserSchema } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import {
  orgContext,
  ZitadelAlreadyExistsError,
  ZitadelApi,
  ZitadelApiError,
  ZitadelInvalidArgumentError,
  ZitadelModule,
  ZitadelNotFoundError,
  ZitadelPermissionDeniedError,
  ZitadelResourceExhaustedError,
  ZitadelResponseError,
  ZitadelUnavailableError,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

/** Answers a request before the Connect router sees it (a 429, a hang); `true` when it did. */
type Interceptor = (request: IncomingMessage, response: ServerResponse) => boolean;

const USERS = Array.from({ length: 7 }, (_, index) =>
  create(UserSchema, { userId: `u${index + 1}`, username: `user-${index + 1}` }),
);

let server: Server;
let issuer: string;
const received: Received[] = [];
const tokenRequests: string[] = [];
const revoked = new Set<string>();
let intercept: Interceptor | undefined;
let minted = 0;

function authorise(context: HandlerContext): void {
  const token = /^Bearer (.+)$/.exec(context.requestHeader.get('authorization') ?? '')?.[1];
  if (token === undefined || revoked.has(token) || !token.startsWith('token-')) {
    throw new ConnectError('Token is not valid (AUTH-7fs1e)', Code.Unauthenticated);
  }
}

function routes(router: ConnectRouter): void {
  router.service(UserService, {
    getUserByID(request, context) {
      authorise(context);
      const user = USERS.find((candidate) => candidate.userId === request.userId);
      if (user === undefined) throw new ConnectError('User could not be found (QUERY-Dfbg2)', Code.NotFound);
      return { user };
    },
    addHumanUser(request, context) {
      authorise(context);
      if (request.username === 'taken')
        throw new ConnectError('User already exists (COMMAND-k2unb)', Code.AlreadyExists);
      if (request.profile?.givenName === undefined || request.profile.givenName === '') {
        throw new ConnectError('Profile is invalid (USER-4hP0d)', Code.InvalidArgument);
      }
      return { userId: `new-${request.username ?? ''}` };
    },
    deleteUser(_request, context) {
      authorise(context);
      throw new ConnectError('No matching permissions found (AUTH-5mWD2)', Code.PermissionDenied);
    },
    listUsers(request, context) {
      authorise(context);
      const offset = Number(request.query?.offset ?? 0n);
      const limit = request.query?.limit ?? 100;
      return { details: { totalResult: BigInt(USERS.length) }, result: USERS.slice(offset, offset + limit) };
    },
  });
  router.service(OrganizationService, {
    listOrganizations(_request, context) {
      authorise(context);
      return { details: { totalResult: 1n }, result: [{ id: 'org-1', name: 'ACME' }] };
    },
  });
}

const connect = connectNodeAdapter({ routes });

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/.well-known/openid-configuration') {
      return sendJson(response, 200, {
        issuer,
        token_endpoint: `${issuer}/oauth/v2/token`,
        jwks_uri: `${issuer}/keys`,
      });
    }
    if (path === '/oauth/v2/token') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        tokenRequests.push(Buffer.concat(chunks).toString('utf8'));
        sendJson(response, 200, { access_token: `token-${++minted}`, token_type: 'Bearer', expires_in: 3600 });
      });
      return;
    }
    received.push({ path, headers: request.headers });
    if (intercept?.(request, response) === true) return;
    connect(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const modules: TestingModule[] = [];
afterAll(async () => {
  for (const module of modules) await module.close();
});

async function apiWith(options: Partial<ZitadelModuleOptions> = {}): Promise<ZitadelApi> {
  const module = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer,
        serviceUser: { clientId: 'api-caller', clientSecret: 'caller-secret' },
        http: { timeoutMs: 1000, retries: 1, backoffBaseMs: 1, backoffMaxMs: 2000 },
        ...options,
      }),
    ],
  }).compile();
  modules.push(module);
  await module.init();
  return module.get(ZitadelApi);
}

beforeEach(() => {
  intercept = undefined;
  received.length = 0;
  tokenRequests.length = 0;
});

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('ZitadelApi against a connect-node server', () => {
  it('makes typed JSON calls to {issuer}/{service}/{method} with the service user’s token, and returns messages', async () => {
    const api = await apiWith();
    const { user } = await api.client(UserService).getUserByID({ userId: 'u2' });
    expect(user?.username).toBe('user-2');
    expect(user?.$typeName).toBe('zitadel.user.v2.User');
    expect(received.map((request) => request.path)).toEqual(['/zitadel.user.v2.UserService/GetUserByID']);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(received[0]?.headers['authorization']).toMatch(/^Bearer token-\d+$/);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toContain('urn%3Azitadel%3Aiam%3Aorg%3Aproject%3Aid%3Azitadel%3Aaud');
  });

  it('speaks binary (application/proto) with api.codec: binary', async () => {
    const api = await apiWith({ api: { codec: 'binary' } });
    const { userId } = await api.client(UserService).addHumanUser({
      username: 'minnie',
      profile: { givenName: 'Minnie', familyName: 'Mouse' },
      email: { email: 'minnie@example.com' },
    });
    expect(userId).toBe('new-minnie');
    expect(received[0]?.headers['content-type']).toBe('application/proto');
  });

  it('hands out the same client object for the same service', async () => {
    const api = await apiWith();
    expect(api.client(UserService)).toBe(api.client(UserService));
    expect(api.client(UserService)).not.toBe(api.client(OrganizationService));
  });

  it('uses one token for many calls and across services', async () => {
    const api = await apiWith();
    const users = api.client(UserService);
    await Promise.all([users.getUserByID({ userId: 'u1' }), users.getUserByID({ userId: 'u3' })]);
    await users.listUsers({});
    const { result } = await api.client(OrganizationService).listOrganizations({});
    expect(result.map((org) => org.name)).toEqual(['ACME']);
    expect(tokenRequests).toHaveLength(1);
    expect(new Set(received.map((request) => request.headers['authorization'])).size).toBe(1);
  });

  it.each([
    [
      'getUserByID',
      () => ({ userId: 'nobody' }),
      ZitadelNotFoundError,
      404,
      'not_found',
      'User could not be found',
      'QUERY-Dfbg2',
    ],
    [
      'addHumanUser',
      () => ({ username: 'taken', profile: { givenName: 'T' } }),
      ZitadelAlreadyExistsError,
      409,
      'already_exists',
      'User already exists',
      'COMMAND-k2unb',
    ],
    [
      'addHumanUser',
      () => ({ username: 'x' }),
      ZitadelInvalidArgumentError,
      400,
      'invalid_argument',
      'Profile is invalid',
      'USER-4hP0d',
    ],
    [
      'deleteUser',
      () => ({ userId: 'u1' }),
      ZitadelPermissionDeniedError,
      403,
      'permission_denied',
      'No matching permissions found',
      'AUTH-5mWD2',
    ],
  ] as const)(
    'maps %s’s Connect error to %O with status, code, message and id',
    async (name, request, Class, status, connectCode, message, errorId) => {
      const api = await apiWith();
      const call = api.client(UserService)[name] as (request: object) => Promise<unknown>;
      const error = await rejection(call(request()));
      expect(error).toBeInstanceOf(Class);
      expect(error).toMatchObject({ status, connectCode, zitadelMessage: message, errorId, code: 'ZITADEL_API_ERROR' });
      expect((error as ZitadelApiError).message).toContain(`${message} (${errorId})`);
    },
  );

  it('sanitises remote text in errors', async () => {
    const api = await apiWith();
    intercept = (_request, response) => {
      sendJson(response, 404, { code: 'not_found', message: 'bad\u001b[31m\nline (QUERY-x1)' });
      return true;
    };
    const error = (await rejection(api.client(UserService).getUserByID({ userId: 'u1' }))) as ZitadelApiError;
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error.errorId).toBe('QUERY-x1');
    expect(controls(error.message)).toEqual([]);
    expect(controls(error.zitadelMessage)).toEqual([]);
  });

  it('refuses a 200 answer that is not JSON, or larger than http.maxResponseBytes', async () => {
    const api = await apiWith({ http: { maxResponseBytes: 2048, retries: 0 } });
    intercept = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      return true;
    };
    await expect(api.client(UserService).getUserByID({ userId: 'u1' })).rejects.toBeInstanceOf(ZitadelResponseError);
    intercept = (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"user":{"username":"${'x'.repeat(4096)}"}}`);
      return true;
    };
    await expect(api.client(UserService).getUserByID({ userId: 'u1' })).rejects.toBeInstanceOf(ZitadelResponseError);
  });

  it('pages through ListUsers as an async iterator, 3 pages of 3', async () => {
    const api = await apiWith();
    const users = api.client(UserService);
    const names: string[] = [];
    for await (const user of api.paginate(users.listUsers, {}, { pageSize: 3 })) names.push(user.username);
    expect(names).toEqual(USERS.map((user) => user.username));
    expect(received).toHaveLength(3);
  });

  it('drops a refused token and retries once with a fresh one (401)', async () => {
    const api = await apiWith();
    const users = api.client(UserService);
    await users.getUserByID({ userId: 'u1' });
    const first = received[0]?.headers['authorization']?.slice('Bearer '.length) ?? '';
    revoked.add(first);
    const { user } = await users.getUserByID({ userId: 'u1' });
    expect(user?.userId).toBe('u1');
    expect(tokenRequests).toHaveLength(2);
    expect(received.map((request) => request.headers['authorization'])).toEqual([
      `Bearer ${first}`,
      `Bearer ${first}`,
      expect.not.stringContaining(first),
    ]);
  });

  it('retries a 429 after the Retry-After the server asked for, even for a write', async () => {
    const api = await apiWith();
    let answered = 0;
    intercept = (_request, response) => {
      if (answered++ > 0) return false;
      sendJson(response, 429, { code: 'resource_exhausted', message: 'quota' }, { 'retry-after': '1' });
      return true;
    };
    await expect(
      api.client(UserService).addHumanUser({ username: 'later', profile: { givenName: 'L' } }),
    ).resolves.toMatchObject({ userId: 'new-later' });
    expect(received).toHaveLength(2);
  });

  it('throws ZitadelResourceExhaustedError with the Connect code once the 429 retries are used up', async () => {
    const api = await apiWith();
    intercept = (_request, response) => {
      sendJson(response, 429, { code: 'resource_exhausted', message: 'quota' }, { 'retry-after': '0' });
      return true;
    };
    const error = await rejection(api.client(UserService).getUserByID({ userId: 'u1' }));
    expect(error).toBeInstanceOf(ZitadelResourceExhaustedError);
    expect(error).toMatchObject({ status: 429, connectCode: 'resource_exhausted' });
    expect(received).toHaveLength(2);
  });

  it('cuts a hanging server at http.timeoutMs (a read is tried again, then ZitadelUnavailableError)', async () => {
    const api = await apiWith({ http: { timeoutMs: 300, retries: 1, backoffBaseMs: 1, backoffMaxMs: 10 } });
    intercept = () => true;
    const error = await rejection(api.client(UserService).getUserByID({ userId: 'u1' }));
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect((error as Error).message).toContain('no answer within 300 ms');
    expect(received).toHaveLength(2);
  });

  it('honours the caller’s AbortSignal: nothing more is sent', async () => {
    const api = await apiWith();
    const controller = new AbortController();
    intercept = () => {
      controller.abort();
      return true;
    };
    const error = await rejection(api.client(UserService).getUserByID({ userId: 'u1' }, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(received).toHaveLength(1);
  });

  it('honours the call’s timeoutMs', async () => {
    const api = await apiWith();
    intercept = () => true;
    const error = await rejection(api.client(UserService).getUserByID({ userId: 'u1' }, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect((error as Error).message).toContain("within 100 ms (the call's timeoutMs)");
    expect(received[0]?.headers['connect-timeout-ms']).toBe('100');
  });

  it('sends x-zitadel-orgid from orgContext, per call', async () => {
    const api = await apiWith();
    const users = api.client(UserService);
    await users.getUserByID({ userId: 'u1' }, orgContext('org-42', { headers: { 'x-trace': 't1' } }));
    await users.getUserByID({ userId: 'u1' });
    expect(received.map((request) => request.headers['x-zitadel-orgid'])).toEqual(['org-42', undefined]);
    expect(received[0]?.headers['x-trace']).toBe('t1');
  });

  it('keeps its own authorization and content type over a caller’s headers', async () => {
    const api = await apiWith();
    const headers = { authorization: 'Bearer not-the-service-user', 'content-type': 'text/plain' };
    await api.client(UserService).getUserByID({ userId: 'u1' }, { headers });
    expect(received[0]?.headers['authorization']).toMatch(/^Bearer token-\d+$/);
    expect(received[0]?.headers['content-type']).toBe('application/json');
  });
});

/** The C0 control characters of a text. */
function controls(text: string | undefined): string[] {
  return [...(text ?? '')].filter((c) => c.charCodeAt(0) < 0x20);
}
