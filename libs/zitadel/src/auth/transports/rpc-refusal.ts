import type { GuardRefusal } from './guard-transport.js';

/**
 * What a microservice caller receives when the guard refuses its call: the error object of the
 * `RpcException` (a Nest `ClientProxy` gets it as the error of `send`). Over gRPC the caller
 * gets a gRPC status instead: `code` 16 UNAUTHENTICATED, 7 PERMISSION_DENIED or 14 UNAVAILABLE,
 * `details` the message, and this `code` in the trailer `zitadel-error`.
 */
export interface ZitadelRpcRefusal {
  /** The HTTP status the same refusal has over HTTP. */
  readonly status: 401 | 403 | 503;
  /** No token; a refused token; a missing role; ZITADEL could not be asked. */
  readonly code: 'unauthenticated' | 'invalid_token' | 'forbidden' | 'unavailable';
  /** A fixed sentence: never the token. */
  readonly message: string;
}

/** gRPC status codes (grpc/status.proto) of the refusals. */
const GRPC_CODES: Readonly<Record<ZitadelRpcRefusal['code'], number>> = {
  unauthenticated: 16,
  invalid_token: 16,
  forbidden: 7,
  unavailable: 14,
};

/** The trailer naming the refusal's `code` to a gRPC caller (the status alone cannot tell a missing token from a bad one). */
const GRPC_TRAILER = 'zitadel-error';

type RpcExceptionClass = new (error: object) => Error;
let rpcException: Promise<RpcExceptionClass> | undefined;

/** `RpcException`, loaded at the first refusal: `@nestjs/microservices` is an optional peer, present whenever a call is `rpc`. */
function loadRpcException(): Promise<RpcExceptionClass> {
  rpcException ??= import('@nestjs/microservices').then((module) => module.RpcException as RpcExceptionClass);
  return rpcException;
}

/** The refusal as the caller reads it. */
function describeRefusal(refusal: GuardRefusal): ZitadelRpcRefusal {
  switch (refusal.kind) {
    case 'missing-token':
      return { status: 401, code: 'unauthenticated', message: 'Missing bearer token' };
    case 'invalid-token':
      // The descriptions are fixed sentences (see ZitadelTokenInvalidError): nothing from the call.
      return { status: 401, code: 'invalid_token', message: refusal.error.message };
    case 'missing-role':
      return { status: 403, code: 'forbidden', message: 'Missing role' };
    case 'unavailable':
      return { status: 503, code: 'unavailable', message: 'Access tokens cannot be checked right now' };
  }
}

/**
 * The `RpcException` for a refusal. `rpcContext` is the handler's second argument: for gRPC the
 * call's `Metadata`, and then the exception carries what Nest's gRPC server hands grpc-js as the
 * call's status (a numeric `code`, `details`, trailing `metadata`).
 */
export async function rpcRefusal(refusal: GuardRefusal, rpcContext: unknown): Promise<Error> {
  const RpcException = await loadRpcException();
  const answer = describeRefusal(refusal);
  if (!isGrpcMetadata(rpcContext)) return new RpcException({ ...answer });
  return new RpcException({
    code: GRPC_CODES[answer.code],
    message: answer.message,
    details: answer.message,
    status: answer.status,
    ...grpcTrailers(rpcContext, answer.code),
  });
}

interface MetadataLike {
  set(key: string, value: string): void;
}

/** The call's `Metadata` (grpc-js), by shape. */
function isGrpcMetadata(rpcContext: unknown): rpcContext is object {
  if (typeof rpcContext !== 'object' || rpcContext === null) return false;
  const candidate = rpcContext as Record<string, unknown>;
  return typeof candidate['getMap'] === 'function' && typeof candidate['get'] === 'function';
}

/**
 * `{ metadata }`: a new, empty `Metadata` of the call's own class (so no `@grpc/grpc-js` import)
 * holding the trailer; nothing if that class cannot make one. Never a copy of the call's
 * metadata: that would send its `authorization` back.
 */
function grpcTrailers(rpcContext: object, code: ZitadelRpcRefusal['code']): { metadata?: MetadataLike } {
  try {
    const Metadata = rpcContext.constructor as new () => Partial<MetadataLike>;
    const trailers = new Metadata();
    if (typeof trailers.set !== 'function') return {};
    trailers.set(GRPC_TRAILER, code);
    return { metadata: trailers as MetadataLike };
  } catch {
    return {};
  }
}
