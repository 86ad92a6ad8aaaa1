import {
  createZitadelApiError,
  grpcCodeOfConnectCode,
  type ZitadelApiError,
  type ZitadelConnectCode,
  type ZitadelErrorDetail,
} from '../errors/management-api.error.js';
import type { ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import { isRecord, parseJsonRecord } from '../shared/is-record.js';

/** ZITADEL ends its messages with the error id: `User could not be found (QUERY-Dfbg2)`. */
const TRAILING_ERROR_ID = /^(.*?)\s*\(([A-Za-z]+-[A-Za-z0-9]+)\)$/s;

/**
 * The code a Connect client synthesises from the HTTP status when the body is no Connect error
 * (a proxy's HTML page, an empty 502).
 *
 * @see https://connectrpc.com/docs/protocol#http-to-error-code
 */
function connectCodeOfStatus(status: number): ZitadelConnectCode {
  switch (status) {
    case 400:
      return 'internal';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'unimplemented';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'unknown';
  }
}

/**
 * Turns a Connect error answer (`{"code":"not_found","message":"User could not be found (QUERY-Dfbg2)","details":[...]}`)
 * into the typed error the management client throws for the same kind. The error id is taken
 * from the message's trailing `(...)`, the message without it becomes `zitadelMessage`. Details
 * keep their `type` (as `@type`) and their `debug` fields; their binary `value` is dropped.
 */
export function readConnectError(response: ZitadelHttpResponse, endpoint: string): ZitadelApiError {
  const body = parseJsonRecord(response.body);
  const named = grpcCodeOfConnectCode(body?.['code']);
  const connectCode =
    named === undefined ? connectCodeOfStatus(response.status) : (body?.['code'] as ZitadelConnectCode);
  const message = body?.['message'];
  const said = typeof message === 'string' ? TRAILING_ERROR_ID.exec(message.trim()) : null;
  const details = body?.['details'];
  return createZitadelApiError({
    endpoint,
    status: response.status,
    grpcCode: grpcCodeOfConnectCode(connectCode),
    connectCode,
    grpcMessage: said === null ? (typeof message === 'string' ? message : undefined) : said[1],
    errorId: said?.[2],
    details: Array.isArray(details) ? details.flatMap(readDetail) : [],
  });
}

/** `{type, value, debug}` → `{'@type', ...debug}`, when `debug` carries no non-string `id`/`message`. */
function readDetail(value: unknown): ZitadelErrorDetail[] {
  if (!isRecord(value) || typeof value['type'] !== 'string') return [];
  const debug = isRecord(value['debug']) ? value['debug'] : {};
  const { id, message } = debug;
  if ((id !== undefined && typeof id !== 'string') || (message !== undefined && typeof message !== 'string')) return [];
  return [{ ...debug, '@type': value['type'] }];
}
