import { Inject } from '@nestjs/common';

/** Internal token of the validated configuration (`ResolvedZitadelConfig`). */
export const ZITADEL_CONFIG = Symbol('ZITADEL_CONFIG');

/** Injects the validated configuration. */
export const InjectZitadelConfig = (): ParameterDecorator => Inject(ZITADEL_CONFIG);
