// The public API of nestjs-zitadel: every export is named here on purpose.
export { ZitadelModule } from './zitadel.module.js';
export {
  ZITADEL_MODULE_OPTIONS,
  InjectZitadelOptions,
  type ZitadelModuleRootOptions,
  type ZitadelModuleAsyncOptions,
} from './zitadel.module-definition.js';
export type {
  ZitadelModuleOptions,
  ServiceUserCredentials,
  ApiApplicationCredentials,
  KeyFileSource,
  KeyJsonSource,
  ClientSecretCredentials,
  TokenValidationMode,
  ZitadelHttpOptions,
  TokenCacheOptions,
  IntrospectionOptions,
  IntrospectionCacheOptions,
  ZitadelKeyvStore,
  JwtValidationOptions,
  DiscoveryOptions,
  ZitadelApiOptions,
  ZitadelApiCodec,
} from './config/zitadel-options.interface.js';
export { ZITADEL_CLOCK, InjectZitadelClock, type ZitadelClock } from './shared/clock.js';
export type { ServiceUserKey, ApplicationKey } from './keys/key-file.types.js';

export { TokenService, type AccessTokenRequest } from './token/token.service.js';
export { ZitadelScopes } from './token/zitadel-scopes.js';

// Token exchange (RFC 8693), the actor of impersonated calls, and the exception filter for handlers.
export type {
  TokenExchangeRequest,
  TokenExchangeResult,
  SubjectTokenType,
  ActorTokenType,
  RequestedTokenType,
} from './token/token-exchange.js';
export { ZitadelTokenExchangeError, type TokenExchangeRefusal } from './errors/token-exchange.error.js';
export type { ZitadelActor } from './auth/zitadel-user.js';
export { ZitadelExceptionFilter } from './exceptions/zitadel-exception.filter.js';

export { ZitadelManagementClient, type ZitadelUserService } from './management/zitadel-management.client.js';
export type {
  ZitadelApiMethod,
  ZitadelApiRequest,
  ZitadelCallOptions,
  ZitadelSearchRequest,
} from './management/zitadel-api-request.js';
export type * as ManagementApi from './management/management-api.types.js';
export type * as UserServiceApi from './management/user-service-api.types.js';

export { ZitadelApi } from './api/zitadel-api.js';
export { orgContext } from './api/org-context.js';
export type { ZitadelListCall, ZitadelListItem, ZitadelPaginateOptions } from './api/list-pages.js';

export { IntrospectionService } from './introspection/introspection.service.js';
export { JwtVerifier } from './jwt/jwt-verifier.js';
export { JwksCache } from './jwt/jwks-cache.js';
export type { IntrospectionResult } from './introspection/introspection-result.js';

export { ZitadelAuthGuard, type RoutePolicy } from './auth/auth.guard.js';
export { ZitadelTokenValidator } from './auth/token-validator.js';
export {
  ZitadelUser,
  type ZitadelUserField,
  type ZitadelRoles,
  type ZitadelResourceOwner,
  type ZitadelTokenSource,
} from './auth/zitadel-user.js';
export { Public } from './auth/public.decorator.js';
export {
  Roles,
  getRolesRequirement,
  type RolesOptions,
  type RolesRequirement,
  type OrgSource,
} from './auth/roles.decorator.js';
export { CurrentUser } from './auth/current-user.decorator.js';
export type { ZitadelRequest } from './auth/request-context.js';
// Microservices (README "Microservices"): what a refused caller reads, and the token rules for a custom extractToken.
export type { ZitadelRpcRefusal } from './auth/transports/rpc-refusal.js';
export { bearerTokenOf } from './auth/transports/bearer-token-of.js';
export {
  zitadelSocketIoMiddleware,
  zitadelGraphqlWsOnConnect,
  type SocketIoNext,
} from './auth/transports/handshake.js';
export type {
  ZitadelSocketOptions,
  ZitadelSocketRefusal,
  ZitadelSocketRefusalCode,
} from './auth/transports/connection.js';
export type { SocketIoSocketLike, WsUpgradeRequest } from './auth/transports/ws-transport.js';
export type { GraphqlWsContextLike } from './auth/transports/graphql-transport.js';

export { ZitadelError, type ZitadelErrorCode } from './errors/zitadel.error.js';
export { ZitadelConfigurationError, type ConfigurationIssue } from './errors/configuration.error.js';
export { ZitadelKeyFileError } from './errors/key-file.error.js';
export { ZitadelDiscoveryError } from './errors/discovery.error.js';
export { ZitadelUnavailableError } from './errors/unavailable.error.js';
export { ZitadelOAuthError } from './errors/oauth.error.js';
export { ZitadelAssertionRejectedError } from './errors/assertion-rejected.error.js';
export { ZitadelResponseError } from './errors/response.error.js';
export { ZitadelDependencyMissingError } from './errors/dependency-missing.error.js';
export { ZitadelTokenInvalidError, type TokenRejection } from './errors/token-invalid.error.js';
export {
  ZitadelApiError,
  ZitadelNotFoundError,
  ZitadelAlreadyExistsError,
  ZitadelPermissionDeniedError,
  ZitadelUnauthenticatedError,
  ZitadelInvalidArgumentError,
  ZitadelFailedPreconditionError,
  ZitadelResourceExhaustedError,
  ZitadelApiUnavailableError,
  type ZitadelApiErrorKind,
  type ZitadelConnectCode,
  type ZitadelErrorDetail,
} from './errors/management-api.error.js';

// Actions v2: ZITADEL's signed calls to targets.
export {
  verifyZitadelSignature,
  ZITADEL_SIGNATURE_HEADER,
  type VerifySignatureOptions,
  type VerifiedZitadelSignature,
} from './actions/verify-signature.js';
export { ZitadelAction } from './actions/zitadel-action.decorator.js';
export { ZitadelActionPayload } from './actions/action-payload.decorator.js';
export { useZitadelActionBodyParser, type ZitadelActionBodyParserOptions } from './actions/action-body-parser.js';
export type { ZitadelActionOptions, ZitadelPayloadType } from './actions/zitadel-action.options.js';
export type {
  ZitadelEventPayload,
  ZitadelRequestCallPayload,
  ZitadelResponseCallPayload,
  ZitadelFunctionName,
  ZitadelFunctionContext,
  ZitadelSamlFunctionContext,
  ZitadelFunctionUserGrant,
} from './actions/action-payloads.js';
export {
  zitadelFunctionAnswer,
  zitadelForwardedError,
  type ZitadelFunctionAnswer,
  type ZitadelFunctionAnswerParts,
  type ZitadelSamlFunctionAnswer,
  type ZitadelAppendClaim,
  type ZitadelSetUserMetadata,
  type ZitadelForwardedError,
} from './actions/action-answers.js';
export type {
  ZitadelActionsOptions,
  ZitadelSigningKeys,
  ZitadelActionCallRequest,
  ZitadelReplayGuardOptions,
} from './config/zitadel-options.interface.js';
export { ZitadelSignatureError, type SignatureRejection, type SignaturePart } from './errors/signature.error.js';
