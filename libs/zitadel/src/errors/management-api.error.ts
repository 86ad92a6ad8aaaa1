import { remoteText } from '../shared/remote-text.js';
import { ZitadelError } from './zitadel.error.js';

/**
 * What went wrong at ZITADEL's REST API, one keyword per gRPC status code (ZITADEL's APIs are
 * gRPC services behind grpc-gateway; the code comes in the error body).
 *
 * @see https://grpc.io/docs/guides/status-codes/
 */
export type ZitadelApiErrorKind =
  | 'cancelled'
  | 'unknown'
  | 'invalid-argument'
  | 'deadline-exceeded'
  | 'not-found'
  | 'already-exists'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'failed-precondition'
  | 'aborted'
  | 'out-of-range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data-loss'
  | 'unauthenticated';

/** gRPC status code → kind (index = code; 0 is OK and never an error). */
const KINDS: readonly (ZitadelApiErrorKind | undefined)[] = [
  undefined,
  'cancelled',
  'unknown',
  'invalid-argument',
  'deadline-exceeded',
  'not-found',
  'already-exists',
  'permission-denied',
  'resource-exhausted',
  'failed-precondition',
  'aborted',
  'out-of-range',
  'unimplemented',
  'internal',
  'unavailable',
  'data-loss',
  'unauthenticated',
];

/**
 * The Connect protocol's error codes (its lower-snake names of the gRPC codes), as ZITADEL's v2
 * services send them: `{"code":"not_found","message":"User could not be found (QUERY-Dfbg2)"}`.
 *
 * @see https://connectrpc.com/docs/protocol#error-codes
 */
export type ZitadelConnectCode =
  | 'canceled'
  | 'unknown'
  | 'invalid_argument'
  | 'deadline_exceeded'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data_loss'
  | 'unauthenticated';

/** Connect code → gRPC code (index + 1). */
const CONNECT_CODES: readonly ZitadelConnectCode[] = [
  'canceled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
];

/** The gRPC code of a Connect code, or `undefined` when `code` is none. */
export function grpcCodeOfConnectCode(code: unknown): number | undefined {
  const index = CONNECT_CODES.indexOf(code as ZitadelConnectCode);
  return index < 0 ? undefined : index + 1;
}

/** The Connect code of a kind (the same names, Connect's spelling). */
export function connectCodeOfKind(kind: ZitadelApiErrorKind): ZitadelConnectCode {
  return kind === 'cancelled' ? 'canceled' : (kind.replaceAll('-', '_') as ZitadelConnectCode);
}

/** The kind grpc-gateway's status mapping implies when a body carries no usable gRPC code. */
const KIND_BY_STATUS: Readonly<Record<number, ZitadelApiErrorKind>> = {
  400: 'invalid-argument',
  401: 'unauthenticated',
  403: 'permission-denied',
  404: 'not-found',
  409: 'already-exists',
  429: 'resource-exhausted',
  499: 'cancelled',
  500: 'internal',
  501: 'unimplemented',
  503: 'unavailable',
  504: 'deadline-exceeded',
};

/**
 * One entry of the `details` array of ZITADEL's error body, e.g.
 * `{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"COMMAND-xyz","message":"Errors.User.NotFound"}`.
 */
export interface ZitadelErrorDetail {
  readonly '@type'?: string;
  /** ZITADEL's error id, e.g. `COMMAND-2M0ds`: stable, searchable in ZITADEL's source and logs. */
  readonly id?: string;
  /** ZITADEL's message: an i18n key such as `Errors.User.NotFound`, or its translation. */
  readonly message?: string;
  readonly [field: string]: unknown;
}

