// ZitadelAuthGuard on socket.io gateways (@nestjs/platform-socket.io), with a real socket.io-client
// over loopback and tokens of the emulator: the handshake's token (`auth.token`, the Authorization
// header, a query parameter only where allowed), @Public, @Roles (organisation from the message or
// the handshake), @CurrentUser, the user kept per connection until its token's exp (ManualClock),
// the refusals as Nest's `exception` event (ZITADEL unreachable told apart), the optional
// disconnect, and the handshake middleware that keeps unauthenticated sockets out.
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import {
  ZitadelAuthGuard,
  ZitadelTokenValidator,
  zitadelSocketIoMiddleware,
  type ZitadelSocketOptions,
  type ZitadelSocketRefusal,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type EmulatorOrg } from 'nestjs-zitadel/testing';
import { io, type Socket } from 'socket.io-client';
import { GuardedHandlers, SocketTenant, startSocketApp } from './support/socket-gateway.js';

/** No handshake helper: the guard reads the socket at the first message. */
@WebSocketGateway()
class OpenGateway extends GuardedHandlers {}

/** A gateway whose sockets pass the handshake middleware first, with the options of its namespace. */
function middlewareGateway(namespace: string, options: ZitadelSocketOptions) {
  @WebSocketGateway({ namespace })
  class MiddlewareGateway extends GuardedHandlers implements OnGatewayInit {
    constructor(private readonly validator: ZitadelTokenValidator) {
      super();
    }
    afterInit(server: { use: (middleware: ReturnType<typeof zitadelSocketIoMiddleware>) => void }): void {
      server.use(zitadelSocketIoMiddleware(this.validator, options));
    }
  }
  return MiddlewareGateway;
}

const clock = new ManualClock();
let tenant: SocketTenant;
let zitadel: ZitadelEmulator;
let otherOrg: EmulatorOrg;
let admin: string;
let nobody: string;
let app: Awaited<ReturnType<typeof startSocketApp>>;
const sockets: Socket[] = [];

beforeAll(async () => {
  tenant = await SocketTenant.start(clock);
  ({ zitadel, otherOrg, admin, nobody } = tenant);

  const zitadelModule = await tenant.zitadelModule();
  @Module({
    imports: [zitadelModule],
    providers: [
      OpenGateway,
      middlewareGateway('strict', {}),
      middlewareGateway('closing', { disconnectOnRefusal: true }),
      middlewareGateway('query', { tokenQueryParameter: 'access_token' }),
      { provide: APP_GUARD, useClass: ZitadelAuthGuard },
    ],
  })
  class AppModule {}
  app = await startSocketApp({ imports: [AppModule] });
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await app?.close();
  await zitadel?.close();
});

const token = (userId: string, type: 'opaque' | 'jwt', expiresIn?: number) => tenant.token(userId, type, expiresIn);

