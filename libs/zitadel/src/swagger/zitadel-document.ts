import type { INestApplication } from '@nestjs/common';
import { DECORATORS, SwaggerModule, type OpenAPIObject, type SwaggerDocumentOptions } from '@nestjs/swagger';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { ZITADEL_CONFIG } from '../config/zitadel-config.token.js';
import { collectRoutes, type GuardedRoutes, type ZitadelRoute } from './guarded-routes.js';
import { bearerScheme, guardAnswers } from './openapi-answers.js';

/** Options of {@link createZitadelDocument}. */
export interface ZitadelOpenApiOptions {
  /** The name of the security scheme, in `components.securitySchemes` and each requirement. @default 'bearer' (the name `@ApiBearerAuth()` uses) */
  readonly schemeName?: string;
  /**
   * Which routes the guard runs on. `'auto'`: those of an `APP_GUARD` provider that is
   * `ZitadelAuthGuard` (or a subclass) and those with `@UseGuards(ZitadelAuthGuard)`; `'all'`:
   * every route (for `app.useGlobalGuards(new ZitadelAuthGuard(...))`, which Nest does not expose).
   * @default 'auto'
   */
  readonly guardedRoutes?: GuardedRoutes;
}

/** Set on each handler while the document is built, so every operation names the handler it came from. */
const MARKER = 'x-nestjs-zitadel-route';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'search', 'query'] as const;

type Operation = Record<string, unknown> & {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
};

/**
 * `SwaggerModule.createDocument`, plus what `ZitadelAuthGuard` does, read from `@Public` and
 * `@Roles`: the bearer scheme (with `bearerFormat: JWT` only under `tokenValidation: 'jwt'`);
 * on every guarded route the security requirement and the answers 401 and 503, and with `@Roles`
 * 403 naming the roles and where an organisation-scoped role's organisation comes from; public
 * routes without the requirement. Answers a route declares itself (`@ApiForbiddenResponse(...)`)
 * are kept. Routes the guard does not run on are left as they are.
 *
 * @param app an app importing `ZitadelModule`, after `NestFactory.create` (`init` not needed).
 * @param config the `DocumentBuilder().build()` result, as for `SwaggerModule.createDocument`.
 * @param options passed on to `SwaggerModule.createDocument`.
 * @throws {TypeError} the app does not import `ZitadelModule`.
 * @example
 * SwaggerModule.setup('docs', app, () => createZitadelDocument(app, new DocumentBuilder().setTitle('API').build()));
 */
export function createZitadelDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  options: SwaggerDocumentOptions = {},
  zitadel: ZitadelOpenApiOptions = {},
): OpenAPIObject {
  const schemeName = zitadel.schemeName ?? 'bearer';
  if (typeof schemeName !== 'string' || schemeName === '')
    throw new TypeError('"schemeName" must be a non-empty string');
  let resolved: ResolvedZitadelConfig;
  try {
    resolved = app.get<ResolvedZitadelConfig>(ZITADEL_CONFIG, { strict: false });
  } catch {
    throw new TypeError('createZitadelDocument needs an app that imports ZitadelModule');
  }
  const routes = collectRoutes(app, zitadel.guardedRoutes ?? 'auto');
  const byHandler = new Map<ZitadelRoute['handler'], ZitadelRoute[]>();
  for (const route of routes) byHandler.set(route.handler, [...(byHandler.get(route.handler) ?? []), route]);
  const handlers = [...byHandler.keys()];

  const document = withMarkers(handlers, () => SwaggerModule.createDocument(app, config, options));

  const scheme = bearerScheme(resolved.tokenValidation);
  document.components = {
    ...document.components,
    securitySchemes: { ...document.components?.securitySchemes, [schemeName]: scheme },
  };
  const globalSecurity = (document.security ?? []).length > 0;
  for (const operation of operationsOf(document)) {
    const id = operation[MARKER];
    delete operation[MARKER];
    const handler = typeof id === 'number' ? handlers[id] : undefined;
    const route = handler === undefined ? undefined : pick(byHandler.get(handler) ?? [], operation);
    if (route === undefined || !route.guarded) continue;
    const others = (operation.security ?? []).filter((requirement) => !(schemeName in requirement));
    if (route.policy.public) {
      if (others.length > 0 || globalSecurity) operation.security = others;
      else delete operation.security;
      continue;
    }
    operation.security = [...others, { [schemeName]: [] }];
    operation.responses = { ...guardAnswers(route.policy.roles), ...operation.responses };
  }
  return document;
}

/** Builds the document with each handler's `x-` extension metadata marked, and puts it back as it was. */
function withMarkers(handlers: readonly object[], build: () => OpenAPIObject): OpenAPIObject {
  const saved = handlers.map((handler) => ({
    handler,
    had: Reflect.hasOwnMetadata(DECORATORS.API_EXTENSION, handler),
    value: Reflect.getOwnMetadata(DECORATORS.API_EXTENSION, handler) as Record<string, unknown> | undefined,
  }));
  try {
    saved.forEach(({ handler, value }, index) =>
      Reflect.defineMetadata(DECORATORS.API_EXTENSION, { ...value, [MARKER]: index }, handler),
    );
    return build();
  } finally {
    for (const { handler, had, value } of saved) {
      if (had) Reflect.defineMetadata(DECORATORS.API_EXTENSION, value, handler);
      else Reflect.deleteMetadata(DECORATORS.API_EXTENSION, handler);
    }
  }
}

function* operationsOf(document: OpenAPIObject): Generator<Operation> {
  for (const group of [document.paths, document.webhooks ?? {}]) {
    for (const item of Object.values(group) as Record<string, unknown>[]) {
      for (const method of METHODS) {
        const operation = item[method];
        if (typeof operation === 'object' && operation !== null) yield operation as Operation;
      }
    }
  }
}

/**
 * The route of an operation. One handler function shared by several controllers (inherited from a
 * base class) is told apart by the operation id Swagger derives from the controller's name.
 */
function pick(candidates: readonly ZitadelRoute[], operation: Operation): ZitadelRoute | undefined {
  if (candidates.length <= 1) return candidates[0];
  const id = operation.operationId ?? '';
  return candidates.find((route) => id.startsWith(`${route.controller.name}_`)) ?? candidates[0];
}