/** What {@link ZitadelApiError} is made of. */
export interface ZitadelApiErrorInit {
  /** The call, as `METHOD /path` without query string, e.g. `POST /management/v1/users/_search`. */
  readonly endpoint: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** gRPC status code from the body, when there was one. */
  readonly grpcCode?: number | undefined;
  /** `message` of the body, e.g. `Errors.User.NotFound (COMMAND-xyz)`. */
  readonly grpcMessage?: string | undefined;
  /** The Connect code, for calls over the Connect protocol (`not_found`, ...). */
  readonly connectCode?: ZitadelConnectCode | undefined;
  /** ZITADEL's error id when it is not in `details` (Connect: parsed from the message's trailing `(QUERY-Dfbg2)`). */
  readonly errorId?: string | undefined;
  readonly details?: readonly ZitadelErrorDetail[];
  readonly cause?: unknown;
}

/**
 * ZITADEL's API refused a call (REST through `ZitadelManagementClient`, Connect through
 * `ZitadelApi`): its error body (`{"code","message","details"}`) as a typed error. Match on `kind`
 * (or `instanceof` one of the subclasses); `status` is the HTTP status, `grpcCode` ZITADEL's gRPC
 * code, `connectCode` the Connect code of a Connect call, `errorId` ZITADEL's error id
 * (`COMMAND-xyz`) when it sent one.
 * The message names the call and ZITADEL's message, never a token.
 *
 * Everything taken from the body is sanitised here, whoever builds the error: `zitadelMessage`,
 * `errorId` and every string inside `details` go through `remoteText` (control characters
 * escaped, token-shaped strings `[redacted]`, length capped), so they are as safe to log as the
 * message. ZITADEL's ordinary ids and messages (`QUERY-Dfbg2`, `Errors.User.NotFound`) are unchanged.
 *
 * @see https://zitadel.com/docs/apis/introduction
 */
