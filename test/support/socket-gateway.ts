import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage, type WsResponse } from '@nestjs/websockets';
import { CurrentUser, Public, Roles, ZitadelModule, ZitadelScopes, type ZitadelUser } from 'nestjs-zitadel';
import { ZitadelEmulator, type EmulatorOrg, type ManualClock } from 'nestjs-zitadel/testing';
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

/**
 * The emulator as the socket suites (socket.io, `ws`, GraphQL subscriptions) seed it: a project
 * with the role `admin`, a second organisation, `alice` (admin) and `bob` (no role), all on the
 * suite's `ManualClock`.
 */
export class SocketTenant {
  private constructor(
    readonly zitadel: ZitadelEmulator,
    readonly clock: ManualClock,
    readonly otherOrg: EmulatorOrg,
    readonly projectId: string,
    /** alice: `admin` of the project's organisation. */
    readonly admin: string,
    /** bob: no role. */
    readonly nobody: string,
  ) {}

  static async start(clock: ManualClock): Promise<SocketTenant> {
    const zitadel = await ZitadelEmulator.start({ clock });
    const otherOrg = zitadel.createOrg({ name: 'Other' });
    const projectId = zitadel.createProject({ name: 'events' }).id;
    zitadel.addProjectRole(projectId, { key: 'admin' });
    const admin = zitadel.createHumanUser({ userName: 'alice' }).userId;
    const nobody = zitadel.createHumanUser({ userName: 'bob' }).userId;
    zitadel.grantRoles({ userId: admin, projectId, roleKeys: ['admin'] });
    return new SocketTenant(zitadel, clock, otherOrg, projectId, admin, nobody);
  }

  /**
   * `ZitadelModule` introspecting as a new API application of the project, on the suite's clock,
   * with no retries (a failure is final at once: retry waits would be on the ManualClock) and no
   * introspection cache (every check reaches the emulator: what is reused is the connection's user).
   */
  async zitadelModule(extras: { isGlobal?: boolean } = {}): Promise<DynamicModule> {
    const api = await this.zitadel.createApiApplication({
      projectId: this.projectId,
      authMethod: 'client_secret_basic',
    });
    return ZitadelModule.forRoot({
      issuer: this.zitadel.issuer,
      apiApplication: { clientId: api.clientId, clientSecret: api.clientSecret ?? '' },
      projectId: this.projectId,
      clock: this.clock,
      http: { retries: 0 },
      introspection: { cache: { maxTtlSeconds: 0, inactiveTtlSeconds: 0 } },
      ...extras,
    });
  }

  /** A token of the user for the project, with its roles, `expiresIn` seconds long. */
  token(userId: string, type: 'opaque' | 'jwt', expiresIn?: number): Promise<string> {
    return this.zitadel.issueToken({
      userId,
      type,
      expiresIn,
      scopes: ['openid', ZitadelScopes.projectAudience(this.projectId), ZitadelScopes.allProjectRoles()],
    });
  }
}
