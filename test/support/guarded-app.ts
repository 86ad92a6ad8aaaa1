import { Controller, Get, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  CurrentUser,
  Public,
  Roles,
  ZitadelAuthGuard,
  ZitadelModule,
  type ZitadelModuleOptions,
  type ZitadelUser,
} from 'nestjs-zitadel';

/** The routes of the guard suites: every form of `@Public`, `@Roles` and `@CurrentUser`. */
@Controller('reports')
export class ReportsController {
  @Public()
  @Get('status')
  status(@CurrentUser('sub') sub: string | undefined) {
    return { sub: sub ?? null };
  }

  @Get('mine')
  mine(
    @CurrentUser() user: ZitadelUser,
    @CurrentUser('sub') sub: string,
    @CurrentUser('roles') roles: ZitadelUser['roles'],
  ) {
    return {
      sub,
      same: user.sub === sub,
      roles,
      source: user.source,
      email: user.email ?? null,
      org: user.resourceOwner?.id ?? null,
    };
  }

  @Roles('admin')
  @Get('all')
  all() {
    return { ok: true };
  }

  @Roles('admin', 'editor')
  @Get('any')
  any() {
    return { ok: true };
  }

  @Roles({ allOf: ['admin', 'editor'] })
  @Get('every')
  every() {
    return { ok: true };
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @Get('orgs/:orgId')
  forOrg() {
    return { ok: true };
  }

  @Roles({ anyOf: ['admin'], org: { header: 'x-org-id' } })
  @Get('org-header')
  forOrgHeader() {
    return { ok: true };
  }
}

/** A public controller with one handler that needs a role: the handler's metadata wins. */
@Public()
@Controller('open')
export class OpenController {
  @Get()
  open() {
    return { ok: true };
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { ok: true };
  }
}

/** A controller needing `admin`, with a public handler and one needing another role instead. */
@Roles('admin')
@Controller('admin')
export class AdminController {
  @Get()
  index() {
    return { ok: true };
  }

  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }

  @Roles('viewer')
  @Get('viewer')
  viewer() {
    return { ok: true };
  }
}

/** A module with the guard global (`APP_GUARD`) and the routes above. */
export function guardedAppModule(options: ZitadelModuleOptions): ModuleMetadata {
  @Module({
    imports: [ZitadelModule.forRoot(options)],
    controllers: [ReportsController, OpenController, AdminController],
    providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class GuardedAppModule {}
  return { imports: [GuardedAppModule] };
}

/** The parts of an answer the guard suites look at. */
export interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/** GET with an optional bearer token (or a raw Authorization header) and other headers. */
export async function get(
  baseUrl: string,
  path: string,
  auth: { token?: string; authorization?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...auth.headers };
  if (auth.token !== undefined) headers['authorization'] = `Bearer ${auth.token}`;
  if (auth.authorization !== undefined) headers['authorization'] = auth.authorization;
  const response = await fetch(baseUrl + path, { headers });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body, text };
}
