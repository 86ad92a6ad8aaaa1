// The Nest app under test: the guard global (APP_GUARD) in front of a public route, a route for
// any valid token and a route for the role `admin`, over Express or Fastify.
import { Controller, Get, Module, type Type } from '@nestjs/common';
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
import { startApp, type Platform, type RunningApp } from '../../support/nest-app.js';

@Controller()
class HardeningController {
  @Public()
  @Get('public')
  open(@CurrentUser() user: ZitadelUser | undefined): { sub: string | null } {
    return { sub: user?.sub ?? null };
  }

  @Get('me')
  me(@CurrentUser('sub') sub: string): { sub: string } {
    return { sub };
  }

  @Roles('admin')
  @Get('admin')
  admin(@CurrentUser('sub') sub: string): { sub: string; admin: true } {
    return { sub, admin: true };
  }
}

/** What the routes need: `/public` nothing, `/me` a valid token, `/admin` a valid token with the role `admin`. */
export type Route = '/public' | '/me' | '/admin';

/** The app's root module: ZitadelModule with these options, the guard global, the routes above. */
export function hardeningAppModule(options: ZitadelModuleOptions): Type {
  @Module({
    imports: [ZitadelModule.forRoot(options)],
    controllers: [HardeningController],
    providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class HardeningAppModule {}
  return HardeningAppModule;
}

/** Starts the guarded app with these module options. */
export function startGuardedApp(platform: Platform, options: ZitadelModuleOptions): Promise<RunningApp> {
  return startApp(platform, { imports: [hardeningAppModule(options)] });
}
