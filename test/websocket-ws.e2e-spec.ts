// ZitadelAuthGuard on gateways of Nest's `ws` adapter, through ZitadelWsAdapter
// (`nestjs-zitadel/platform-ws`), with the `ws` package's client over loopback and emulator tokens:
// the upgrade request's Authorization header, a query parameter only where allowed, @Public,
// @Roles (organisation from the message or the upgrade headers), @CurrentUser, the user kept per
// connection until its token's exp (ManualClock), refusals as the `exception` message (ZITADEL
// unreachable told apart), the close after a refusal, and refusal of the upgrade itself.
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { ZitadelAuthGuard, type ZitadelSocketRefusal } from 'nestjs-zitadel';
import { ZitadelWsAdapter, type ZitadelWsAdapterOptions } from 'nestjs-zitadel/platform-ws';
import { ManualClock, ZitadelEmulator, type EmulatorOrg } from 'nestjs-zitadel/testing';
import { WebSocket } from 'ws';
import { GuardedHandlers, SocketTenant, startSocketApp } from './support/socket-gateway.js';

@WebSocketGateway({ path: '/events' })
class EventsGateway extends GuardedHandlers {}

const clock = new ManualClock();
let tenant: SocketTenant;
let zitadel: ZitadelEmulator;
let otherOrg: EmulatorOrg;
let admin: string;
let nobody: string;
/** Every client connects; the guard refuses messages. */
let open: Awaited<ReturnType<typeof startSocketApp>>;
/** Upgrades without a valid token are refused; a refused message closes the connection; `?access_token=` is read. */
let strict: Awaited<ReturnType<typeof startSocketApp>>;
const clients: WebSocket[] = [];

async function startApp(options: ZitadelWsAdapterOptions) {
  const zitadelModule = await tenant.zitadelModule();
  @Module({
    imports: [zitadelModule],
    providers: [EventsGateway, { provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class AppModule {}
  return startSocketApp({ imports: [AppModule] }, (app) => app.useWebSocketAdapter(new ZitadelWsAdapter(app, options)));
}

beforeAll(async () => {
  tenant = await SocketTenant.start(clock);
  ({ zitadel, otherOrg, admin, nobody } = tenant);
  open = await startApp({});
  strict = await startApp({
    refuseUnauthenticated: true,
    disconnectOnRefusal: true,
    tokenQueryParameter: 'access_token',
  });
});

afterAll(async () => {
  for (const client of clients) client.terminate();
  await open?.close();
  await strict?.close();
  await zitadel?.close();
});

const token = (userId: string, type: 'opaque' | 'jwt', expiresIn?: number) => tenant.token(userId, type, expiresIn);

/** An open client, or the HTTP status its upgrade was refused with. */
function connect(
  app: { url: string },
  options: { bearer?: string; headers?: Record<string, string>; query?: string } = {},
): Promise<WebSocket | number> {
  const headers = { ...options.headers };
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;
  const client = new WebSocket(`${app.url.replace('http', 'ws')}/events${options.query ?? ''}`, { headers });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve(client));
    client.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    client.once('error', reject);
  });
}

async function connected(app: { url: string }, options: Parameters<typeof connect>[1] = {}): Promise<WebSocket> {
  const client = await connect(app, options);
  if (typeof client === 'number') throw new Error(`upgrade refused with ${client}`);
  return client;
}

/** The reply to one message, or the `exception` message the guard's refusal became. */
function call(client: WebSocket, event: string, data: unknown = {}): Promise<{ reply?: unknown; exception?: unknown }> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(raw.toString()) as { event: string; data: unknown };
      if (message.event !== event && message.event !== 'exception') return;
      client.off('message', onMessage);
      resolve(message.event === 'exception' ? { exception: message.data } : { reply: message.data });
    };
    client.on('message', onMessage);
    client.send(JSON.stringify({ event, data }));
  });
}

const refusal = (code: ZitadelSocketRefusal['code'], message: string) => ({
  exception: { status: 'error', code, message },
});

