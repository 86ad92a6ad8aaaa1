// The README's "Microservices" snippets run as written against a Nest TCP microservice guarded by
// ZitadelAuthGuard on the emulator: the client with its dispatch hook (the port replaced by the
// microservice's, the token given through the ACCESS_TOKEN variable the snippet reads) and the
// `MessageTokenGuard` subclass (the token in the message). Blocks are extracted from README.md.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { CurrentUser, ZitadelAuthGuard, ZitadelModule } from 'nestjs-zitadel';
import { firstValueFrom, type Observable } from 'rxjs';
import { startRpcScenario, type RpcScenario } from './support/rpc-app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', `.readme-microservices-${process.pid}`);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The one ```ts block of the README's `## Microservices` section that contains `marker`. */
function block(marker: string): string {
  const heading = '\n## Microservices\n';
  const start = README.indexOf(heading);
  if (start < 0) throw new Error('README.md has no section "## Microservices"');
  const next = README.indexOf('\n## ', start + heading.length);
  const found = [...README.slice(start, next < 0 ? undefined : next).matchAll(/^```ts\n([\s\S]*?)^```/gm)]
    .map((match) => match[1] ?? '')
    .filter((code) => code.includes(marker));
  if (found.length !== 1) throw new Error(`"## Microservices" should have one ts block with ${marker}`);
  return found[0] ?? '';
}

/** Writes a block as a module, its placeholders replaced (each must be there), and imports it. */
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

/** The message handler the README's client calls. */
@Controller()
class ReportsHandlers {
  @MessagePattern('reports.list')
  list(@Payload() data: { orgId: string }, @CurrentUser('sub') sub: string) {
    return { orgId: data.orgId, sub };
  }

  @MessagePattern('whoami')
  whoami(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

let scenario: RpcScenario;
const running: { app: INestMicroservice; clients: ClientProxy[] }[] = [];

/** A TCP microservice on the emulator with `guard` as APP_GUARD; its port. */
async function startTcp(guard: Type<ZitadelAuthGuard>): Promise<{ port: number; clients: ClientProxy[] }> {
  @Module({
    imports: [ZitadelModule.forRoot(scenario.options)],
    controllers: [ReportsHandlers],
    providers: [{ provide: APP_GUARD, useClass: guard }],
  })
  class MicroserviceModule {}
  const moduleRef = await Test.createTestingModule({ imports: [MicroserviceModule] }).compile();
  const app = moduleRef.createNestMicroservice({ transport: Transport.TCP, options: { port: 0 }, logger: false });
  await app.listen();
  const clients: ClientProxy[] = [];
  running.push({ app, clients });
  return { port: (app.unwrap<Server>().address() as AddressInfo).port, clients };
}

const outcome = (answer: Observable<unknown>): Promise<unknown> =>
  firstValueFrom(answer).then(
    (ok: unknown) => ({ ok }),
    (error: unknown) => ({ error }),
  );

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  scenario = await startRpcScenario();
});
afterAll(async () => {
  for (const { app, clients } of running) {
    for (const client of clients) await client.close();
    await app.close();
  }
  await scenario?.zitadel.close();
  rmSync(OUT, { recursive: true, force: true });
});

/** Imports the snippet with ACCESS_TOKEN set to `token` (unset when undefined); its `reports`. */
async function send(name: string, port: number, clients: ClientProxy[], token: string | undefined) {
  const previous = process.env['ACCESS_TOKEN'];
  if (token === undefined) delete process.env['ACCESS_TOKEN'];
  else process.env['ACCESS_TOKEN'] = token;
  try {
    const snippet = (await load(name, `${block('setOnDispatchHook')}\nexport { client };\n`, {
      'port: 3001': `port: ${port}`,
    })) as { reports: Observable<unknown>; client: ClientProxy };
    clients.push(snippet.client);
    return await outcome(snippet.reports);
  } finally {
    if (previous === undefined) delete process.env['ACCESS_TOKEN'];
    else process.env['ACCESS_TOKEN'] = previous;
  }
}

describe('README "Microservices": the client with its dispatch hook', () => {
  it('sends the token as packet metadata: the handler sees the user; with an empty one it is refused with 401', async () => {
    const { port, clients } = await startTcp(ZitadelAuthGuard);
    const token = await scenario.token(scenario.admin, 'opaque');
    expect(await send('client-with-token', port, clients, token)).toEqual({
      ok: { orgId: '100000000000000001', sub: scenario.admin },
    });
    // Unset, the snippet still sends `Bearer ` (an empty token): a malformed one.
    expect(await send('client-without-token', port, clients, undefined)).toEqual({
      error: expect.objectContaining({ status: 401, code: 'invalid_token' }),
    });
  });
});

describe('README "Microservices": MessageTokenGuard', () => {
  it("reads the token from the message's authorization field when the metadata has none", async () => {
    const { MessageTokenGuard } = (await load('message-token-guard', block('class MessageTokenGuard'))) as {
      MessageTokenGuard: Type<ZitadelAuthGuard>;
    };
    const { port, clients } = await startTcp(MessageTokenGuard);
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { port } });
    clients.push(client);
    const token = await scenario.token(scenario.admin, 'jwt');
    expect(await outcome(client.send('whoami', { authorization: `Bearer ${token}` }))).toEqual({
      ok: { sub: scenario.admin },
    });
    expect(await outcome(client.send('whoami', { authorization: 'Bearer not-a-token' }))).toEqual({
      error: expect.objectContaining({ status: 401, code: 'invalid_token' }),
    });
    expect(await outcome(client.send('whoami', {}))).toEqual({
      error: expect.objectContaining({ status: 401, code: 'unauthenticated' }),
    });
  });
});
