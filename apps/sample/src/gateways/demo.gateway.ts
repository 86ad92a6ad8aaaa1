import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayInit,
  type WsResponse,
} from '@nestjs/websockets';
import { CurrentUser, Public, Roles, ZitadelTokenValidator, zitadelSocketIoMiddleware } from 'nestjs-zitadel';
import type { Server } from 'socket.io';
import { SampleRoles } from '../roles.js';

/**
 * The sample's socket.io gateway (namespace `/events`), guarded by the app's global
 * `ZitadelAuthGuard`: sockets without a valid token are refused at the handshake
 * (`connect_error`), a refused message gets the `exception` event. Try it with socket.io-client:
 * `io('http://localhost:3000/events', { auth: { token } }).emit('whoami', {}, console.log)`.
 */
@WebSocketGateway({ namespace: 'events' })
export class DemoGateway implements OnGatewayInit {
  constructor(private readonly validator: ZitadelTokenValidator) {}

  afterInit(server: Server): void {
    server.use(zitadelSocketIoMiddleware(this.validator));
  }

  @Public()
  @SubscribeMessage('ping')
  ping(): WsResponse<string> {
    return { event: 'pong', data: 'pong' };
  }

  /** Any valid token: who the caller is. */
  @SubscribeMessage('whoami')
  whoami(@CurrentUser('sub') sub: string): string {
    return sub;
  }

  /** `reader` or `admin` granted by the organisation named in the message: `{ orgId }`. */
  @Roles({ anyOf: [SampleRoles.reader, SampleRoles.admin], org: { param: 'orgId' } })
  @SubscribeMessage('reports')
  reports(@MessageBody() body: { orgId: string }): string[] {
    return [`${body.orgId}-revenue`, `${body.orgId}-headcount`];
  }
}
