import { Logger, type ExecutionContext } from '@nestjs/common';
import { extractBearerToken } from '../bearer-token.js';
import type { ZitadelRequest } from '../request-context.js';
import { isRecord } from '../../shared/is-record.js';
import type { GuardTransport } from './guard-transport.js';
import { rpcHeadersOf } from './rpc-headers.js';
import { rpcRefusal } from './rpc-refusal.js';

/**
 * The request-shaped view of each call, by the object Nest hands the handler as its context (the
 * gRPC `Metadata`, a `TcpContext`, a `KafkaContext`...; the data when there is none): built once,
 * found again by `@CurrentUser()`, and gone with the call.
 */
const views = new WeakMap<object, ZitadelRequest>();

const logger = new Logger('ZitadelAuthGuard');

/**
 * Microservices (`@MessagePattern`, `@EventPattern`, gRPC methods): the `authorization` header of
 * the transport's metadata (see {@link rpcHeadersOf}), the message's fields as `params`, the user
 * kept beside the call's context, refusals as `RpcException` (gRPC: with a gRPC status code).
 * A call over a transport without headers carries no token unless the guard's `extractToken` is
 * overridden to find one (README, "Microservices").
 */
export const rpcTransport: GuardTransport = {
  request(context: ExecutionContext): ZitadelRequest | undefined {
    const key = keyOf(context);
    if (key === undefined) return undefined;
    let view = views.get(key);
    if (view === undefined) {
      const data: unknown = context.getArgByIndex(0);
      view = { headers: rpcHeadersOf(context.getArgByIndex(1)) ?? {}, params: isRecord(data) ? data : undefined };
      views.set(key, view);
    }
    return view;
  },
  token: (request) => extractBearerToken(request),
  params: (request) => request?.params,
  refuse(refusal, context) {
    if (isEventHandler(context)) {
      // Nobody hears an event's answer: the refusal is logged (its kind and the handler, never the token).
      logger.warn(
        `Refused an event for ${context.getClass().name}.${context.getHandler().name}: ${refusal.kind === 'invalid-token' ? refusal.error.message : refusal.kind}; the handler did not run`,
      );
    }
    return rpcRefusal(refusal, context.getArgByIndex(1));
  },
};

/** What the call's view is kept by: its context object, else its data object. */
function keyOf(context: ExecutionContext): object | undefined {
  for (const index of [1, 0]) {
    const arg: unknown = context.getArgByIndex(index);
    if ((typeof arg === 'object' && arg !== null) || typeof arg === 'function') return arg as object;
  }
  return undefined;
}

/** `@EventPattern` marks its handler so (`PatternHandler.EVENT` under `microservices:handler_type`). */
function isEventHandler(context: ExecutionContext): boolean {
  return Reflect.getMetadata?.('microservices:handler_type', context.getHandler()) === 2;
}
