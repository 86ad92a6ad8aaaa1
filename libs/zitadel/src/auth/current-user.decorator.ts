import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { transportOf } from './transports/transport-of.js';
import { ZitadelUser, type ZitadelUserField } from './zitadel-user.js';

/**
 * Injects the verified {@link ZitadelUser} the guard attached to the request, or one of its
 * fields: `@CurrentUser('sub')`, `@CurrentUser('roles')`. `undefined` on a `@Public` route
 * called without a valid token, or on a route the guard does not protect. Works wherever the guard does: controllers
 * (Express, Fastify), GraphQL resolvers and the other transports the README lists.
 *
 * @example
 * \@Get('me') me(@CurrentUser() user: ZitadelUser, @CurrentUser('sub') id: string) {}
 */
export const CurrentUser = createParamDecorator<ZitadelUserField | undefined, unknown>(
  (field: ZitadelUserField | undefined, context: ExecutionContext): unknown => {
    const user = transportOf(context).request(context)?.user;
    if (!(user instanceof ZitadelUser)) return undefined;
    return field === undefined ? user : user[field];
  },
);