export class ZitadelApiError extends ZitadelError {
  readonly code = 'ZITADEL_API_ERROR' as const;
  /** What went wrong, as a stable keyword derived from the gRPC code (or the status). */
  readonly kind: ZitadelApiErrorKind;
  /** The call, as `METHOD /path`. */
  readonly endpoint: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** gRPC status code from ZITADEL's body, when there was one (for Connect calls: the code's number). */
  readonly grpcCode: number | undefined;
  /** The Connect code (`not_found`, `already_exists`, ...) of a call over the Connect protocol (`ZitadelApi`). */
  readonly connectCode: ZitadelConnectCode | undefined;
  /** ZITADEL's error id (`details[0].id`, or for Connect calls the message's trailing `(QUERY-Dfbg2)`), e.g. `COMMAND-2M0ds`. */
  readonly errorId: string | undefined;
  /** ZITADEL's own message: `details[0].message` (e.g. `Errors.User.NotFound`), else the body's `message`. */
  readonly zitadelMessage: string | undefined;
  /** The `details` array of the body, every string in it sanitised (see above). */
  readonly details: readonly ZitadelErrorDetail[];

  constructor(init: ZitadelApiErrorInit) {
    const kind = apiErrorKind(init.grpcCode, init.status);
    const first = init.details?.find((d) => typeof d.id === 'string' || typeof d.message === 'string');
    const zitadelMessage = clip(typeof first?.message === 'string' ? first.message : init.grpcMessage);
    const errorId = clip(typeof first?.id === 'string' && first.id !== '' ? first.id : init.errorId);
    const said =
      zitadelMessage === undefined ? '' : `: ${zitadelMessage}${errorId === undefined ? '' : ` (${errorId})`}`;
    super(
      `ZITADEL ${init.endpoint} failed with ${init.status} ${kind}${said}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.kind = kind;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.grpcCode = init.grpcCode;
    this.connectCode = init.connectCode;
    this.errorId = errorId;
    this.zitadelMessage = zitadelMessage;
    this.details = Object.freeze((init.details ?? []).slice(0, MAX_DETAILS).map((detail) => sanitizeDetail(detail)));
  }
}

/** gRPC 5 (HTTP 404): the user, project, role, ... does not exist (or is not visible in the organisation). */
export class ZitadelNotFoundError extends ZitadelApiError {
  declare readonly kind: 'not-found';
}

/** gRPC 6 (HTTP 409): the object exists already (user name taken, member or role added twice, ...). */
export class ZitadelAlreadyExistsError extends ZitadelApiError {
  declare readonly kind: 'already-exists';
}

/** gRPC 7 (HTTP 403): the service user lacks the manager role (e.g. `ORG_OWNER`) the call needs in that organisation. */
export class ZitadelPermissionDeniedError extends ZitadelApiError {
  declare readonly kind: 'permission-denied';
}

/**
 * gRPC 16 (HTTP 401): ZITADEL refused the access token (invalid, revoked, expired, or minted
 * without the `urn:zitadel:iam:org:project:id:zitadel:aud` scope). Thrown after one retry with a
 * freshly minted token.
 */
export class ZitadelUnauthenticatedError extends ZitadelApiError {
  declare readonly kind: 'unauthenticated';
}

/** gRPC 3 (HTTP 400): the request is malformed or a field is invalid. */
export class ZitadelInvalidArgumentError extends ZitadelApiError {
  declare readonly kind: 'invalid-argument';
}

/** gRPC 9 (HTTP 400): the request is valid but the state does not allow it (e.g. adding a member that is no user). */
export class ZitadelFailedPreconditionError extends ZitadelApiError {
  declare readonly kind: 'failed-precondition';
}

/** gRPC 8 (HTTP 429): rate limit or quota reached; thrown once the retries (honouring `Retry-After`) are used up. */
export class ZitadelResourceExhaustedError extends ZitadelApiError {
  declare readonly kind: 'resource-exhausted';
}

/** gRPC 14 (HTTP 503): ZITADEL is unavailable; thrown once the retries are used up. */
export class ZitadelApiUnavailableError extends ZitadelApiError {
  declare readonly kind: 'unavailable';
}

type ApiErrorClass = new (init: ZitadelApiErrorInit) => ZitadelApiError;

const CLASSES: Partial<Record<ZitadelApiErrorKind, ApiErrorClass>> = {
  'not-found': ZitadelNotFoundError,
  'already-exists': ZitadelAlreadyExistsError,
  'permission-denied': ZitadelPermissionDeniedError,
  unauthenticated: ZitadelUnauthenticatedError,
  'invalid-argument': ZitadelInvalidArgumentError,
  'failed-precondition': ZitadelFailedPreconditionError,
  'resource-exhausted': ZitadelResourceExhaustedError,
  unavailable: ZitadelApiUnavailableError,
};

/** The kind for a gRPC code, or failing that for an HTTP status. */
export function apiErrorKind(grpcCode: number | undefined, status: number): ZitadelApiErrorKind {
  const byCode = grpcCode === undefined ? undefined : KINDS[grpcCode];
  if (byCode !== undefined) return byCode;
  return KIND_BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : 'unknown');
}

/** The most specific error class for what ZITADEL answered. */
export function createZitadelApiError(init: ZitadelApiErrorInit): ZitadelApiError {
  const Class = CLASSES[apiErrorKind(init.grpcCode, init.status)] ?? ZitadelApiError;
  return new Class(init);
}

/** Remote text in messages: sanitised, and `undefined` when nothing is left. */
function clip(text: string | undefined): string | undefined {
  const line = text?.trim();
  return line === undefined || line === '' ? undefined : remoteText(line);
}

/** At most this many details, nested this deep, are kept: ZITADEL sends one, rarely two. */
const MAX_DETAILS = 8;
const MAX_DEPTH = 4;

function sanitizeDetail(detail: ZitadelErrorDetail): ZitadelErrorDetail {
  return sanitizeValue(detail, 0) as ZitadelErrorDetail;
}

/** A JSON value with every string (keys too) passed through `remoteText`, frozen. */
function sanitizeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return remoteText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value))
    return Object.freeze(value.slice(0, MAX_DETAILS).map((item) => sanitizeValue(item, depth + 1)));
  // fromEntries defines properties, so a `__proto__` key stays a plain key.
  const entries = Object.entries(value).map(([key, item]) => [remoteText(key), sanitizeValue(item, depth + 1)]);
  return Object.freeze(Object.fromEntries(entries));
}
