// The microservice handlers of the RPC guard suites (TCP, Redis, gRPC share the emulator set-up):
// every form of @Public, @Roles (also organisation-scoped) and @CurrentUser, and an event handler
// that records each run.
import { Controller, Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  CurrentUser,
  Public,
  Roles,
  ZitadelAuthGuard,
  ZitadelModule,
  ZitadelScopes,
  type ZitadelModuleOptions,
  type ZitadelUser,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type EmulatorOrg } from 'nestjs-zitadel/testing';
import { RecordingLogger } from './nest-app.js';

/** The runs of the event handler, in order. */
@Injectable()
export class EventRuns {
  readonly runs: { sub: unknown; data: unknown }[] = [];
}

@Controller()
export class RpcHandlers {
  constructor(private readonly events: EventRuns) {}

  @Public()
  @MessagePattern('ping')
  ping(@CurrentUser('sub') sub: string | undefined) {
    return { sub: sub ?? null };
  }

  @MessagePattern('whoami')
  whoami(@CurrentUser() user: ZitadelUser, @CurrentUser('sub') sub: string) {
    return { sub, same: user.sub === sub, source: user.source };
  }

  @Roles('admin')
  @MessagePattern('secret')
  secret() {
    return { secret: 'for admins' };
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @MessagePattern('org.param')
  orgParam(@Payload() data: { orgId: string }) {
    return { report: data.orgId };
  }

  @Roles({ anyOf: ['admin'], org: { header: 'x-org-id' } })
  @MessagePattern('org.header')
  orgHeader() {
    return { ok: true };
  }

  @EventPattern('audit')
  audit(@Payload() data: unknown, @CurrentUser('sub') sub: unknown) {
    this.events.runs.push({ sub, data });
  }
}

/** A module with the guard global (`APP_GUARD`), the handlers above and `guard` as the guard class. */
export function rpcAppModule(options: ZitadelModuleOptions, guard = ZitadelAuthGuard): ModuleMetadata {
  @Module({
    imports: [ZitadelModule.forRoot(options)],
    controllers: [RpcHandlers],
    providers: [EventRuns, { provide: APP_GUARD, useClass: guard }],
  })
  class RpcAppModule {}
  return { imports: [RpcAppModule] };
}

/** A recording logger that can also wait for a line. */
export class WaitingLogger extends RecordingLogger {
  private waiters: { text: string; resolve: () => void }[] = [];

  /** Resolves once a line containing `text` is logged (at once if one was). */
  waitFor(text: string): Promise<void> {
    if (this.lines.some((line) => line.includes(text))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ text, resolve }));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(message, ...rest);
    this.wake();
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(message, ...rest);
    this.wake();
  }

  private wake(): void {
    const line = this.lines.at(-1) ?? '';
    this.waiters = this.waiters.filter((waiter) => !(line.includes(waiter.text) && (waiter.resolve(), true)));
  }
}

/** The emulator with a project, roles and users, on a ManualClock shared with the module options. */
export interface RpcScenario {
  readonly zitadel: ZitadelEmulator;
  readonly clock: ManualClock;
  readonly options: ZitadelModuleOptions;
  readonly otherOrg: EmulatorOrg;
  /** Holds `admin` granted by the default organisation. */
  readonly admin: string;
  /** Holds no role. */
  readonly nobody: string;
  /** A token of `userId`; `expiresIn` seconds on the shared clock. */
  token(userId: string, type: 'opaque' | 'jwt', expiresIn?: number): Promise<string>;
}

export async function startRpcScenario(): Promise<RpcScenario> {
  // A whole second, so the token times (seconds) are exactly the clock's.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const zitadel = await ZitadelEmulator.start({ clock });
  const otherOrg = zitadel.createOrg({ name: 'Other' });
  const projectId = zitadel.createProject({ name: 'reports' }).id;
  zitadel.addProjectRole(projectId, { key: 'admin' });
  const api = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
  const admin = zitadel.createHumanUser({ userName: 'alice' }).userId;
  const nobody = zitadel.createHumanUser({ userName: 'bob' }).userId;
  zitadel.grantRoles({ userId: admin, projectId, roleKeys: ['admin'] });
  const options: ZitadelModuleOptions = {
    issuer: zitadel.issuer,
    apiApplication: { clientId: api.clientId, clientSecret: api.clientSecret ?? '' },
    projectId,
    clock,
    jwt: { clockToleranceSeconds: 0 },
    // No retry: a failing ZITADEL is answered at once, no wait on the manual clock.
    http: { retries: 0 },
  };
  const token = (userId: string, type: 'opaque' | 'jwt', expiresIn?: number) =>
    zitadel.issueToken({
      userId,
      type,
      scopes: ['openid', ZitadelScopes.projectAudience(projectId), ZitadelScopes.allProjectRoles()],
      ...(expiresIn === undefined ? {} : { expiresIn }),
    });
  return { zitadel, clock, options, otherOrg, admin, nobody, token };
}
