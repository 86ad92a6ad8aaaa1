import { applyDecorators, UseGuards } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { ZitadelActionGuard } from './action.guard.js';
import { ZitadelActionMetadata } from './zitadel-action.metadata.js';
import type { ZitadelActionOptions } from './zitadel-action.options.js';

/**
 * Marks a route (or every route of a controller) as an Actions v2 target: ZITADEL's
 * `ZITADEL-Signature` is checked over the raw body before the handler runs, and a missing,
 * malformed, stale or wrong signature is answered 401 without running it. The app must be created
 * with `rawBody: true`. The route needs no bearer token: `ZitadelAuthGuard` treats it as `@Public()`.
 *
 * @param options the route's own keys (or a key resolver), tolerance, replay guard and payload
 *   type; the rest comes from the module option `actions`.
 * @example
 * \@ZitadelAction() \@Post('events') onEvent(@ZitadelActionPayload() event: ZitadelEventPayload) {}
 */
export function ZitadelAction(options: ZitadelActionOptions = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(ZitadelActionMetadata(options), Public(), UseGuards(ZitadelActionGuard));
}
