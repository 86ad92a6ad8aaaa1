// ZitadelAuthGuard on @MessagePattern / @EventPattern handlers of a Nest TCP microservice, called
// by a Nest ClientProxy over loopback, with tokens from the emulator: the token travels as packet
// metadata (`authorization`). Also the documented hook for a token carried in the message itself.
import type { AddressInfo, Server } from 'node:net';
import type { ExecutionContext, INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { bearerTokenOf, ZitadelAuthGuard, type ZitadelRequest } from 'nestjs-zitadel';
import { rpcAppModule, startRpcScenario, WaitingLogger, type RpcScenario } from './support/rpc-app.js';
import { ProxyCaller, rpcGuardSuite, type RpcSuiteContext } from './support/rpc-suite.js';

/** Reads the token from the message's `authorization` field when the metadata has none. */
class MessageTokenGuard extends ZitadelAuthGuard {
  protected override extractToken(request: ZitadelRequest | undefined, context: ExecutionContext): string | undefined {
    const fromMetadata = super.extractToken(request, context);
    if (fromMetadata !== undefined || context.getType() !== 'rpc') return fromMetadata;
    return bearerTokenOf(context.switchToRpc().getData<{ authorization?: unknown } | undefined>()?.authorization);
  }
}

interface Running {
  readonly app: INestMicroservice;
  readonly client: ClientProxy;
}

async function startTcp(scenario: RpcScenario, logs: WaitingLogger, guard = ZitadelAuthGuard): Promise<Running> {
  const moduleRef = await Test.createTestingModule(rpcAppModule(scenario.options, guard)).compile();
  const app = moduleRef.createNestMicroservice({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: 0 },
    logger: logs,
  });
  await app.listen();
  const { port } = app.unwrap<Server>().address() as AddressInfo;
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return { app, client };
}

let scenario: RpcScenario;
let logs: WaitingLogger;
let running: Running;
let hooked: Running;

beforeAll(async () => {
  scenario = await startRpcScenario();
  logs = new WaitingLogger();
  running = await startTcp(scenario, logs);
  hooked = await startTcp(scenario, logs, MessageTokenGuard);
});

afterAll(async () => {
  await running?.client.close();
  await running?.app.close();
  await hooked?.client.close();
  await hooked?.app.close();
  await scenario?.zitadel.close();
});

describe('ZitadelAuthGuard over the TCP transport (token in the packet metadata)', () => {
  let context: RpcSuiteContext | undefined;
  rpcGuardSuite(() => (context ??= { scenario, app: running.app, caller: new ProxyCaller(running.client), logs }));
});

describe('a guard whose extractToken reads the token from the message (the hook)', () => {
  let caller: ProxyCaller | undefined;
  const call = () => (caller ??= new ProxyCaller(hooked.client));

  it('takes the token from the message field, by the same rules as the header', async () => {
    const bearer = await scenario.token(scenario.admin, 'jwt');
    expect(await call().send('whoami', { authorization: `Bearer ${bearer}` })).toMatchObject({
      ok: { sub: scenario.admin, same: true },
    });
    expect(await call().send('whoami', { authorization: bearer })).toEqual({
      error: { status: 401, code: 'unauthenticated', message: 'Missing bearer token' },
    });
    expect(await call().send('whoami', { authorization: ['Bearer', bearer] })).toEqual({
      error: { status: 401, code: 'invalid_token', message: 'The access token is malformed' },
    });
    expect(await call().send('whoami', { authorization: `Bearer ${bearer} ${bearer}` })).toEqual({
      error: { status: 401, code: 'invalid_token', message: 'The access token is malformed' },
    });
  });

  it('still reads the metadata first', async () => {
    const bearer = await scenario.token(scenario.nobody, 'jwt');
    expect(await call().send('whoami', { authorization: 'Bearer x' }, { token: bearer })).toMatchObject({
      ok: { sub: scenario.nobody },
    });
  });
});
