import type { EmulatorRequest } from './http-exchange.js';
import { invalidRequest } from './oauth-errors.js';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const METHODS_WITH_FORM_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Request parameters read the way Go's `http.Request.ParseForm` reads them, which is what ZITADEL
 * sees: the url-encoded body of a POST, PUT or PATCH first, then the query string. Any other body
 * (JSON, multipart) is ignored, so its parameters count as missing.
 */
export class Form {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** The first value of a parameter, or `''` when it is absent (Go's `Form.Get`). */
  get(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  /** Whether the parameter was sent at all, even empty. */
  has(name: string): boolean {
    return this.values.has(name);
  }
}

/**
 * Parses a request's form parameters.
 *
 * @throws {OAuthFailure} 400 `invalid_request` "error parsing form" for a body or query that Go
 * refuses (a bad `%` escape, a `;` separator), as ZITADEL answers.
 */
export function parseForm(request: EmulatorRequest): Form {
  const values = new Map<string, string[]>();
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const ok =
    (!METHODS_WITH_FORM_BODY.has(request.method) ||
      mediaType !== FORM_CONTENT_TYPE ||
      parseQueryInto(request.body.toString('utf8'), values)) &&
    parseQueryInto(request.query, values);
  if (!ok) throw invalidRequest('error parsing form');
  return new Form(values);
}

/** Go's `url.ParseQuery`, appending to `into`; `false` on the first malformed pair (parsing goes on, as Go's does). */
function parseQueryInto(text: string, into: Map<string, string[]>): boolean {
  let ok = true;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    if (rawKey.includes(';')) {
      ok = false;
      continue;
    }
    const key = queryUnescape(rawKey);
    const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) {
      ok = false;
      continue;
    }
    const list = into.get(key);
    if (list === undefined) into.set(key, [value]);
    else list.push(value);
  }
  return ok;
}

/**
 * Go's `url.QueryUnescape`: `+` is a space and `%XX` a byte; any other `%` is an error
 * (`undefined`). This is also how ZITADEL decodes the client id and secret of a Basic header.
 */
export function queryUnescape(text: string): string | undefined {
  if (!text.includes('%') && !text.includes('+')) return text;
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] as number;
    if (byte === 0x2b) {
      bytes.push(0x20);
    } else if (byte === 0x25) {
      const hex = raw.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
