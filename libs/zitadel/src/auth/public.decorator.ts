import { Reflector } from '@nestjs/core';

/**
 * Marks a route (or every route of a controller) as needing no token. A valid bearer token still
 * makes the user available (`@CurrentUser()`); a missing, invalid or uncheckable one is ignored,
 * never trusted. Handler metadata overrides class metadata: a handler's `@Roles` beats a class's
 * `@Public`, and a handler's `@Public` beats a class's `@Roles`.
 *
 * @example
 * \@Public() \@Get('status') status() {}
 */
export const Public = Reflector.createDecorator<void, true>({ key: 'zitadel:public', transform: () => true });