describe('ZitadelAuthGuard on ws gateways (ZitadelWsAdapter)', () => {
  it('reads the token from the upgrade request, and @CurrentUser gets the user', async () => {
    expect(await call(await connected(open, { bearer: await token(admin, 'opaque') }), 'whoami')).toEqual({
      reply: `${admin}:introspection`,
    });
    expect(await call(await connected(open, { bearer: await token(admin, 'jwt') }), 'whoami')).toEqual({
      reply: `${admin}:jwt`,
    });
  });

  it('lets @Public handlers through, with the user of a valid token', async () => {
    expect(await call(await connected(open), 'ping')).toEqual({ reply: 'anonymous' });
    expect(await call(await connected(open, { bearer: await token(admin, 'jwt') }), 'ping')).toEqual({ reply: admin });
  });

  it('refuses a missing or invalid token with an exception message, and the handler does not run', async () => {
    expect(await call(await connected(open), 'whoami')).toEqual(refusal('unauthenticated', 'Missing bearer token'));
    expect(await call(await connected(open, { bearer: 'garbage' }), 'whoami')).toEqual(
      refusal('invalid_token', 'The access token is not active'),
    );
    expect(await call(await connected(open, { headers: { authorization: 'Bearer a b' } }), 'whoami')).toEqual(
      refusal('invalid_token', 'The access token is malformed'),
    );
  });

  it('never reads a query parameter unless the adapter options allow it', async () => {
    const query = `?access_token=${await token(admin, 'opaque')}`;
    expect(await call(await connected(open, { query }), 'whoami')).toEqual(
      refusal('unauthenticated', 'Missing bearer token'),
    );
    expect(await call(await connected(strict, { query }), 'whoami')).toEqual({ reply: `${admin}:introspection` });
  });

  it('checks @Roles, scoped to the organisation of the message payload or of the upgrade headers', async () => {
    const bearer = await token(admin, 'opaque');
    const home = zitadel.defaultOrg.id;
    const client = await connected(open, { bearer });
    expect(await call(client, 'secret')).toEqual({ reply: 'for admins' });
    expect(await call(client, 'orgReport', { orgId: home })).toEqual({ reply: `report of ${home}` });
    expect(await call(client, 'orgReport', { orgId: otherOrg.id })).toEqual(refusal('forbidden', 'Missing role'));
    expect(await call(await connected(open, { bearer: await token(nobody, 'jwt') }), 'secret')).toEqual(
      refusal('forbidden', 'Missing role'),
    );
    const fromHome = await connected(open, { bearer, headers: { 'x-org-id': home } });
    expect(await call(fromHome, 'orgHeader')).toEqual({ reply: 'report of the handshake org' });
    const fromOther = await connected(open, { bearer, headers: { 'x-org-id': otherOrg.id } });
    expect(await call(fromOther, 'orgHeader')).toEqual(refusal('forbidden', 'Missing role'));
  });

  it('keeps the user for the connection until the token expires, then checks it again', async () => {
    const bearer = await token(admin, 'opaque', 120);
    const client = await connected(open, { bearer });
    expect(await call(client, 'whoami')).toEqual({ reply: `${admin}:introspection` });
    const asked = zitadel.requestCount('introspect');
    zitadel.revokeToken(bearer);
    expect(await call(client, 'whoami')).toEqual({ reply: `${admin}:introspection` });
    expect(zitadel.requestCount('introspect')).toBe(asked);
    await clock.advance(121_000);
    expect(await call(client, 'whoami')).toEqual(refusal('invalid_token', 'The access token is not active'));
  });

  it('answers a distinct `unavailable` refusal when ZITADEL cannot be asked', async () => {
    const client = await connected(open, { bearer: await token(admin, 'opaque') });
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    try {
      expect(await call(client, 'whoami')).toEqual(refusal('unavailable', 'Access tokens cannot be checked right now'));
    } finally {
      zitadel.clearFaults();
    }
  });

  it('refuses the upgrade without a valid token when asked to (401, 503 when ZITADEL cannot be asked)', async () => {
    expect(await connect(strict)).toBe(401);
    expect(await connect(strict, { bearer: 'garbage' })).toBe(401);
    const bearer = await token(admin, 'opaque');
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    try {
      expect(await connect(strict, { bearer })).toBe(503);
    } finally {
      zitadel.clearFaults();
    }
    const asked = zitadel.requestCount('introspect');
    expect(await call(await connected(strict, { bearer }), 'whoami')).toEqual({ reply: `${admin}:introspection` });
    // The user checked at the upgrade serves the first message: ZITADEL was asked once.
    expect(zitadel.requestCount('introspect')).toBe(asked + 1);
  });

  it('closes the connection after a refusal when asked to (1008), after the exception message', async () => {
    const client = await connected(strict, { bearer: await token(nobody, 'opaque') });
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    expect(await call(client, 'secret')).toEqual(refusal('forbidden', 'Missing role'));
    expect(await closed).toBe(1008);
    const kept = await connected(open, { bearer: await token(nobody, 'opaque') });
    expect(await call(kept, 'secret')).toEqual(refusal('forbidden', 'Missing role'));
    expect(kept.readyState).toBe(WebSocket.OPEN);
  });
});
