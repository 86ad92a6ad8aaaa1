// ZitadelAuthGuard on @MessagePattern / @EventPattern handlers of a Nest Redis microservice, over a
// real redis-server, called by a Nest ClientProxy, with tokens from the emulator: the token travels
// as packet metadata (`authorization`, set with ClientProxy#setOnDispatchHook).
import type { INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { RedisServer } from './support/redis.js';
import { rpcAppModule, startRpcScenario, WaitingLogger, type RpcScenario } from './support/rpc-app.js';
import { ProxyCaller, rpcGuardSuite, type RpcSuiteContext } from './support/rpc-suite.js';

let redis: RedisServer;
let scenario: RpcScenario;
let logs: WaitingLogger;
let app: INestMicroservice;
let client: ClientProxy;

beforeAll(async () => {
  redis = await RedisServer.start();
  scenario = await startRpcScenario();
  logs = new WaitingLogger();
  const moduleRef = await Test.createTestingModule(rpcAppModule(scenario.options)).compile();
  const options = { host: '127.0.0.1', port: redis.port };
  app = moduleRef.createNestMicroservice({ transport: Transport.REDIS, options, logger: logs });
  await app.listen();
  client = ClientProxyFactory.create({ transport: Transport.REDIS, options });
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  await app?.close();
  await scenario?.zitadel.close();
  await redis?.stop();
});

describe('ZitadelAuthGuard over the Redis transport (token in the packet metadata)', () => {
  let context: RpcSuiteContext | undefined;
  rpcGuardSuite(() => (context ??= { scenario, app, caller: new ProxyCaller(client), logs }));
});
