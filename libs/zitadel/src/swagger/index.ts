// nestjs-zitadel/swagger: the OpenAPI document of ZitadelAuthGuard's routes, for @nestjs/swagger users.
export { createZitadelDocument, type ZitadelOpenApiOptions } from './zitadel-document.js';
export type { GuardedRoutes } from './guarded-routes.js';
