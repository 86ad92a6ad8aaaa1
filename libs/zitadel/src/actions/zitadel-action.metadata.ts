import { Reflector } from '@nestjs/core';
import type { ZitadelActionOptions } from './zitadel-action.options.js';

/** The options of `@ZitadelAction()` on a route or controller (`zitadel:action`). */
export const ZitadelActionMetadata = Reflector.createDecorator<ZitadelActionOptions>({ key: 'zitadel:action' });
