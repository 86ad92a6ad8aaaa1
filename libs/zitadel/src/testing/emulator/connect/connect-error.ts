import type { EmulatorResponse } from '../http-exchange.js';
import { jsonResponse } from '../http-exchange.js';
import { HTTP_STATUS, type GrpcFailure } from '../management/grpc-status.js';

/** Connect's names of the gRPC codes (`code.go`'s `String`), as the error body writes them. */
const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'canceled',
  2: 'unknown',
  3: 'invalid_argument',
  4: 'deadline_exceeded',
  5: 'not_found',
  6: 'already_exists',
  7: 'permission_denied',
  8: 'resource_exhausted',
  9: 'failed_precondition',
  10: 'aborted',
  11: 'out_of_range',
  12: 'unimplemented',
  13: 'internal',
  14: 'unavailable',
  15: 'data_loss',
  16: 'unauthenticated',
};

/** The type of ZITADEL's error detail, without `type.googleapis.com/` (Connect's wire form). */
const ERROR_DETAIL_TYPE = 'zitadel.v1.ErrorDetail';

/** A Connect error that is not a ZITADEL error: a code and a message, no details (connect-go's own errors). */
export function connectError(code: number, message: string): EmulatorResponse {
  return jsonResponse(HTTP_STATUS[code] ?? 500, { code: CODE_NAMES[code] ?? 'unknown', message });
}

/**
 * A failed call as ZITADEL's Connect handlers answer it: `ZITADELToConnectError` turns a ZITADEL
 * error into code + `"<key> (<id>)"` with one `zitadel.v1.ErrorDetail` (connect-go writes a
 * detail as `{type, value: base64 of the message, debug: its JSON}`); an error raised outside
 * ZITADEL's code (validation, a missing header) keeps its message and has no details.
 */
export function connectFailure(failure: GrpcFailure): EmulatorResponse {
  if (failure.id === undefined) return connectError(failure.code, failure.message);
  const detail = { id: failure.id, message: failure.key };
  return jsonResponse(HTTP_STATUS[failure.code] ?? 500, {
    code: CODE_NAMES[failure.code] ?? 'unknown',
    message: failure.message,
    details: [
      { type: ERROR_DETAIL_TYPE, value: errorDetailBytes(detail).toString('base64').replace(/=+$/, ''), debug: detail },
    ],
  });
}

/** `zitadel.v1.ErrorDetail` in the protobuf binary format: `id` (field 1) and `message` (field 2), both strings. */
function errorDetailBytes(detail: { readonly id: string; readonly message: string }): Buffer {
  const parts: Buffer[] = [];
  for (const [tag, value] of [
    [0x0a, detail.id],
    [0x12, detail.message],
  ] as const) {
    if (value === '') continue;
    const bytes = Buffer.from(value, 'utf8');
    parts.push(Buffer.from([tag]), varint(bytes.length), bytes);
  }
  return Buffer.concat(parts);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