interface Connect {
  namespace?: string;
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** A connected socket, or the `connect_error` the handshake ended with. */
async function connect(options: Connect = {}): Promise<Socket> {
  const socket = io(`${app.url}/${options.namespace ?? ''}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: options.auth ?? {},
    extraHeaders: options.headers ?? {},
    query: options.query ?? {},
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function connectError(options: Connect): Promise<{ message: string; data: unknown }> {
  const error = await connect(options).then(
    () => new Error('connected'),
    (refusal: Error & { data?: unknown }) => refusal,
  );
  return { message: error.message, data: (error as { data?: unknown }).data };
}

/** The reply to one message, or the `exception` event the guard's refusal became. */
function call(socket: Socket, event: string, data: unknown = {}): Promise<{ reply?: unknown; exception?: unknown }> {
  return new Promise((resolve) => {
    const onReply = (reply: unknown) => done({ reply });
    const onException = (exception: unknown) => done({ exception });
    const done = (outcome: { reply?: unknown; exception?: unknown }) => {
      socket.off(event, onReply);
      socket.off('exception', onException);
      resolve(outcome);
    };
    socket.on(event, onReply);
    socket.on('exception', onException);
    socket.emit(event, data);
  });
}

const refusal = (code: ZitadelSocketRefusal['code'], message: string) => ({
  exception: { status: 'error', code, message },
});

describe('ZitadelAuthGuard on socket.io gateways', () => {
  it('reads the token from auth.token or the Authorization header, and @CurrentUser gets the user', async () => {
    const byAuth = await connect({ auth: { token: await token(admin, 'opaque') } });
    expect(await call(byAuth, 'whoami')).toEqual({ reply: `${admin}:introspection` });
    const byHeader = await connect({ headers: { authorization: `Bearer ${await token(admin, 'jwt')}` } });
    expect(await call(byHeader, 'whoami')).toEqual({ reply: `${admin}:jwt` });
  });

  it('lets @Public handlers through, with the user of a valid token', async () => {
    expect(await call(await connect(), 'ping')).toEqual({ reply: 'anonymous' });
    expect(await call(await connect({ auth: { token: await token(admin, 'jwt') } }), 'ping')).toEqual({
      reply: admin,
    });
    expect(await call(await connect({ auth: { token: 'garbage' } }), 'ping')).toEqual({ reply: 'anonymous' });
  });

  it('refuses a missing or invalid token with an exception event, and the handler does not run', async () => {
    expect(await call(await connect(), 'whoami')).toEqual(refusal('unauthenticated', 'Missing bearer token'));
    expect(await call(await connect({ auth: { token: 'not a token' } }), 'whoami')).toEqual(
      refusal('invalid_token', 'The access token is malformed'),
    );
    expect(await call(await connect({ auth: { token: 'garbage' } }), 'whoami')).toEqual(
      refusal('invalid_token', 'The access token is not active'),
    );
  });

  it('never reads a query parameter unless the handshake options allow it', async () => {
    const query = { access_token: await token(admin, 'opaque') };
    expect(await call(await connect({ query }), 'whoami')).toEqual(refusal('unauthenticated', 'Missing bearer token'));
    expect(await call(await connect({ namespace: 'query', query }), 'whoami')).toEqual({
      reply: `${admin}:introspection`,
    });
  });

  it('checks @Roles, scoped to the organisation of the message payload or of the handshake', async () => {
    const bearer = await token(admin, 'opaque');
    const home = zitadel.defaultOrg.id;
    const socket = await connect({ auth: { token: bearer } });
    expect(await call(socket, 'secret')).toEqual({ reply: 'for admins' });
    expect(await call(socket, 'orgReport', { orgId: home })).toEqual({ reply: `report of ${home}` });
    expect(await call(socket, 'orgReport', { orgId: otherOrg.id })).toEqual(refusal('forbidden', 'Missing role'));
    expect(await call(await connect({ auth: { token: await token(nobody, 'jwt') } }), 'secret')).toEqual(
      refusal('forbidden', 'Missing role'),
    );
    const fromHome = await connect({ auth: { token: bearer }, headers: { 'x-org-id': home } });
    expect(await call(fromHome, 'orgHeader')).toEqual({ reply: 'report of the handshake org' });
    const fromOther = await connect({ auth: { token: bearer }, headers: { 'x-org-id': otherOrg.id } });
    expect(await call(fromOther, 'orgHeader')).toEqual(refusal('forbidden', 'Missing role'));
  });

  it('keeps the user for the connection until the token expires, then checks it again', async () => {
    const bearer = await token(admin, 'opaque', 120);
    const socket = await connect({ auth: { token: bearer } });
    expect(await call(socket, 'whoami')).toEqual({ reply: `${admin}:introspection` });
    const asked = zitadel.requestCount('introspect');
    zitadel.revokeToken(bearer);
    expect(await call(socket, 'whoami')).toEqual({ reply: `${admin}:introspection` });
    expect(zitadel.requestCount('introspect')).toBe(asked);
    await clock.advance(121_000);
    // A public handler no longer sees the expired user; a protected one asks ZITADEL again and is refused.
    expect(await call(socket, 'ping')).toEqual({ reply: 'anonymous' });
    expect(await call(socket, 'whoami')).toEqual(refusal('invalid_token', 'The access token is not active'));
  });

  it('answers a distinct `unavailable` refusal when ZITADEL cannot be asked', async () => {
    const socket = await connect({ auth: { token: await token(admin, 'opaque') } });
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    try {
      expect(await call(socket, 'whoami')).toEqual(refusal('unavailable', 'Access tokens cannot be checked right now'));
    } finally {
      zitadel.clearFaults();
    }
    expect(await call(socket, 'whoami')).toEqual({ reply: `${admin}:introspection` });
  });

  it('disconnects after a refusal when the handshake options ask for it, after the exception event', async () => {
    const socket = await connect({ namespace: 'closing', auth: { token: await token(nobody, 'opaque') } });
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(await call(socket, 'secret')).toEqual(refusal('forbidden', 'Missing role'));
    expect(await disconnected).toBe('io server disconnect');
    const kept = await connect({ auth: { token: await token(nobody, 'opaque') } });
    expect(await call(kept, 'secret')).toEqual(refusal('forbidden', 'Missing role'));
    expect(kept.connected).toBe(true);
  });

  it('refuses unauthenticated sockets at the handshake with the middleware, telling ZITADEL outages apart', async () => {
    expect(await connectError({ namespace: 'strict' })).toEqual({
      message: 'Missing bearer token',
      data: { status: 'error', code: 'unauthenticated', message: 'Missing bearer token' },
    });
    expect((await connectError({ namespace: 'strict', auth: { token: 'garbage' } })).data).toEqual({
      status: 'error',
      code: 'invalid_token',
      message: 'The access token is not active',
    });
    const bearer = await token(admin, 'opaque');
    zitadel.injectFault({ endpoint: 'introspect', status: 503 });
    try {
      expect((await connectError({ namespace: 'strict', auth: { token: bearer } })).data).toEqual({
        status: 'error',
        code: 'unavailable',
        message: 'Access tokens cannot be checked right now',
      });
    } finally {
      zitadel.clearFaults();
    }
    const asked = zitadel.requestCount('introspect');
    const socket = await connect({ namespace: 'strict', auth: { token: bearer } });
    expect(await call(socket, 'whoami')).toEqual({ reply: `${admin}:introspection` });
    // The user resolved at the handshake serves the first message: ZITADEL was asked once.
    expect(zitadel.requestCount('introspect')).toBe(asked + 1);
  });
});
