// The README's "WebSockets and GraphQL subscriptions" snippets run as written against a seeded
// emulator: the socket.io `EventsGateway` with its handshake middleware, the `ws` start-up with
// ZitadelWsAdapter (the user's AppModule supplied by the test, the port replaced by 0) and the
// `graphql` module with zitadelGraphqlWsOnConnect. Blocks are extracted from README.md.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Query, Resolver, Subscription } from '@nestjs/graphql';
import { createClient } from 'graphql-ws';
import { CurrentUser, ZitadelAuthGuard, ZitadelModule, type ZitadelUser } from 'nestjs-zitadel';
import { SeededZitadel } from 'nestjs-zitadel/testing';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { saveGlobalLogger } from './support/global-logger.js';
import { RecordingLogger } from './support/nest-app.js';
import { startSocketApp } from './support/socket-gateway.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', `.readme-websockets-${process.pid}`);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const HEADING = '## WebSockets and GraphQL subscriptions';

/** The one ```ts block of the README's section that contains `marker`. */
function block(marker: string): string {
  const start = README.indexOf(`\n${HEADING}\n`);
  if (start < 0) throw new Error(`README.md has no section "${HEADING}"`);
  const next = README.indexOf('\n## ', start + HEADING.length + 2);
  const found = [...README.slice(start, next < 0 ? undefined : next).matchAll(/^```ts\n([\s\S]*?)^```/gm)]
    .map((match) => match[1] ?? '')
    .filter((code) => code.includes(marker));
  if (found.length !== 1)
    throw new Error(`"${HEADING}" should have one ts block with ${marker}, it has ${found.length}`);
  return found[0] ?? '';
}

/** Writes a module under the test's folder, its placeholders replaced (each must be there), and imports it. */
async function load(name: string, code: string, placeholders: Record<string, string> = {}): Promise<unknown> {
  let text = code;
  for (const [placeholder, value] of Object.entries(placeholders)) {
    if (!text.includes(placeholder)) throw new Error(`the README's ${name} snippet no longer has ${placeholder}`);
    text = text.replaceAll(placeholder, value);
  }
  const file = join(OUT, `${name}.ts`);
  writeFileSync(file, text);
  return import(/* @vite-ignore */ file);
}

let zitadel: SeededZitadel;
let aliceToken: string;
let aliceId: string;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  zitadel = await SeededZitadel.start({ roles: ['admin'] });
  const alice = await zitadel.createUser({ userName: 'alice', roles: ['admin'] });
  aliceId = alice.userId;
  aliceToken = alice.tokens.opaque;
});
afterAll(async () => {
  await zitadel?.close();
  rmSync(OUT, { recursive: true, force: true });
});

describe('README: the socket.io EventsGateway refuses at the handshake', () => {
  let app: Awaited<ReturnType<typeof startSocketApp>>;

  beforeAll(async () => {
    const { EventsGateway } = (await load('socket-io', block('class EventsGateway'))) as { EventsGateway: Type };
    app = await startSocketApp({
      imports: [ZitadelModule.forRoot({ ...zitadel.moduleOptions, isGlobal: true })],
      providers: [EventsGateway],
    });
  });
  afterAll(() => app?.close());

  /** `connected`, or the `data` of the handshake's `connect_error`. */
  function handshake(auth: Record<string, string>): Promise<unknown> {
    const socket = io(app.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data));
    }).finally(() => socket.close());
  }

  it('connects a client with a valid token and refuses one without, giving the reason', async () => {
    expect(await handshake({ token: aliceToken })).toBe('connected');
    expect(await handshake({})).toEqual({ status: 'error', code: 'unauthenticated', message: expect.any(String) });
    expect(await handshake({ token: 'not-a-token' })).toEqual({
      status: 'error',
      code: 'invalid_token',
      message: expect.any(String),
    });
  });
});

