import {
  createZitadelApiError,
  type ZitadelApiError,
  type ZitadelErrorDetail,
} from '../errors/management-api.error.js';
import type { ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import { isRecord, parseJsonRecord } from '../shared/is-record.js';

/**
 * Turns a non-2xx answer of ZITADEL's REST API into a typed error. The body is read as
 * grpc-gateway writes errors (`{"code": 5, "message": "...", "details": [{"@type", "id", "message"}]}`);
 * a body that is not one (an HTML page of a proxy, an empty 502) still gives an error typed by
 * the HTTP status.
 */
export function readApiError(response: ZitadelHttpResponse, endpoint: string): ZitadelApiError {
  const body = parseJsonRecord(response.body);
  const code = body?.['code'];
  const message = body?.['message'];
  const details = body?.['details'];
  return createZitadelApiError({
    endpoint,
    status: response.status,
    grpcCode: typeof code === 'number' && Number.isInteger(code) && code > 0 && code <= 16 ? code : undefined,
    grpcMessage: typeof message === 'string' ? message : undefined,
    details: Array.isArray(details) ? details.filter(isDetail) : [],
  });
}

/** An object whose `id` and `message`, when present, are strings. */
function isDetail(value: unknown): value is ZitadelErrorDetail {
  if (!isRecord(value)) return false;
  const { id, message } = value as Record<string, unknown>;
  return (id === undefined || typeof id === 'string') && (message === undefined || typeof message === 'string');
}
