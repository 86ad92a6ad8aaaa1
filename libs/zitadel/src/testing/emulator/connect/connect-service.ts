import type { Endpoint } from '../management/call.js';

/**
 * A v2 service the emulator serves over the Connect protocol: its fully qualified proto name and
 * its unary methods by their proto names. A method is an {@link Endpoint} like the REST calls:
 * it gets the request message (proto3 JSON, the same shape grpc-gateway reads) and answers the
 * response message, or throws a `GrpcFailure` that the Connect router turns into Connect's error
 * body (`{"code":"not_found","message":"...","details":[...]}`) and HTTP status.
 */
export interface EmulatedConnectService {
  /** e.g. `zitadel.user.v2.UserService`: requests go to `/{typeName}/{Method}`. */
  readonly typeName: string;
  readonly methods: Readonly<Record<string, Endpoint>>;
}
