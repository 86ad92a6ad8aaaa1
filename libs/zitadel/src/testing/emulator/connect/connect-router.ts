import { gunzipSync } from 'node:zlib';
import { isRecord } from '../../../shared/is-record.js';
import type { EmulatorContext } from '../emulator-context.js';
import { jsonResponse, textResponse, type EmulatorRequest, type EmulatorResponse } from '../http-exchange.js';
import { GrpcCode, GrpcFailure } from '../management/grpc-status.js';
import { managementState } from '../management/management-state.js';
import { ProtoMessage } from '../management/proto-json.js';
import { connectError, connectFailure } from './connect-error.js';
import type { EmulatedConnectService } from './connect-service.js';
import { binaryCodec, BinaryCodecUnavailable } from './proto-codec.js';
import { CONNECT_SERVICES } from './services.js';

/** Largest request message the emulator reads (after decompression): its own limit, not ZITADEL's. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Connect unary content types (`application/json[; charset=utf-8]`, `application/proto`), as connect-es matches them. */
const UNARY_CONTENT_TYPE = /^application\/(?:(json)(?:; ?charset=utf-?8)?|(proto))$/i;
const ACCEPT_POST = 'application/json, application/proto';

function serviceOf(path: string): EmulatedConnectService | undefined {
  const typeName = path.split('/')[1] ?? '';
  return CONNECT_SERVICES.find((service) => service.typeName === typeName);
}

/** Whether a path belongs to a service the emulator serves over Connect (`/{typeName}/...`). */
export function isConnectPath(path: string): boolean {
  return serviceOf(path) !== undefined;
}

/**
 * A Connect unary call (`POST /{typeName}/{Method}`) as ZITADEL's connect-go handlers answer it:
 * an unknown method is `http.NotFound` (404, which Connect clients read as `unimplemented`); another
 * HTTP method is 405 with `Allow: POST`; a content type other than Connect's unary JSON or proto
 * is 415 with `Accept-Post`; a `Connect-Protocol-Version` other than `1` is `invalid_argument`
 * (the header itself is optional, as ZITADEL does not require it); a gzip body is inflated.
 * The message is read with the REST calls' proto3-JSON reader (binary messages are first turned
 * into JSON with the `@zitadel/proto` descriptor, loaded on first use), the method runs with
 * ZITADEL's authorisation and checks, and a thrown `GrpcFailure` becomes Connect's error body.
 */
export async function handleConnectCall(request: EmulatorRequest, context: EmulatorContext): Promise<EmulatorResponse> {
  const service = serviceOf(request.path);
  const segments = request.path.split('/');
  const methodName = segments[2] ?? '';
  const endpoint =
    service !== undefined && segments.length === 3 && Object.hasOwn(service.methods, methodName)
      ? service.methods[methodName]
      : undefined;
  if (service === undefined || endpoint === undefined) return textResponse(404, '404 page not found\n');
  if (request.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: '' };
  const contentType = UNARY_CONTENT_TYPE.exec(headerValue(request, 'content-type'));
  if (contentType === null) return { status: 415, headers: { 'accept-post': ACCEPT_POST }, body: '' };
  const binary = contentType[2] !== undefined;

  try {
    const version = headerValue(request, 'connect-protocol-version');
    if (version !== '' && version !== '1')
      return connectError(
        GrpcCode.invalidArgument,
        `Connect-Protocol-Version must be "1": got "${version.slice(0, 40)}"`,
      );
    const bytes = readMessageBytes(request);
    if (bytes instanceof GrpcFailure) return connectError(bytes.code, bytes.message);
    let fields: unknown;
    let encode: ((json: unknown) => Uint8Array) | undefined;
    if (binary) {
      const codec = await binaryCodec(service.typeName, methodName);
      if (codec === undefined) return textResponse(404, '404 page not found\n');
      try {
        fields = codec.decode(bytes);
      } catch (error) {
        return connectError(GrpcCode.invalidArgument, `unmarshal message: ${describe(error)}`);
      }
      encode = codec.encode;
    } else {
      const parsed = parseJson(bytes);
      if (parsed instanceof GrpcFailure) return connectError(parsed.code, parsed.message);
      fields = parsed;
    }
    const answer = endpoint({
      request,
      context,
      state: managementState(context.store, context.clock),
      body: new ProtoMessage(isRecord(fields) ? fields : {}, ''),
      params: {},
    });
    if (encode === undefined) return jsonResponse(200, answer);
    return { status: 200, headers: { 'content-type': 'application/proto' }, body: Buffer.from(encode(answer)) };
  } catch (error) {
    if (error instanceof GrpcFailure) return connectFailure(error);
    if (error instanceof BinaryCodecUnavailable) return connectError(GrpcCode.unimplemented, error.message);
    throw error;
  }
}

/** The body, inflated when `Content-Encoding: gzip`; a failure is `invalid_argument`/`unimplemented`/`resource_exhausted`. */
function readMessageBytes(request: EmulatorRequest): Buffer | GrpcFailure {
  const encoding = headerValue(request, 'content-encoding').toLowerCase();
  let bytes = request.body;
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_MESSAGE_BYTES + 1 });
    } catch {
      return new GrpcFailure(GrpcCode.invalidArgument, 'decompress: invalid gzip body');
    }
  } else if (encoding !== '' && encoding !== 'identity') {
    return new GrpcFailure(
      GrpcCode.unimplemented,
      `unknown compression "${encoding.slice(0, 40)}": supported encodings are gzip`,
    );
  }
  if (bytes.length > MAX_MESSAGE_BYTES)
    return new GrpcFailure(
      GrpcCode.resourceExhausted,
      `message size is larger than configured max ${MAX_MESSAGE_BYTES}`,
    );
  return bytes;
}

/** A JSON request message as connect-go's codec reads it: an empty body or anything but an object is `invalid_argument`. */
function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0)
    return new GrpcFailure(
      GrpcCode.invalidArgument,
      'unmarshal message: zero-length payload is not a valid JSON object',
    );
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return new GrpcFailure(GrpcCode.invalidArgument, 'unmarshal message: proto: syntax error: invalid JSON');
  }
  if (!isRecord(value))
    return new GrpcFailure(
      GrpcCode.invalidArgument,
      'unmarshal message: proto: syntax error: the body is not a JSON object',
    );
  return value;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : 'invalid message').slice(0, 200);
}

function headerValue(request: EmulatorRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}
