import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import type { ZitadelRequest } from './request-context.js';

/** Longest access token accepted, in characters. ZITADEL's JWTs with many role claims stay far below. */
export const MAX_TOKEN_LENGTH = 8192;

/** RFC 6750 §2.1: `Bearer` 1*SP b64token. Exactly one token; optional trailing spaces. */
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/**
 * The bearer token of a request's `Authorization` header (RFC 6750 §2.1). Never read from the
 * query string or the body.
 *
 * @returns the token, or `undefined` when the request carries no bearer credentials at all (no
 *   header, or another scheme such as `Basic`).
 * @throws {ZitadelTokenInvalidError} (`malformed`) the header is repeated, or its bearer
 *   credentials are not exactly one well-formed token of at most {@link MAX_TOKEN_LENGTH} characters.
 */
export function extractBearerToken(request: ZitadelRequest | undefined): string | undefined {
  const header = request?.headers['authorization'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || countAuthorizationHeaders(request) > 1)
    throw new ZitadelTokenInvalidError('malformed');
  if (!BEARER_SCHEME.test(header)) return undefined;
  if (header.length > MAX_TOKEN_LENGTH + 64) throw new ZitadelTokenInvalidError('malformed');
  const token = BEARER_CREDENTIALS.exec(header)?.[1];
  if (token === undefined || token.length > MAX_TOKEN_LENGTH) throw new ZitadelTokenInvalidError('malformed');
  return token;
}

/** Node keeps only the first of repeated `Authorization` headers; the raw list shows them all. */
function countAuthorizationHeaders(request: ZitadelRequest | undefined): number {
  const raw = request?.rawHeaders ?? request?.raw?.rawHeaders;
  if (raw === undefined) return 1;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // Clients send one of the two usual spellings: compared as they are, lower-cased only otherwise.
    if (name === 'authorization' || name === 'Authorization') count++;
    else if (name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') count++;
  }
  return count;
}
