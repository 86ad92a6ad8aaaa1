import type { ExecutionContext } from '@nestjs/common';
import type { ZitadelTokenInvalidError } from '../../errors/token-invalid.error.js';
import type { ZitadelRequest } from '../request-context.js';

/** Why the guard refuses a call; each transport turns it into its own kind of answer. */
export type GuardRefusal =
  | { readonly kind: 'missing-token' }
  | { readonly kind: 'invalid-token'; readonly error: ZitadelTokenInvalidError }
  | { readonly kind: 'missing-role' }
  | { readonly kind: 'unavailable' };

/**
 * How the guard reads one Nest transport (`context.getType()`): where the token and the
 * organisation come from, where the user is kept for `@CurrentUser()`, and what a refusal is.
 * The policy (`@Public`, `@Roles`, validation, fail closed) is the guard's and the same for all.
 */
export interface GuardTransport {
  /**
   * A request-shaped view of the call: its headers (token source), `params` and the `user` slot.
   * The same object for every call of a connection where the transport has connections, so a
   * user put there stays for the connection. `undefined` when the call carries nothing to read.
   */
  request(context: ExecutionContext): ZitadelRequest | undefined;
  /**
   * The access token of the call, `undefined` when it carries none.
   *
   * @throws {ZitadelTokenInvalidError} the credentials are malformed (a refusal `invalid-token`).
   */
  token(request: ZitadelRequest | undefined, context: ExecutionContext): string | undefined;
  /** Named values an organisation-scoped `@Roles({ org: { param } })` reads: route parameters, resolver arguments, a message's fields. */
  params(request: ZitadelRequest | undefined, context: ExecutionContext): Readonly<Record<string, unknown>> | undefined;
  /**
   * What the guard throws for a refusal. Absent, or `undefined` for this call: HTTP exceptions
   * (401 with `WWW-Authenticate`, 403, 503), which is what HTTP and GraphQL answer.
   */
  refuse?(refusal: GuardRefusal, context: ExecutionContext): Error | undefined | Promise<Error | undefined>;
}
