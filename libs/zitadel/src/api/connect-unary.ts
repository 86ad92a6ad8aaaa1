import type { DescMessage, DescMethodUnary, Message } from '@bufbuild/protobuf';
import type { CallOptions } from '@connectrpc/connect';
import type { ZitadelApiCodec } from '../config/zitadel-options.interface.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { sendAuthorized, type AuthorizedExchangeContext } from '../http/authorized-exchange.js';
import type { ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import { remoteText } from '../shared/remote-text.js';
import { readConnectError } from './connect-error.js';
import { isRepeatable } from './method-idempotency.js';
import type { LazyProtobuf, ProtobufRuntime } from './protobuf-runtime.js';

/** What every unary call of `ZitadelApi` shares. */
export interface ConnectUnaryContext {
  /** The issuer without a trailing slash: calls go to `{issuer}/{service.typeName}/{method.name}`. */
  readonly issuer: string;
  readonly codec: ZitadelApiCodec;
  readonly protobuf: LazyProtobuf;
  readonly exchange: AuthorizedExchangeContext;
}

const CONTENT_TYPES: Readonly<Record<ZitadelApiCodec, string>> = {
  json: 'application/json',
  binary: 'application/proto',
};
/** Headers the library sets; a caller's headers cannot replace them. */
const OWN_HEADERS = new Set([
  'authorization',
  'content-type',
  'accept',
  'connect-protocol-version',
  'connect-timeout-ms',
]);

/**
 * One unary call over the Connect protocol (POST, `application/json` or `application/proto`),
 * through the library's HTTP client (timeouts, retries, body cap) with the service user's token.
 * The request may be a message or a partial init, as with Connect's own clients.
 *
 * @throws {ZitadelApiError} ZITADEL answered a Connect error (a subclass per kind).
 * @throws {ZitadelUnavailableError} no answer: network failure, `http.timeoutMs` on every attempt,
 *   or the call's `timeoutMs`.
 * @throws {ZitadelResponseError} a 200 answer that is not the method's output message, or too large.
 * @throws the caller's `signal.reason` when it aborts the call.
 */
export async function callUnary<I extends DescMessage, O extends DescMessage>(
  context: ConnectUnaryContext,
  method: DescMethodUnary<I, O>,
  request: unknown,
  options: CallOptions = {},
): Promise<Message> {
  const protobuf = await context.protobuf.load();
  const path = `/${method.parent.typeName}/${method.name}`;
  const endpoint = `POST ${path}`;
  const message = protobuf.isMessage(request, method.input)
    ? request
    : protobuf.create(method.input, request as Parameters<typeof protobuf.create<I>>[1]);
  const headers: Record<string, string> = {};
  new Headers(options.headers).forEach((value, name) => {
    if (!OWN_HEADERS.has(name)) headers[name] = value;
  });
  headers['content-type'] = CONTENT_TYPES[context.codec];
  headers['connect-protocol-version'] = '1';

  const deadline =
    options.timeoutMs !== undefined && options.timeoutMs > 0 ? AbortSignal.timeout(options.timeoutMs) : undefined;
  if (deadline !== undefined) headers['connect-timeout-ms'] = String(options.timeoutMs);
  const signals = [options.signal, deadline].filter((signal) => signal !== undefined);
  let response: ZitadelHttpResponse;
  try {
    response = await sendAuthorized(context.exchange, {
      method: 'POST',
      url: `${context.issuer}${path}`,
      endpoint,
      headers,
      body:
        context.codec === 'json'
          ? JSON.stringify(protobuf.toJson(method.input, message))
          : protobuf.toBinary(method.input, message),
      idempotent: isRepeatable(method),
      ...(signals.length === 0 ? {} : { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }),
    });
  } catch (error) {
    if (deadline?.aborted === true && options.signal?.aborted !== true) {
      throw new ZitadelUnavailableError(
        `ZITADEL ${endpoint} did not answer within ${options.timeoutMs} ms (the call's timeoutMs)`,
        undefined,
        { cause: error },
      );
    }
    throw error;
  }
  if (response.status !== 200) throw readConnectError(response, endpoint);
  options.onHeader?.(response.headers);
  const output = decode(protobuf, context.codec, method.output, response, endpoint);
  options.onTrailer?.(trailersOf(response.headers));
  return output;
}

function decode(
  protobuf: ProtobufRuntime,
  codec: ZitadelApiCodec,
  schema: DescMessage,
  response: ZitadelHttpResponse,
  endpoint: string,
): Message {
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith(CONTENT_TYPES[codec])) {
    throw new ZitadelResponseError(
      `ZITADEL ${endpoint} answered 200 with content type "${remoteText(type, 60)}", not ${CONTENT_TYPES[codec]}`,
      response.status,
    );
  }
  const invalid = (what: string) =>
    new ZitadelResponseError(
      `ZITADEL ${endpoint} answered 200 with ${what}, not a ${schema.typeName}`,
      response.status,
    );
  if (codec === 'binary') {
    try {
      return protobuf.fromBinary(schema, response.bytes ?? new TextEncoder().encode(response.body));
    } catch {
      throw invalid('malformed protobuf');
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw invalid('malformed JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('JSON that is not an object');
  try {
    return protobuf.fromJson(schema, json as Parameters<typeof protobuf.fromJson>[1], { ignoreUnknownFields: true });
  } catch {
    throw invalid('JSON whose fields do not match');
  }
}

/** Connect sends a unary call's trailers as `trailer-` prefixed headers. */
function trailersOf(headers: Headers): Headers {
  const trailers = new Headers();
  headers.forEach((value, name) => {
    if (name.startsWith('trailer-')) trailers.set(name.slice('trailer-'.length), value);
  });
  return trailers;
}
