import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { parseJsonRecord } from '../shared/is-record.js';

/** One segment of a JWS compact serialisation: unpadded base64url (RFC 7515 §2, §7.1). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * The cheap checks of a JWT before anything is fetched: three non-empty unpadded base64url
 * segments, a header and a payload that decode to JSON objects, and a header naming RS256 (the
 * only algorithm ZITADEL signs access tokens with). Junk that passes the bearer syntax thus costs
 * no discovery, no JWKS request and no signature check, however many of it a client sends, and
 * however ZITADEL is doing.
 *
 * @throws {ZitadelTokenInvalidError} `malformed` for a token that cannot be a JWT, `invalid` for
 *   a JWT of another algorithm.
 */
export function assertJwtShape(token: string): void {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) !== -1) throw new ZitadelTokenInvalidError('malformed');
  const header = token.slice(0, first);
  const payload = token.slice(first + 1, second);
  const signature = token.slice(second + 1);
  const decodedHeader = decodeSegment(header);
  if (decodedHeader === undefined || decodeSegment(payload) === undefined)
    throw new ZitadelTokenInvalidError('malformed');
  // Before the signature's own shape: an unsigned `alg: none` token is a forgery, not junk.
  if (decodedHeader['alg'] !== 'RS256') throw new ZitadelTokenInvalidError('invalid');
  if (!SEGMENT.test(signature)) throw new ZitadelTokenInvalidError('malformed');
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!SEGMENT.test(segment)) return undefined;
  return parseJsonRecord(Buffer.from(segment, 'base64url').toString('utf8'));
}
