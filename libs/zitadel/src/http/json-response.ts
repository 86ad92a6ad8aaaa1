import { remoteText } from '../shared/remote-text.js';
import { isRecord, parseJsonRecord } from '../shared/is-record.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import type { ZitadelHttpResponse } from './zitadel-http-client.js';

/**
 * Parses a response body that must be a JSON object, checking the content type first.
 *
 * @throws {ZitadelResponseError} when it is not `application/json` or not a JSON object.
 */
export function readJsonObject(response: ZitadelHttpResponse, endpoint: string): Record<string, unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ZitadelResponseError(
      `ZITADEL ${endpoint} endpoint answered ${response.status} with content type "${remoteText(type, 60)}", not JSON`,
      response.status,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    throw new ZitadelResponseError(
      `ZITADEL ${endpoint} endpoint answered ${response.status} with malformed JSON`,
      response.status,
    );
  }
  if (!isRecord(value)) {
    throw new ZitadelResponseError(
      `ZITADEL ${endpoint} endpoint answered ${response.status} with JSON that is not an object`,
      response.status,
    );
  }
  return value;
}

/**
 * Turns an OAuth error body (RFC 6749 §5.2) into its fields, or `undefined` if the body is not one.
 */
export function readOAuthError(
  response: ZitadelHttpResponse,
): { error: string; error_description: string | undefined } | undefined {
  const body = parseJsonRecord(response.body);
  if (body === undefined) return undefined;
  const { error, error_description } = body;
  if (typeof error !== 'string') return undefined;
  return { error, error_description: typeof error_description === 'string' ? error_description : undefined };
}
