import { ZitadelTokenInvalidError } from '../../errors/token-invalid.error.js';
import { extractBearerToken } from '../bearer-token.js';

/**
 * The token of an `Authorization` value (`Bearer <token>`), by the guard's rules: exactly one
 * well-formed token of at most 8192 characters. For a guard subclass whose `extractToken` reads
 * the credentials from somewhere the transport has no header for (a field of a TCP or Redis
 * message, a custom transport).
 *
 * @returns the token, or `undefined` when `authorization` is `undefined` or another scheme.
 * @throws {ZitadelTokenInvalidError} (`malformed`) the value is not a string or not one
 *   well-formed bearer token: the guard answers it as a refused token.
 * @example
 * protected override extractToken(request: ZitadelRequest | undefined, context: ExecutionContext) {
 *   if (context.getType() !== 'rpc') return super.extractToken(request, context);
 *   return bearerTokenOf(context.switchToRpc().getData<{ authorization?: unknown }>().authorization);
 * }
 */
export function bearerTokenOf(authorization: unknown): string | undefined {
  if (authorization === undefined) return undefined;
  if (typeof authorization !== 'string') throw new ZitadelTokenInvalidError('malformed');
  return extractBearerToken({ headers: { authorization } });
}
