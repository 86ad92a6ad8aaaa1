import type { Secret } from '../config/secret.js';
import { signAssertion } from '../keys/assertion.js';
import type { SigningKey } from '../keys/signing-key.js';

/** How a client proves itself at the token, introspection or revocation endpoint. */
export type ClientAuthentication =
  | { readonly method: 'client_secret_basic'; readonly clientId: string; readonly clientSecret: Secret }
  | { readonly method: 'private_key_jwt'; readonly key: SigningKey };

/** Header and form fields that authenticate one request. They are credentials: never log them. */
export interface ClientAuthenticationParts {
  readonly headers: Record<string, string>;
  readonly form: Record<string, string>;
}

const JWT_BEARER_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The form-url-encoding of RFC 6749 Appendix B, which `client_secret_basic` applies to id and
 * secret before base64 (so `@` becomes `%40`, `!` becomes `%21`), as ZITADEL's docs require.
 */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * Headers already computed, per secret object (never keyed by the secret's text): the header is
 * the same for every request with the same credentials, so it is encoded once, not per
 * introspection. Weak, so a secret no longer configured takes its header with it.
 */
const basicHeaders = new WeakMap<Secret, { readonly clientId: string; readonly header: string }>();

/** `Authorization` header value for `client_secret_basic` (RFC 6749 §2.3.1), computed once per id and secret object. */
export function basicAuthorization(clientId: string, clientSecret: Secret): string {
  const known = basicHeaders.get(clientSecret);
  if (known !== undefined && known.clientId === clientId) return known.header;
  const pair = `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret.reveal())}`;
  const header = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  basicHeaders.set(clientSecret, { clientId, header });
  return header;
}

/** Builds the parts that authenticate a request, signing a fresh assertion for `private_key_jwt`. */
export async function authenticateClient(
  auth: ClientAuthentication,
  issuer: string,
  nowMs: number,
): Promise<ClientAuthenticationParts> {
  if (auth.method === 'client_secret_basic') {
    return { headers: { authorization: basicAuthorization(auth.clientId, auth.clientSecret) }, form: {} };
  }
  return {
    headers: {},
    form: {
      client_assertion_type: JWT_BEARER_CLIENT_ASSERTION,
      client_assertion: await signAssertion(auth.key, issuer, Math.floor(nowMs / 1000)),
    },
  };
}
