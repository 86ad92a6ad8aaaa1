import type { EmulatorRequest } from './http-exchange.js';
import { invalidRequest } from './oauth-errors.js';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const METHODS_WITH_FORM_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The largest url-encoded body Go's `http.Request.ParseForm` reads (`maxFormSize`, 10 << 20
 * bytes in `net/http`'s `parsePostForm`); one byte more is "http: POST too large", which
 * ZITADEL's OpenID library answers 400 `invalid_request` "error parsing form".
 */
export const MAX_FORM_BYTES = 10 << 20;

/**
 * Request parameters read the way ZITADEL sees them: Go's `http.Request.ParseForm` collects the
 * url-encoded body of a POST, PUT or PATCH first, then the query string; the OpenID library then
 * decodes the parameters into its request structs with `zitadel/schema`, which keeps the LAST
 * value of a parameter sent twice (`Decoder.decode`: `values[len(values)-1]`). Only `grant_type`
 * is read with Go's `Form.Get`, the FIRST value (`webServer.tokensHandler` in
 * zitadel/oidc `pkg/op/server_http.go`). Any other body (JSON, multipart) is ignored, so its
 * parameters count as missing.
 */
export class Form {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** The last value of a parameter, or `''` when it is absent: how `zitadel/schema` fills a struct field. */
  get(name: string): string {
    return this.values.get(name)?.at(-1) ?? '';
  }

  /** The first value of a parameter, or `''` when it is absent (Go's `url.Values.Get`): for `grant_type` only. */
  first(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  /** Every value of a parameter, in order (`[]string` fields such as `audience`, `resource`). */
  all(name: string): readonly string[] {
    return this.values.get(name) ?? [];
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
 * refuses (a bad `%` escape, a `;` separator, a url-encoded body over {@link MAX_FORM_BYTES}),
 * as ZITADEL answers.
 */
export function parseForm(request: EmulatorRequest): Form {
  const values = new Map<string, string[]>();
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const formBody = METHODS_WITH_FORM_BODY.has(request.method) && mediaType === FORM_CONTENT_TYPE;
  if (formBody && request.body.length > MAX_FORM_BYTES) throw invalidRequest('error parsing form');
  const ok =
    (!formBody || parseQueryInto(request.body.toString('utf8'), values)) && parseQueryInto(request.query, values);
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
