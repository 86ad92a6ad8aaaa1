import type { AddressInfo } from 'node:net';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage, type WsResponse } from '@nestjs/websockets';
import { CurrentUser, Public, Roles, type ZitadelUser } from 'nestjs-zitadel';
import { RecordingLogger } from './nest-app.js';

/**
 * The handlers of the WebSocket suites (socket.io and `ws`): every form of `@Public`, `@Roles` and
 * `@CurrentUser`. Each answers with a `{ event, data }` reply of the same event name, which both
 * adapters send back as that event. Subclassed with `@WebSocketGateway(...)` by each suite.
 */
export class GuardedHandlers {
  @Public()
  @SubscribeMessage('ping')
  ping(@CurrentUser('sub') sub: string | undefined): WsResponse<string> {
    return { event: 'ping', data: sub ?? 'anonymous' };
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentUser() user: ZitadelUser, @CurrentUser('sub') sub: string): WsResponse<string> {
    return { event: 'whoami', data: `${sub}:${user.source}` };
  }

  @Roles('admin')
  @SubscribeMessage('secret')
  secret(): WsResponse<string> {
    return { event: 'secret', data: 'for admins' };
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @SubscribeMessage('orgReport')
  orgReport(@MessageBody() body: { orgId: string }): WsResponse<string> {
    return { event: 'orgReport', data: `report of ${body.orgId}` };
  }

  @Roles({ anyOf: ['admin'], org: { header: 'x-org-id' } })
  @SubscribeMessage('orgHeader')
  orgHeader(): WsResponse<string> {
    return { event: 'orgHeader', data: 'report of the handshake org' };
  }
}

/** A Nest app over Express on a free loopback port, with its WebSocket adapter chosen by `configure`. */
export async function startSocketApp(
  metadata: ModuleMetadata,
  configure: (app: INestApplication) => void = () => undefined,
): Promise<{ app: INestApplication; url: string; logs: RecordingLogger; close(): Promise<void> }> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const logs = new RecordingLogger();
  const app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: logs });
  configure(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}
