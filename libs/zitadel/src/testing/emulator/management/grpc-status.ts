import { jsonResponse, type EmulatorResponse } from '../http-exchange.js';

/** gRPC status codes ZITADEL's APIs answer with. */
export const GrpcCode = {
  invalidArgument: 3,
  notFound: 5,
  alreadyExists: 6,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

/** grpc-gateway's `HTTPStatusFromCode`; Connect's `codeToHTTP` is the same table. */
export const HTTP_STATUS: Readonly<Record<number, number>> = {
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

const ERROR_DETAIL_TYPE = 'type.googleapis.com/zitadel.v1.ErrorDetail';

/**
 * A failed call as ZITADEL's gRPC gateway answers it. A ZITADEL error (`zerrors`) carries an id
 * and an i18n key: `ZITADELToGRPCError` makes the status message `"<key> (<id>)"` and adds a
 * `zitadel.v1.ErrorDetail` with both. Errors raised outside ZITADEL's code (request validation,
 * the gateway's routing, a missing header) have no id and no details.
 *
 * ZITADEL translates the key into the instance's default language before answering
 * (`TranslationHandler`); the emulator leaves the key untranslated, as ZITADEL does for a key it
 * has no text for. Ids prefixed `EMU-` are the emulator's own where ZITADEL's id was not checked.
 */
export class GrpcFailure extends Error {
  constructor(
    readonly code: number,
    readonly key: string,
    readonly id?: string,
  ) {
    super(id === undefined ? key : `${key} (${id})`);
    this.name = 'GrpcFailure';
  }

  /** The gateway's error body; an empty `details` list is left out, as protojson leaves out empty fields. */
  toResponse(): EmulatorResponse {
    const body =
      this.id === undefined
        ? { code: this.code, message: this.message }
        : {
            code: this.code,
            message: this.message,
            details: [{ '@type': ERROR_DETAIL_TYPE, id: this.id, message: this.key }],
          };
    return jsonResponse(HTTP_STATUS[this.code] ?? 500, body);
  }
}

/** A request that breaks a `validate.rules` constraint of the proto (the validation interceptor's answer). */
export function invalidField(message: string, field: string, rule: string): GrpcFailure {
  return new GrpcFailure(GrpcCode.invalidArgument, `invalid ${message}.${field}: ${rule}`);
}

/** protoc-gen-validate's text for a string length rule. */
export function lengthRule(min: number, max: number): string {
  return min === max
    ? `value length must be ${min} runes`
    : `value length must be between ${min} and ${max} runes, inclusive`;
}
