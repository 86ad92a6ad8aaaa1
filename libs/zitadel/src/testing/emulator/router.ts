import { handleConnectCall, isConnectPath } from './connect/connect-router.js';
import { authorizeEndpoint, discoveryEndpoint, endSessionEndpoint, OIDC_PATHS } from './discovery.js';
import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorEndpoint } from './emulator.types.js';
import { jsonResponse, textResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import { introspectionEndpoint } from './introspection-endpoint.js';
import { isManagementPath, managementEndpoint } from './management-endpoints.js';
import { revocationEndpoint } from './revocation-endpoint.js';
import { tokenEndpoint } from './token-endpoint.js';
import { userinfoEndpoint } from './userinfo-endpoint.js';

const ENDPOINTS: ReadonlyMap<string, EmulatorEndpoint> = new Map([
  [OIDC_PATHS.discovery, 'discovery'],
  [OIDC_PATHS.jwks, 'jwks'],
  [OIDC_PATHS.token, 'token'],
  [OIDC_PATHS.introspect, 'introspect'],
  [OIDC_PATHS.revoke, 'revoke'],
  [OIDC_PATHS.userinfo, 'userinfo'],
  [OIDC_PATHS.authorize, 'authorize'],
  [OIDC_PATHS.endSession, 'end_session'],
]);

/**
 * Which endpoint a path belongs to (exact paths, as ZITADEL's router matches them). Calls to the
 * v2 services served over Connect (`/{typeName}/...`) count as `management`, like the REST calls:
 * they are ZITADEL's APIs, faulted and logged together.
 */
export function endpointOf(path: string): EmulatorEndpoint {
  return ENDPOINTS.get(path) ?? (isConnectPath(path) || isManagementPath(path) ? 'management' : 'other');
}

/**
 * Answers a request to an endpoint. Like ZITADEL's router, the OpenID endpoints take any method;
 * their parameters are read as Go reads a form (url-encoded body of POST/PUT/PATCH, query). The
 * Connect services come before the REST routes (their paths never overlap).
 */
export function route(
  endpoint: EmulatorEndpoint,
  request: EmulatorRequest,
  context: EmulatorContext,
): EmulatorResponse | Promise<EmulatorResponse> {
  switch (endpoint) {
    case 'discovery':
      return discoveryEndpoint(context.issuer);
    case 'jwks':
      return jsonResponse(200, context.keys.jwks(), { 'cache-control': 'max-age=300, must-revalidate' });
    case 'token':
      return tokenEndpoint(request, context);
    case 'introspect':
      return introspectionEndpoint(request, context);
    case 'revoke':
      return revocationEndpoint(request, context);
    case 'userinfo':
      return userinfoEndpoint(request, context);
    case 'authorize':
      return authorizeEndpoint();
    case 'end_session':
      return endSessionEndpoint();
    case 'management':
      return isConnectPath(request.path) ? handleConnectCall(request, context) : managementEndpoint(request, context);
    case 'other':
      return textResponse(404, '404 page not found\n');
  }
}
