import type { ListQuery } from './management-api.types.js';

/** HTTP methods of ZITADEL's REST APIs. */
export type ZitadelApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of every management call. */
export interface ZitadelCallOptions {
  /**
   * The organisation the call acts in, sent as `x-zitadel-orgid`.
   * @default the organisation of the service user
   */
  orgId?: string;
}

/** A call to any of ZITADEL's REST APIs, for {@link ZitadelManagementClient.request}. */
export interface ZitadelApiRequest extends ZitadelCallOptions {
  method: ZitadelApiMethod;
  /**
   * Path on the instance, starting with `/`: `/management/v1/orgs/me`, `/v2/users/{id}`, `/admin/v1/...`.
   * A query string may follow. Ids in it must be URL-encoded.
   */
  path: string;
  /** Sent as JSON. POST, PUT and PATCH without a body send `{}`. */
  body?: unknown;
  /**
   * Whether sending the call twice is harmless: then it is also retried after a 5xx or a
   * network failure. A write is otherwise retried only when it cannot have been applied (429,
   * 503, connection refused).
   * @default true for GET and for POSTs to a path ending in `/_search`, false otherwise
   */
  idempotent?: boolean;
}

/** A `_search` call to page through with {@link ZitadelManagementClient.iterate}. */
export interface ZitadelSearchRequest extends ZitadelCallOptions {
  /** Path of a `POST .../_search` endpoint that takes a `query` (`ListQuery`) and answers `{details, result}`. */
  path: string;
  /**
   * The request body. `query.limit` is the page size (default 100, at most 1000), `query.offset`
   * where to start (default 0), `query.asc` the order (default ascending, so that objects created
   * while paging come last instead of shifting pages).
   */
  body?: { query?: ListQuery; [field: string]: unknown };
}

const ORG_ID = /^[^\s/?#]{1,200}$/;

/** @throws {TypeError} not a path on the instance (absolute URL, `//host`, control characters). */
export function checkPath(path: unknown): string {
  if (typeof path !== 'string' || !/^\/(?![/\\])[^\s\\]*$/.test(path)) {
    throw new TypeError('"path" must be a path on the ZITADEL instance starting with a single "/", without spaces');
  }
  return path;
}

/** @throws {TypeError} an `orgId` that cannot be an organisation id. */
export function checkOrgId(orgId: unknown): string | undefined {
  if (orgId === undefined) return undefined;
  if (typeof orgId !== 'string' || !ORG_ID.test(orgId))
    throw new TypeError('"orgId" must be a non-empty string without spaces');
  return orgId;
}

/** A path segment (an id), URL-encoded. @throws {TypeError} when empty or not a string. */
export function segment(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`);
  return encodeURIComponent(value);
}
