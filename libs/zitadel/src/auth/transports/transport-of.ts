import type { ExecutionContext } from '@nestjs/common';
import { graphqlTransport } from './graphql-transport.js';
import type { GuardTransport } from './guard-transport.js';
import { httpTransport } from './http-transport.js';
import { rpcTransport } from './rpc-transport.js';
import { wsTransport } from './ws-transport.js';

/** The transports the guard knows, by `context.getType()`. */
const TRANSPORTS: Readonly<Record<string, GuardTransport>> = {
  http: httpTransport,
  rpc: rpcTransport,
  graphql: graphqlTransport,
  ws: wsTransport,
};

/** How to read a call of the context's transport; a transport the guard does not know carries no token. */
export function transportOf(context: ExecutionContext): GuardTransport {
  return TRANSPORTS[context.getType<string>()] ?? httpTransport;
}
