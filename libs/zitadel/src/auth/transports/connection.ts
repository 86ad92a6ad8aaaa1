import { ZitadelTokenInvalidError } from '../../errors/token-invalid.error.js';
import { extractBearerToken } from '../bearer-token.js';
import type { ZitadelRequest } from '../request-context.js';
import type { GuardRefusal } from './guard-transport.js';

/**
 * Options of a WebSocket connection's authentication, given to the handshake helpers
 * (`zitadelSocketIoMiddleware`, `ZitadelWsAdapter`). Without a helper, the defaults apply.
 */
export interface ZitadelSocketOptions {
  /**
   * Also read the token from this query parameter of the handshake URL when the client sends none
   * in `auth.token` or the `Authorization` header (browsers' native `WebSocket` cannot set headers).
   * Off by default: URLs end up in proxy and access logs, browser history and `Referer` headers, so
   * a token there can leak; prefer socket.io's `auth.token` or a short-lived token.
   * @default undefined (never read from the query)
   */
  readonly tokenQueryParameter?: string;
  /**
   * Close the connection after a refusal (the client still receives the `exception` event
   * first): socket.io `disconnect(true)`, `ws` close code 1008 (policy violation).
   * @default false
   */
  readonly disconnectOnRefusal?: boolean;
}

/**
 * A request-shaped view of one long-lived connection (a WebSocket, a GraphQL subscription
 * socket): the same object for every message, so the user the guard puts on it is reused until
 * its token's `exp` (see `ZitadelAuthGuard`). The token is read once, when the view is built.
 */
export class ZitadelConnection implements ZitadelRequest {
  /** Where the guard puts the verified user; kept for the connection. */
  user?: unknown;

  constructor(
    /** The handshake's headers (lower-case names), for the token and `@Roles({ org: { header } })`. */
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    /** The handshake's raw header list, to see repeated `Authorization` headers. */
    readonly rawHeaders: readonly string[] | undefined,
    /** A token given outside the headers (socket.io `auth.token`, `connectionParams`, an allowed query parameter), not checked yet. */
    readonly credential: unknown,
    readonly options: ZitadelSocketOptions,
  ) {}
}

/**
 * The access token of a connection: its `credential` (a raw token or `Bearer <token>`) if it has
 * one, else the `Authorization: Bearer` header of its handshake; `undefined` when it carries none.
 *
 * @throws {ZitadelTokenInvalidError} (`malformed`) as for a header (see `extractBearerToken`), or
 *   the credential is not a string.
 */
export function connectionToken(connection: ZitadelConnection): string | undefined {
  const credential = connection.credential;
  if (credential === undefined || credential === null) return extractBearerToken(connection);
  if (typeof credential !== 'string' || credential === '') throw new ZitadelTokenInvalidError('malformed');
  const authorization = /^Bearer /i.test(credential) ? credential : `Bearer ${credential}`;
  return extractBearerToken({ headers: { authorization } });
}

/** Why a WebSocket call or handshake is refused, as the client receives it. */
export type ZitadelSocketRefusalCode = 'unauthenticated' | 'invalid_token' | 'forbidden' | 'unavailable';

/**
 * The body of a refusal over a WebSocket: the `exception` event's payload (socket.io, `ws`), the
 * `data` of a socket.io `connect_error`. `unavailable` means ZITADEL could not be asked: retry
 * later, the token may well be fine.
 */
export interface ZitadelSocketRefusal {
  readonly status: 'error';
  readonly code: ZitadelSocketRefusalCode;
  /** A fixed sentence: never the token or anything else from the client. */
  readonly message: string;
}

/** The client's view of a guard refusal. */
export function socketRefusal(refusal: GuardRefusal): ZitadelSocketRefusal {
  switch (refusal.kind) {
    case 'missing-token':
      return { status: 'error', code: 'unauthenticated', message: 'Missing bearer token' };
    case 'invalid-token':
      // The descriptions are fixed sentences (see ZitadelTokenInvalidError).
      return { status: 'error', code: 'invalid_token', message: refusal.error.message };
    case 'missing-role':
      return { status: 'error', code: 'forbidden', message: 'Missing role' };
    case 'unavailable':
      return { status: 'error', code: 'unavailable', message: 'Access tokens cannot be checked right now' };
  }
}
