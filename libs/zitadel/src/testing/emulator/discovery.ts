import { jsonResponse, textResponse, type EmulatorResponse } from './http-exchange.js';

/** Paths of ZITADEL's OpenID endpoints, as its discovery document advertises them. */
export const OIDC_PATHS = {
  discovery: '/.well-known/openid-configuration',
  authorize: '/oauth/v2/authorize',
  token: '/oauth/v2/token',
  introspect: '/oauth/v2/introspect',
  revoke: '/oauth/v2/revoke',
  jwks: '/oauth/v2/keys',
  deviceAuthorization: '/oauth/v2/device_authorization',
  userinfo: '/oidc/v1/userinfo',
  endSession: '/oidc/v1/end_session',
} as const;

const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** The OpenID Provider Configuration (`/.well-known/openid-configuration`) of a ZITADEL instance. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: issuer + OIDC_PATHS.authorize,
    token_endpoint: issuer + OIDC_PATHS.token,
    introspection_endpoint: issuer + OIDC_PATHS.introspect,
    userinfo_endpoint: issuer + OIDC_PATHS.userinfo,
    revocation_endpoint: issuer + OIDC_PATHS.revoke,
    end_session_endpoint: issuer + OIDC_PATHS.endSession,
    device_authorization_endpoint: issuer + OIDC_PATHS.deviceAuthorization,
    jwks_uri: issuer + OIDC_PATHS.jwks,
    scopes_supported: ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'],
    response_types_supported: ['code', 'id_token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: [
      'authorization_code',
      'implicit',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    request_object_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ['RS256'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: ['RS256'],
    claims_supported: [
      'sub',
      'aud',
      'exp',
      'iat',
      'iss',
      'auth_time',
      'nonce',
      'acr',
      'amr',
      'c_hash',
      'at_hash',
      'act',
      'scopes',
      'client_id',
      'azp',
      'preferred_username',
      'name',
      'family_name',
      'given_name',
      'locale',
      'email',
      'email_verified',
      'phone_number',
      'phone_number_verified',
    ],
    code_challenge_methods_supported: ['S256'],
    ui_locales_supported: [
      'bg',
      'cs',
      'de',
      'en',
      'es',
      'fr',
      'hu',
      'id',
      'it',
      'ja',
      'ko',
      'mk',
      'nl',
      'pl',
      'pt',
      'ru',
      'sv',
      'zh',
    ],
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
  };
}

/** `GET /.well-known/openid-configuration`. */
export function discoveryEndpoint(issuer: string): EmulatorResponse {
  return jsonResponse(200, discoveryDocument(issuer), { 'cache-control': 'max-age=300' });
}

/** `/oidc/v1/end_session`: advertised like ZITADEL's; the emulator has no browser session to end. */
export function endSessionEndpoint(): EmulatorResponse {
  return textResponse(200, 'Logged out.');
}

/** `/oauth/v2/authorize`: advertised like ZITADEL's; the emulator has no login UI. */
export function authorizeEndpoint(): EmulatorResponse {
  return textResponse(400, 'The ZITADEL emulator has no login: issue user tokens with ZitadelEmulator.issueToken().');
}
