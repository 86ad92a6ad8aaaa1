import { Logger } from '@nestjs/common';
import { ZitadelTokenInvalidError } from '../../errors/token-invalid.error.js';
import { ZitadelError } from '../../errors/zitadel.error.js';
import { describeError } from '../../shared/describe-error.js';
import type { ZitadelTokenValidator } from '../token-validator.js';
import { connectionToken, socketRefusal, type ZitadelConnection, type ZitadelSocketOptions } from './connection.js';
import { graphqlWsConnection, type GraphqlWsContextLike } from './graphql-transport.js';
import type { GuardRefusal } from './guard-transport.js';
import { socketIoConnection, type SocketIoSocketLike } from './ws-transport.js';

const logger = new Logger('ZitadelAuthGuard');

/**
 * Checks the token of a connection when it opens, and keeps its user on the connection for the
 * guard (reused until the token's `exp`). `undefined` when the connection may open.
 * Uses the validator directly: a guard subclass's `resolveUser` is not consulted here.
 */
export async function checkConnection(
  validator: ZitadelTokenValidator,
  connection: ZitadelConnection,
): Promise<GuardRefusal | undefined> {
  try {
    const token = connectionToken(connection);
    if (token === undefined) return { kind: 'missing-token' };
    connection.user = await validator.validate(token);
    return undefined;
  } catch (error) {
    if (error instanceof ZitadelTokenInvalidError) return { kind: 'invalid-token', error };
    const reason = error instanceof ZitadelError ? error.message : describeError(error);
    logger.warn(`Access token of a connection not checked, refusing it as unavailable: ${reason}`);
    return { kind: 'unavailable' };
  }
}

/** socket.io's `next` of a middleware: an error (with `data`) refuses the connection. */
export type SocketIoNext = (error?: Error & { data?: unknown }) => void;

/**
 * A socket.io middleware that refuses unauthenticated sockets at the handshake, so they never
 * connect: the client gets `connect_error` with `message` and `data` ({@link ZitadelSocketRefusal}:
 * `code` `unauthenticated`, `invalid_token` or `unavailable`). The user it resolves is kept for the
 * socket, so `ZitadelAuthGuard` does not ask again before the token's `exp`. Register it in the
 * gateway's `afterInit(server)`; `options` also apply to the guard's reading of the socket.
 *
 * @example
 * \@WebSocketGateway()
 * export class EventsGateway implements OnGatewayInit {
 *   constructor(private readonly validator: ZitadelTokenValidator) {}
 *   afterInit(server: Server) {
 *     server.use(zitadelSocketIoMiddleware(this.validator, { disconnectOnRefusal: true }));
 *   }
 * }
 */
export function zitadelSocketIoMiddleware(
  validator: ZitadelTokenValidator,
  options: ZitadelSocketOptions = {},
): (socket: SocketIoSocketLike, next: SocketIoNext) => void {
  return (socket, next) => {
    void checkConnection(validator, socketIoConnection(socket, options)).then((refusal) => {
      if (refusal === undefined) return next();
      const body = socketRefusal(refusal);
      return next(Object.assign(new Error(body.message), { data: body }));
    });
  };
}

/** WebSocket close codes of a refused graphql-ws connection. */
const GRAPHQL_WS_CLOSE = { unauthenticated: 4401, invalid_token: 4401, forbidden: 4403, unavailable: 1013 } as const;

/**
 * graphql-ws's `onConnect` that refuses a subscription socket without a valid token in
 * `connectionParams` (`authorization: 'Bearer <token>'`, or `token`): the socket is closed with
 * 4401 and the reason `unauthenticated` or `invalid_token`, or 1013 (try again later) and
 * `unavailable` when ZITADEL cannot be asked. The user is kept for the socket, so the guard checks
 * each subscription without asking ZITADEL again before the token's `exp`.
 *
 * @example
 * GraphQLModule.forRootAsync<ApolloDriverConfig>({
 *   driver: ApolloDriver,
 *   inject: [ZitadelTokenValidator],
 *   useFactory: (validator: ZitadelTokenValidator) => ({
 *     autoSchemaFile: true,
 *     subscriptions: { 'graphql-ws': { onConnect: zitadelGraphqlWsOnConnect(validator) } },
 *   }),
 * })
 */
export function zitadelGraphqlWsOnConnect(
  validator: ZitadelTokenValidator,
): (context: GraphqlWsContextLike) => Promise<boolean> {
  return async (context) => {
    const refusal = await checkConnection(validator, graphqlWsConnection(context));
    if (refusal === undefined) return true;
    const { code } = socketRefusal(refusal);
    const extra = context.extra as { socket?: { close?: (code: number, reason: string) => void } } | undefined;
    // Closed here with a code that tells the reason; graphql-ws's own close (4403) then finds it closing.
    extra?.socket?.close?.(GRAPHQL_WS_CLOSE[code], code);
    return false;
  };
}
