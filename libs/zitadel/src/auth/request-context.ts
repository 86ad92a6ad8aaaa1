import type { ExecutionContext } from '@nestjs/common';

/** What the guard reads from a request: Express and Fastify requests both fit. */
export interface ZitadelRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Node's raw header list (Express), to see repeated `Authorization` headers. */
  readonly rawHeaders?: readonly string[];
  /** Fastify's underlying Node request. */
  readonly raw?: { readonly rawHeaders?: readonly string[] };
  readonly params?: Readonly<Record<string, unknown>>;
  /** Where the guard puts the verified {@link ZitadelUser}. */
  user?: unknown;
}

/**
 * The HTTP request behind an execution context: the request itself for HTTP, the GraphQL
 * context's `req` (or `request`) for GraphQL; `undefined` elsewhere (RPC, WebSockets).
 *
 * Reads the arguments directly: no `@nestjs/graphql` import (it is an optional peer), no
 * allocation per call.
 */
export function requestOf(context: ExecutionContext): ZitadelRequest | undefined {
  const type = context.getType<string>();
  if (type === 'http') return context.getArgByIndex<ZitadelRequest | undefined>(0);
  if (type === 'graphql') {
    const gqlContext = context.getArgByIndex<{ req?: ZitadelRequest; request?: ZitadelRequest } | undefined>(2);
    return gqlContext?.req ?? gqlContext?.request;
  }
  return undefined;
}

/** The HTTP response (Express) or reply (Fastify), when the context has one. */
export function responseOf(context: ExecutionContext): unknown {
  const type = context.getType<string>();
  if (type === 'http') return context.getArgByIndex<unknown>(1);
  if (type === 'graphql') {
    const gqlContext = context.getArgByIndex<{ res?: unknown; reply?: unknown } | undefined>(2);
    return gqlContext?.res ?? gqlContext?.reply;
  }
  return undefined;
}

/** The resolver's arguments in GraphQL, otherwise the route parameters. */
export function paramsOf(
  context: ExecutionContext,
  request: ZitadelRequest | undefined,
): Readonly<Record<string, unknown>> | undefined {
  if (context.getType<string>() === 'graphql') return context.getArgByIndex<Record<string, unknown> | undefined>(1);
  return request?.params;
}
