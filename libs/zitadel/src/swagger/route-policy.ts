import type { Reflector } from '@nestjs/core';
import type { RoutePolicy } from '../auth/auth.guard.js';
import { Public } from '../auth/public.decorator.js';
import { getRolesRequirement } from '../auth/roles.decorator.js';

const AUTHENTICATED: RoutePolicy = Object.freeze({ public: false, roles: undefined });
const PUBLIC: RoutePolicy = Object.freeze({ public: true, roles: undefined });

/**
 * The policy `ZitadelAuthGuard` applies to a route, read the way the guard reads it: handler
 * first, then class; on one target `@Roles` beats `@Public`; neither means "any valid token".
 * (A guard subclass that overrides `getRoutePolicy` is not seen here.)
 */
export function readRoutePolicy(reflector: Reflector, handler: object, controller: object): RoutePolicy {
  for (const target of [handler, controller]) {
    const roles = getRolesRequirement(reflector, target);
    if (roles !== undefined) return Object.freeze({ public: false, roles });
    if (reflector.get(Public, target as () => void) === true) return PUBLIC;
  }
  return AUTHENTICATED;
}
