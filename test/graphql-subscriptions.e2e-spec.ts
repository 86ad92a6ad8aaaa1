// ZitadelAuthGuard on GraphQL subscriptions over graphql-ws (@nestjs/apollo), with the graphql-ws
// client over loopback and emulator tokens: the token from `connectionParams`, checked per
// subscription by the guard (@Public, @Roles by argument and by a connectionParams "header",
// @CurrentUser, the socket's user kept until its token's exp on a ManualClock, ZITADEL
// unreachable told apart), and at connect by zitadelGraphqlWsOnConnect.
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Args, GraphQLModule, Query, Resolver, Subscription } from '@nestjs/graphql';
import { createClient, type Client } from 'graphql-ws';
import {
  CurrentUser,
  Public,
  Roles,
  ZitadelAuthGuard,
  ZitadelTokenValidator,
  zitadelGraphqlWsOnConnect,
  type ZitadelUser,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type EmulatorOrg } from 'nestjs-zitadel/testing';
import { WebSocket } from 'ws';
import { SocketTenant, startSocketApp } from './support/socket-gateway.js';

/** A subscription that yields one value and completes. */
async function* once(field: string, value: string): AsyncGenerator<Record<string, string>> {
  yield { [field]: value };
}

@Resolver()
class EventsResolver {
  @Query(() => String)
  health(): string {
    return 'ok';
  }

  @Public()
  @Subscription(() => String)
  ping(@CurrentUser('sub') sub: string | undefined) {
    return once('ping', sub ?? 'anonymous');
  }

  @Subscription(() => String)
  whoami(@CurrentUser() user: ZitadelUser) {
    return once('whoami', `${user.sub}:${user.source}`);
  }

