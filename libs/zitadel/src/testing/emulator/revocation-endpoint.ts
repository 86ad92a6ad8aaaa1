import { appKeyLookup } from './key-lookup.js';
import { parseClientCredentials, type ClientCredentials } from './client-authentication.js';
import type { EmulatorContext } from './emulator-context.js';
import { secretMatches, type AppRecord } from './emulator-store.js';
import { parseForm } from './form.js';
import type { EmulatorRequest, EmulatorResponse } from './http-exchange.js';
import { AssertionRejected, parseAssertion, verifyJwtAssertion } from './jwt-profile-assertion.js';
import { invalidRequest, OAuthFailure } from './oauth-errors.js';

/**
 * `POST /oauth/v2/revoke` (RFC 7009). ZITADEL authenticates the caller as an OIDC client
 * (`Server.VerifyClient`): API applications are not OIDC clients and are refused with
 * `invalid_client`. A token that is unknown, inactive or issued to another client is left alone
 * and the answer is still 200.
 */
export function revocationEndpoint(request: EmulatorRequest, context: EmulatorContext): EmulatorResponse {
  try {
    const form = parseForm(request);
    const client = verifyOidcClient(parseClientCredentials(form, request.headers), context);
    const token = form.get('token');
    if (token === '') throw invalidRequest('token missing');
    const record = context.tokens.resolve(token);
    if (record !== undefined && record.clientId === client.clientId) record.revoked = true;
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: '' };
  } catch (error) {
    if (error instanceof OAuthFailure) return error.toResponse();
    throw error;
  }
}

/** ZITADEL's client verification for OIDC applications, with its `invalid_client` descriptions. */
function verifyOidcClient(credentials: ClientCredentials, context: EmulatorContext): AppRecord {
  let clientId = credentials.clientId;
  if (credentials.clientAssertion !== '') {
    try {
      clientId = parseAssertion(credentials.clientAssertion).issuer;
    } catch (error) {
      if (error instanceof AssertionRejected) throw new OAuthFailure(400, 'invalid_client');
      throw error;
    }
  }
  const app = context.store.appByClientId(clientId);
  if (app?.kind !== 'oidc') throw new OAuthFailure(400, 'invalid_client', 'no active client not found');
  if (app.authMethod === 'client_secret_basic') {
    if (credentials.clientSecret === '') throw new OAuthFailure(400, 'invalid_client', 'empty client secret');
    if (!secretMatches(app.secretHash, credentials.clientSecret))
      throw new OAuthFailure(400, 'invalid_client', 'invalid secret');
  } else if (app.authMethod === 'private_key_jwt') {
    if (credentials.clientAssertion === '') throw new OAuthFailure(400, 'invalid_client', 'empty client assertion');
    try {
      const nowMs = context.clock.now();
      verifyJwtAssertion(credentials.clientAssertion, context.issuer, appKeyLookup(app, nowMs), nowMs);
    } catch (error) {
      if (error instanceof AssertionRejected) throw new OAuthFailure(400, 'invalid_client', 'invalid assertion');
      throw error;
    }
  }
  return app;
}
