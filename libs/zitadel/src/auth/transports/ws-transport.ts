import type { IncomingHttpHeaders } from 'node:http';
import type { ExecutionContext } from '@nestjs/common';
import { isRecord } from '../../shared/is-record.js';
import { connectionToken, socketRefusal, ZitadelConnection, type ZitadelSocketOptions } from './connection.js';
import type { GuardTransport } from './guard-transport.js';

/** What the guard reads of a socket.io socket (structurally: socket.io is not imported). */
export interface SocketIoSocketLike {
  readonly handshake: {
    readonly headers: IncomingHttpHeaders;
    readonly auth?: unknown;
    readonly query?: unknown;
  };
  /** The handshake's HTTP request, for its raw header list. */
  readonly request?: { readonly rawHeaders?: readonly string[] };
}

/** The HTTP upgrade request of a `ws` connection. */
export interface WsUpgradeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders?: readonly string[];
  readonly url?: string;
}

/** Each client's connection view: socket.io sockets and `ws` clients are objects that live as long as their connection. */
const connections = new WeakMap<object, ZitadelConnection>();

const isSocketIo = (client: unknown): client is SocketIoSocketLike =>
  typeof client === 'object' && client !== null && 'handshake' in client && isRecord(client.handshake);

/**
 * The connection view of a socket.io socket, built at the first call (or by the handshake
 * middleware, with its options): the token from `auth.token`, else the `Authorization` header,
 * else, only if `options.tokenQueryParameter` allows it, that query parameter.
 */
export function socketIoConnection(socket: SocketIoSocketLike, options: ZitadelSocketOptions = {}): ZitadelConnection {
  let connection = connections.get(socket);
  if (connection === undefined) {
    const { headers, auth, query } = socket.handshake;
    let credential = isRecord(auth) ? auth['token'] : undefined;
    const parameter = options.tokenQueryParameter;
    if (credential === undefined && headers.authorization === undefined && parameter !== undefined && isRecord(query))
      credential = query[parameter];
    connection = new ZitadelConnection(headers, socket.request?.rawHeaders, credential, options);
    connections.set(socket, connection);
  }
  return connection;
}

/**
 * The connection view of a `ws` upgrade request: the token from the `Authorization` header, else,
 * only if `options.tokenQueryParameter` allows it, that query parameter.
 */
export function wsUpgradeConnection(request: WsUpgradeRequest, options: ZitadelSocketOptions = {}): ZitadelConnection {
  const parameter = options.tokenQueryParameter;
  let credential: string | undefined;
  if (request.headers.authorization === undefined && parameter !== undefined && request.url !== undefined) {
    credential = new URL(request.url, 'http://localhost').searchParams.get(parameter) ?? undefined;
  }
  return new ZitadelConnection(request.headers, request.rawHeaders, credential, options);
}

/** Makes `connection` the view of a `ws` client (Nest's `ws` adapter does not keep the upgrade request). */
export function bindWsConnection(client: object, connection: ZitadelConnection): void {
  connections.set(client, connection);
}

/** The view of a client: socket.io's from its handshake, `ws`'s as bound by `ZitadelWsAdapter`, else one without credentials. */
function connectionOf(client: unknown): ZitadelConnection | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  if (isSocketIo(client)) return socketIoConnection(client);
  let connection = connections.get(client);
  if (connection === undefined) {
    // A `ws` client whose upgrade request nobody recorded (the plain `WsAdapter`): no token.
    connection = new ZitadelConnection({}, undefined, undefined, {});
    connections.set(client, connection);
  }
  return connection;
}

/** socket.io `disconnect(true)`, `ws` close 1008 (policy violation). */
function disconnect(client: unknown, reason: string): void {
  if (typeof client !== 'object' || client === null) return;
  const closable = client as { disconnect?: (close: boolean) => void; close?: (code: number, reason: string) => void };
  if (typeof closable.disconnect === 'function') closable.disconnect(true);
  else if (typeof closable.close === 'function') closable.close(1008, reason);
}

/**
 * WebSocket gateways (`@nestjs/websockets`, socket.io and `ws` adapters): the token of the
 * connection's handshake, the message payload's fields as parameters, the user kept per
 * connection, refusals as `WsException` (loaded when first needed: an optional peer).
 */
export const wsTransport: GuardTransport = {
  request: (context: ExecutionContext) => connectionOf(context.getArgByIndex<unknown>(0)),
  token: (request) => (request instanceof ZitadelConnection ? connectionToken(request) : undefined),
  params: (_request, context) => {
    const data = context.getArgByIndex<unknown>(1);
    return isRecord(data) ? data : undefined;
  },
  async refuse(refusal, context) {
    const { WsException } = await import('@nestjs/websockets');
    const body = socketRefusal(refusal);
    const client = context.getArgByIndex<unknown>(0);
    // After the exception filter has sent the `exception` event, which happens in this same turn.
    if (connectionOf(client)?.options.disconnectOnRefusal === true) setImmediate(() => disconnect(client, body.code));
    return new WsException(body);
  },
};
