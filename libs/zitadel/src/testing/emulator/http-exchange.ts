import type { IncomingHttpHeaders } from 'node:http';

/** A request as the emulator's handlers see it: fully read, size-capped, never trusted. */
export interface EmulatorRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The raw query string, without `?` (possibly empty). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What a handler answers; the HTTP server writes it. */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Text, or bytes (binary Connect messages). */
  readonly body: string | Buffer;
}

/** A JSON answer, as ZITADEL's OpenID endpoints send them (`application/json`). */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A plain-text answer, as Go's `http.Error` and router send them. */
export function textResponse(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers },
    body,
  };
}
