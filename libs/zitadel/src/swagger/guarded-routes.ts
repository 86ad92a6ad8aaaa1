import type { INestApplicationContext, Type } from '@nestjs/common';
import { GUARDS_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { APP_GUARD, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ZitadelAuthGuard, type RoutePolicy } from '../auth/auth.guard.js';
import { readRoutePolicy } from './route-policy.js';

/** Which routes `ZitadelAuthGuard` runs on. */
export type GuardedRoutes = 'auto' | 'all';

/** One controller method that serves HTTP, with what the guard asks of its callers. */
export interface ZitadelRoute {
  readonly controller: Type;
  readonly handler: (...args: never[]) => unknown;
  /** Whether `ZitadelAuthGuard` (or a subclass) runs on it: `APP_GUARD` or `@UseGuards`. */
  readonly guarded: boolean;
  readonly policy: RoutePolicy;
}

/** The guard class, a subclass of it, or an instance of either. */
function isZitadelGuard(guard: unknown): boolean {
  if (typeof guard === 'function')
    return guard === ZitadelAuthGuard || (guard as { prototype: unknown }).prototype instanceof ZitadelAuthGuard;
  return guard instanceof ZitadelAuthGuard;
}

const usesZitadelGuard = (target: object): boolean => {
  const guards: unknown = Reflect.getMetadata(GUARDS_METADATA, target);
  return Array.isArray(guards) && guards.some(isZitadelGuard);
};

/**
 * Every HTTP route of the app's controllers. `auto`: a route is guarded when an `APP_GUARD`
 * provider is `ZitadelAuthGuard` (or a subclass), or when `@UseGuards` names it on the handler or
 * the class; `all`: every route (e.g. for `app.useGlobalGuards(...)`, which Nest does not expose).
 */
export function collectRoutes(app: INestApplicationContext, mode: GuardedRoutes): ZitadelRoute[] {
  const reflector = app.get(Reflector, { strict: false });
  const modules = [...app.get(ModulesContainer, { strict: false }).values()];
  // Nest registers each APP_GUARD provider under a token "APP_GUARD (UUID: ...)".
  const global =
    mode === 'all' ||
    modules.some((module) =>
      [...module.providers].some(
        ([token, wrapper]) =>
          typeof token === 'string' &&
          token.startsWith(APP_GUARD) &&
          (isZitadelGuard(wrapper.metatype) || isZitadelGuard(wrapper.instance)),
      ),
    );
  const scanner = new MetadataScanner();
  const routes: ZitadelRoute[] = [];
  const seen = new Set<Type>();
  for (const module of modules) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function' || seen.has(metatype as Type)) continue;
      const controller = metatype as Type;
      seen.add(controller);
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        routes.push({
          controller,
          handler: handler as ZitadelRoute['handler'],
          guarded: global || usesZitadelGuard(handler) || usesZitadelGuard(controller),
          policy: readRoutePolicy(reflector, handler, controller),
        });
      }
    }
  }
  return routes;
}
