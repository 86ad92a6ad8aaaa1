import {
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
  type ExecutionContext,
  type HttpException,
} from '@nestjs/common';
import { isRecord } from '../../shared/is-record.js';
import { extractBearerToken } from '../bearer-token.js';
import { paramsOf, requestOf, type ZitadelRequest } from '../request-context.js';
import { connectionToken, socketRefusal, ZitadelConnection } from './connection.js';
import type { GuardRefusal, GuardTransport } from './guard-transport.js';
import type { WsUpgradeRequest } from './ws-transport.js';

/** graphql-ws's per-socket context (`Context`): read structurally, graphql-ws is not imported. */
export interface GraphqlWsContextLike {
  readonly connectionInitReceived: boolean;
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly extra?: unknown;
}

/** One view per graphql-ws socket: its context object lives as long as the socket. */
const subscriptions = new WeakMap<object, ZitadelConnection>();

const isGraphqlWsContext = (value: unknown): value is GraphqlWsContextLike =>
  isRecord(value) && typeof value['connectionInitReceived'] === 'boolean' && 'extra' in value;

/**
 * The connection view of a graphql-ws socket: the token from `connectionParams.authorization`
 * (`Bearer <token>`, or the token alone), else `connectionParams.token`, else the upgrade
 * request's `Authorization` header. The string `connectionParams` count as headers too (lower-cased),
 * for `@Roles({ org: { header } })`.
 */
export function graphqlWsConnection(context: GraphqlWsContextLike): ZitadelConnection {
  let connection = subscriptions.get(context);
  if (connection === undefined) {
    const params = isRecord(context.connectionParams) ? context.connectionParams : {};
    const extra = isRecord(context.extra) ? context.extra : {};
    const upgrade = isRecord(extra['request']) ? (extra['request'] as unknown as WsUpgradeRequest) : undefined;
    const headers: Record<string, string | string[] | undefined> = { ...upgrade?.headers };
    for (const [name, value] of Object.entries(params))
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    const credential = params['authorization'] ?? params['Authorization'] ?? params['token'];
    connection = new ZitadelConnection(headers, upgrade?.rawHeaders, credential, {});
    subscriptions.set(context, connection);
  }
  return connection;
}

/** The graphql-ws context behind a subscription's GraphQL context (`req`, Nest's default, or the context itself). */
function subscriptionOf(context: ExecutionContext): GraphqlWsContextLike | undefined {
  const gqlContext = context.getArgByIndex<unknown>(2);
  if (!isRecord(gqlContext)) return undefined;
  const req = gqlContext['req'];
  if (isGraphqlWsContext(req)) return req;
  return isGraphqlWsContext(gqlContext) ? gqlContext : undefined;
}

/**
 * GraphQL: queries and mutations over HTTP as {@link httpTransport} reads them; subscriptions over
 * graphql-ws from the socket's `connectionParams`, their user kept per socket. Refusals are HTTP
 * exceptions; a subscription's carry GraphQL `extensions` too (see {@link subscriptionRefusal}).
 */
export const graphqlTransport: GuardTransport = {
  request(context): ZitadelRequest | undefined {
    const subscription = subscriptionOf(context);
    return subscription === undefined ? requestOf(context) : graphqlWsConnection(subscription);
  },
  token: (request) => (request instanceof ZitadelConnection ? connectionToken(request) : extractBearerToken(request)),
  params: (request, context) => paramsOf(context, request),
  refuse: (refusal, context) => (subscriptionOf(context) === undefined ? undefined : subscriptionRefusal(refusal)),
};

/**
 * A subscription's refusal: the HTTP exception, with GraphQL `extensions` (graphql-ws sends no
 * HTTP status): `code` (`UNAUTHENTICATED`, `FORBIDDEN`, `SERVICE_UNAVAILABLE`), `status` and
 * `reason` (as over WebSockets: `unauthenticated`, `invalid_token`, `forbidden`, `unavailable`).
 */
function subscriptionRefusal(refusal: GuardRefusal): HttpException {
  const { code: reason, message } = socketRefusal(refusal);
  const [exception, code] =
    reason === 'forbidden'
      ? [new ForbiddenException(message), 'FORBIDDEN']
      : reason === 'unavailable'
        ? [new ServiceUnavailableException(message), 'SERVICE_UNAVAILABLE']
        : [new UnauthorizedException(message), 'UNAUTHENTICATED'];
  return Object.assign(exception, { extensions: { code, status: exception.getStatus(), reason } });
}