describe('README: ZitadelWsAdapter refuses the upgrade without a valid token', () => {
  let app: INestApplication;
  let url: string;
  let restoreLogger: () => void;

  beforeAll(async () => {
    // The user's AppModule: ZitadelModule and a `ws` gateway.
    writeFileSync(
      join(OUT, 'app.module.ts'),
      [
        "import { Module } from '@nestjs/common';",
        "import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';",
        "import { CurrentUser, ZitadelModule } from 'nestjs-zitadel';",
        "@WebSocketGateway({ path: '/events' })",
        'class WsEvents {',
        "  @SubscribeMessage('whoami')",
        "  whoami(@CurrentUser('sub') sub: string) {",
        "    return { event: 'whoami', data: sub };",
        '  }',
        '}',
        '@Module({',
        `  imports: [ZitadelModule.forRoot(${JSON.stringify(zitadel.moduleOptions)})],`,
        '  providers: [WsEvents],',
        '})',
        'export class AppModule {}',
        '',
      ].join('\n'),
    );
    const restore = saveGlobalLogger();
    Logger.overrideLogger(new RecordingLogger()); // NestFactory.create logs its start-up
    restoreLogger = restore;
    ({ app } = (await load('ws', `${block('new ZitadelWsAdapter(')}\nexport { app };\n`, {
      'await app.listen(3000);': "await app.listen(0, '127.0.0.1');",
    })) as { app: INestApplication });
    url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/events`;
  });
  afterAll(async () => {
    await app?.close();
    restoreLogger?.();
  });

  /** The reply to `whoami` on a socket upgraded with `headers`, or the upgrade's refusal status. */
  function whoami(headers: Record<string, string>): Promise<unknown> {
    const client = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      client.once('open', () => client.send(JSON.stringify({ event: 'whoami', data: {} })));
      client.once('message', (raw: Buffer) => resolve(JSON.parse(raw.toString()) as unknown));
      client.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      client.once('error', reject);
    }).finally(() => client.terminate());
  }

  it('upgrades a request with a valid token (the gateway sees the user) and answers 401 otherwise', async () => {
    expect(await whoami({ authorization: `Bearer ${aliceToken}` })).toEqual({ event: 'whoami', data: aliceId });
    expect(await whoami({})).toBe(401);
    expect(await whoami({ authorization: 'Bearer not-a-token' })).toBe(401);
  });
});

describe('README: the graphql module checks the token at connect', () => {
  /** A subscription that yields the user once. */
  @Resolver()
  class MeResolver {
    @Query(() => String)
    health(): string {
      return 'ok';
    }

    @Subscription(() => String)
    async *me(@CurrentUser() user: ZitadelUser) {
      yield { me: user.sub };
    }
  }

  let app: Awaited<ReturnType<typeof startSocketApp>>;

  beforeAll(async () => {
    const { graphql } = (await load('graphql', block('zitadelGraphqlWsOnConnect(validator)'))) as {
      graphql: DynamicModule;
    };
    @Module({
      imports: [ZitadelModule.forRoot({ ...zitadel.moduleOptions, isGlobal: true }), graphql],
      providers: [MeResolver, { provide: APP_GUARD, useClass: ZitadelAuthGuard }],
    })
    class GraphqlAppModule {}
    app = await startSocketApp({ imports: [GraphqlAppModule] });
  });
  afterAll(() => app?.close());

  /** The first result of `subscription { me }`, or how the server closed the socket. */
  function me(connectionParams: Record<string, string>): Promise<unknown> {
    let closed: unknown;
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      on: {
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          closed = { code, reason };
        },
      },
    });
    return new Promise((resolve) => {
      client.subscribe(
        { query: 'subscription { me }' },
        {
          next: (result) => resolve(result.data),
          error: () => resolve({ closed }),
          complete: () => undefined,
        },
      );
    }).finally(() => client.dispose());
  }

  it('runs a subscription for a valid token (`Bearer` in connectionParams) and closes the socket 4401 otherwise', async () => {
    expect(await me({ authorization: `Bearer ${aliceToken}` })).toEqual({ me: aliceId });
    expect(await me({})).toEqual({ closed: { code: 4401, reason: 'unauthenticated' } });
    expect(await me({ authorization: 'Bearer not-a-token' })).toEqual({
      closed: { code: 4401, reason: 'invalid_token' },
    });
  });
});