  @Roles('admin')
  @Subscription(() => String)
  secret() {
    return once('secret', 'for admins');
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @Subscription(() => String)
  orgReport(@Args('orgId', { type: () => String }) orgId: string) {
    return once('orgReport', `report of ${orgId}`);
  }

  @Roles({ anyOf: ['admin'], org: { header: 'x-org-id' } })
  @Subscription(() => String)
  orgHeader() {
    return once('orgHeader', 'report of the connection org');
  }
}

const clock = new ManualClock();
let tenant: SocketTenant;
let zitadel: ZitadelEmulator;
let otherOrg: EmulatorOrg;
let admin: string;
let nobody: string;
/** The guard checks each subscription; any socket connects. */
let open: Awaited<ReturnType<typeof startSocketApp>>;
/** zitadelGraphqlWsOnConnect refuses sockets without a valid token. */
let strict: Awaited<ReturnType<typeof startSocketApp>>;
const clients: Client[] = [];

async function startApp(checkAtConnect: boolean) {
  const zitadelModule = await tenant.zitadelModule({ isGlobal: true });
  @Module({
    imports: [
      zitadelModule,
      GraphQLModule.forRootAsync<ApolloDriverConfig>({
        driver: ApolloDriver,
        inject: [ZitadelTokenValidator],
        useFactory: (validator: ZitadelTokenValidator) => ({
          autoSchemaFile: true,
          subscriptions: { 'graphql-ws': checkAtConnect ? { onConnect: zitadelGraphqlWsOnConnect(validator) } : {} },
        }),
      }),
    ],
    providers: [EventsResolver, { provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class AppModule {}
  return startSocketApp({ imports: [AppModule] });
}

beforeAll(async () => {
  tenant = await SocketTenant.start(clock);
  ({ zitadel, otherOrg, admin, nobody } = tenant);
  open = await startApp(false);
  strict = await startApp(true);
});

afterAll(async () => {
  for (const each of clients) await each.dispose();
  await open?.close();
  await strict?.close();
  await zitadel?.close();
});

const token = (userId: string, type: 'opaque' | 'jwt', expiresIn?: number) => tenant.token(userId, type, expiresIn);

/** A graphql-ws client of one socket; `closed` is how the server closed it, if it did. */
function client(app: { url: string }, connectionParams: Record<string, unknown> = {}) {
  let closed: { code: number; reason: string } | undefined;
  const created = createClient({
    url: `${app.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    lazyCloseTimeout: 60_000, // one socket for all the subscriptions of a test: its user is kept
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closed = { code, reason };
      },
    },
  });
  clients.push(created);
  return { client: created, closed: () => closed };
}

interface Outcome {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  closed?: { code: number; reason: string };
}

/** The first result of a subscription, or how its socket was closed. */
async function subscribe(target: ReturnType<typeof client>, query: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let outcome: Outcome | undefined;
    target.client.subscribe(
      { query },
      {
        next: (result) => {
          outcome ??= { data: result.data ?? null, errors: result.errors as Outcome['errors'] };
        },
        error: () => resolve({ closed: target.closed() }),
        complete: () => resolve(outcome ?? {}),
      },
    );
  });
}

describe('ZitadelAuthGuard on GraphQL subscriptions (graphql-ws)', () => {
  it('reads the token from connectionParams (authorization or token), and @CurrentUser gets the user', async () => {
    const byAuthorization = client(open, { authorization: `Bearer ${await token(admin, 'opaque')}` });
    expect(await subscribe(byAuthorization, 'subscription { whoami }')).toEqual({
      data: { whoami: `${admin}:introspection` },
    });
    const byToken = client(open, { token: await token(admin, 'jwt') });
    expect(await subscribe(byToken, 'subscription { whoami }')).toEqual({ data: { whoami: `${admin}:jwt` } });
  });

  it('refuses a subscription without a valid token, with the reason in the error extensions', async () => {
    expect(await subscribe(client(open), 'subscription { whoami }')).toMatchObject(
      refused('Missing bearer token', 'UNAUTHENTICATED', 401, 'unauthenticated'),
    );
    expect(await subscribe(client(open, { token: 'garbage' }), 'subscription { whoami }')).toMatchObject(
      refused('The access token is not active', 'UNAUTHENTICATED', 401, 'invalid_token'),
    );
    expect(await subscribe(client(open, { authorization: 'Bearer a b' }), 'subscription { whoami }')).toMatchObject(
      refused('The access token is malformed', 'UNAUTHENTICATED', 401, 'invalid_token'),
    );
  });

  it('lets @Public subscriptions through, with the user of a valid token', async () => {
    expect(await subscribe(client(open), 'subscription { ping }')).toEqual({ data: { ping: 'anonymous' } });
    expect(await subscribe(client(open, { token: await token(admin, 'jwt') }), 'subscription { ping }')).toEqual({
      data: { ping: admin },
    });
  });

  it('checks @Roles, scoped to the organisation of an argument or of connectionParams', async () => {
    const bearer = await token(admin, 'opaque');
    const home = zitadel.defaultOrg.id;
    const socket = client(open, { token: bearer });
    expect(await subscribe(socket, 'subscription { secret }')).toEqual({ data: { secret: 'for admins' } });
    expect(await subscribe(socket, `subscription { orgReport(orgId: "${home}") }`)).toEqual({
      data: { orgReport: `report of ${home}` },
    });
    expect(await subscribe(socket, `subscription { orgReport(orgId: "${otherOrg.id}") }`)).toMatchObject(
      refused('Missing role', 'FORBIDDEN', 403, 'forbidden'),
    );
    expect(
      await subscribe(client(open, { token: await token(nobody, 'jwt') }), 'subscription { secret }'),
    ).toMatchObject(refused('Missing role', 'FORBIDDEN', 403, 'forbidden'));
    expect(await subscribe(client(open, { token: bearer, 'x-org-id': home }), 'subscription { orgHeader }')).toEqual({
      data: { orgHeader: 'report of the connection org' },
    });
    expect(
      await subscribe(client(open, { token: bearer, 'x-org-id': otherOrg.id }), 'subscription { orgHeader }'),
    ).toMatchObject(refused('Missing role', 'FORBIDDEN', 403, 'forbidden'));
  });

  it("keeps the socket's user until the token expires, then checks it again", async () => {
    const bearer = await token(admin, 'opaque', 120);
    const socket = client(open, { token: bearer });
    expect(await subscribe(socket, 'subscription { whoami }')).toEqual({ data: { whoami: `${admin}:introspection` } });
    const asked = zitadel.requestCount('introspect');
    zitadel.revokeToken(bearer);
    expect(await subscribe(socket, 'subscription { whoami }')).toEqual({ data: { whoami: `${admin}:introspection` } });
    expect(zitadel.requestCount('introspect')).toBe(asked);
    await clock.advance(121_000);
    expect(await subscribe(socket, 'subscription { whoami }')).toMatchObject(
      refused('The access token is not active', 'UNAUTHENTICATED', 401, 'invalid_token'),
    );
  });

  it('tells an unreachable ZITADEL apart (SERVICE_UNAVAILABLE, 503)', async () => {
    const socket = client(open, { token: await token(admin, 'opaque') });
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    try {
      expect(await subscribe(socket, 'subscription { whoami }')).toMatchObject(
        refused('Access tokens cannot be checked right now', 'SERVICE_UNAVAILABLE', 503, 'unavailable'),
      );
    } finally {
      zitadel.clearFaults();
    }
  });

  it('refuses the socket at connect with zitadelGraphqlWsOnConnect (4401, or 1013 when ZITADEL is unreachable)', async () => {
    expect(await subscribe(client(strict), 'subscription { ping }')).toEqual({
      closed: { code: 4401, reason: 'unauthenticated' },
    });
    expect(await subscribe(client(strict, { token: 'garbage' }), 'subscription { ping }')).toEqual({
      closed: { code: 4401, reason: 'invalid_token' },
    });
    const bearer = await token(admin, 'opaque');
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    try {
      expect(await subscribe(client(strict, { token: bearer }), 'subscription { ping }')).toEqual({
        closed: { code: 1013, reason: 'unavailable' },
      });
    } finally {
      zitadel.clearFaults();
    }
    const asked = zitadel.requestCount('introspect');
    expect(await subscribe(client(strict, { token: bearer }), 'subscription { whoami }')).toEqual({
      data: { whoami: `${admin}:introspection` },
    });
    // The user checked at connect serves the subscription: ZITADEL was asked once.
    expect(zitadel.requestCount('introspect')).toBe(asked + 1);
  });
});

function refused(message: string, code: string, status: number, reason: string): Outcome {
  return { data: null, errors: [{ message, extensions: { code, status, reason } }] };
}
