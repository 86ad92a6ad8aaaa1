import type { IncomingHttpHeaders } from 'node:http';
import { queryUnescape, type Form } from './form.js';
import { invalidRequest, OAuthFailure } from './oauth-errors.js';

/** `client_assertion_type` of `private_key_jwt` (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The client credentials of a request, before they are checked against anything. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientAssertion: string;
  readonly clientAssertionType: string;
}

/**
 * Reads the client credentials of a request as ZITADEL's OpenID library does
 * (`webServer.parseClientCredentials`): form fields `client_id`, `client_secret`,
 * `client_assertion`, `client_assertion_type`, or a Basic header whose id and secret are each
 * form-url-decoded (RFC 6749 §2.3.1), which takes precedence. One method per request.
 *
 * @throws {OAuthFailure} `invalid_request` or `invalid_client`, with ZITADEL's descriptions.
 */
export function parseClientCredentials(form: Form, headers: IncomingHttpHeaders): ClientCredentials {
  let clientId = form.get('client_id');
  let clientSecret = form.get('client_secret');
  const clientAssertion = form.get('client_assertion');
  const clientAssertionType = form.get('client_assertion_type');
  const assertionAuth = clientAssertion !== '' && clientAssertionType !== '';
  const secretAuth = clientSecret !== '' && clientId !== '';
  if (assertionAuth && secretAuth) throw invalidRequest('client authentication must not use more than one method');

  const basic = basicAuth(headers['authorization']);
  if (basic !== undefined) {
    if (assertionAuth || secretAuth) throw invalidRequest('client authentication must not use more than one method');
    const id = queryUnescape(basic.user);
    const secret = queryUnescape(basic.password);
    if (id === undefined || secret === undefined)
      throw new OAuthFailure(400, 'invalid_client', 'invalid basic auth header');
    clientId = id;
    clientSecret = secret;
  }
  if (clientId === '' && clientAssertion === '') throw invalidRequest('client_id or client_assertion must be provided');
  if (clientAssertion !== '' && clientAssertionType !== CLIENT_ASSERTION_TYPE_JWT_BEARER) {
    throw invalidRequest(`invalid client_assertion_type ${clientAssertionType}`);
  }
  return { clientId, clientSecret, clientAssertion, clientAssertionType };
}

/**
 * Go's `http.Request.BasicAuth`: the scheme is case-insensitive, the credentials strict standard
 * base64 with a `:`; anything else counts as no Basic header at all.
 */
function basicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const encoded = header.slice(6);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
