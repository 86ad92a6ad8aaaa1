import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestOf } from './request-context.js';
import { ZitadelUser, type ZitadelUserField } from './zitadel-user.js';

/**
 * Injects the verified {@link ZitadelUser} the guard attached to the request, or one of its
 * fields: `@CurrentUser('sub')`, `@CurrentUser('roles')`. `undefined` on a `@Public` route
 * called without a valid token, or on a route the guard does not protect. Works in controllers
 * (Express, Fastify) and GraphQL resolvers.
 *
 * @example
 * \@Get('me') me(@CurrentUser() user: ZitadelUser, @CurrentUser('sub') id: string) {}
 */
export const CurrentUser = createParamDecorator<ZitadelUserField | undefined, unknown>(
  (field: ZitadelUserField | undefined, context: ExecutionContext): unknown => {
    const user = requestOf(context)?.user;
    if (!(user instanceof ZitadelUser)) return undefined;
    return field === undefined ? user : user[field];
  },
);
