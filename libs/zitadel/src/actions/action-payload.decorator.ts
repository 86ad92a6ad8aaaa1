import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { verifiedCallOf } from './action-call.js';

/**
 * Injects the verified payload of a `@ZitadelAction()` route: the parsed JSON body (or the verified
 * JWT's claims for `jwt`/`jwe` targets), typed by the parameter (`ZitadelEventPayload`,
 * `ZitadelFunctionContext`, ...). `'signature'` injects when it was signed and which key matched.
 * `undefined` on a route without `@ZitadelAction()`.
 *
 * @example
 * \@ZitadelAction() \@Post('events') onEvent(@ZitadelActionPayload() event: ZitadelEventPayload) {}
 */
export const ZitadelActionPayload = createParamDecorator<'signature' | undefined, unknown>(
  (field: 'signature' | undefined, context: ExecutionContext): unknown => {
    const call = verifiedCallOf(context.switchToHttp().getRequest<object | undefined>());
    return field === 'signature' ? call?.signature : call?.payload;
  },
);
