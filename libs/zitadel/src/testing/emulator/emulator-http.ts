import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body read; ZITADEL's requests are small. */
const MAX_BODY_BYTES = 64 * 1024;

/** A request body too large to read. */
export class BodyTooLargeError extends Error {}

/** Reads a request body, refusing more than 64 KiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** An OAuth error (RFC 6749 §5.2), as ZITADEL answers it. */
export function sendOAuthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

/** A gRPC-gateway error body, as ZITADEL's REST APIs answer it. */
export function sendGrpcError(res: ServerResponse, status: number, code: number, message: string, id: string): void {
  sendJson(res, status, {
    code,
    message,
    details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id, message }],
  });
}

/** Parses an `application/x-www-form-urlencoded` body, or `undefined` when the content type is another. */
export function parseForm(req: IncomingMessage, body: string): URLSearchParams | undefined {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return undefined;
  return new URLSearchParams(body);
}

/** Decodes the form-url-encoding applied to client id and secret inside Basic credentials. */
export function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
