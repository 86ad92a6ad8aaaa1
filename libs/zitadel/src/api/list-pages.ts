import type { DescMethod } from '@bufbuild/protobuf';
import type { CallOptions } from '@connectrpc/connect';

/** Page size when neither the options nor the request set one. */
const DEFAULT_API_PAGE_SIZE = 100;
/** ZITADEL's default maximum `limit`. */
const MAX_API_PAGE_SIZE = 1000;

/** Any unary call of a `ZitadelApi` client. */
export type ZitadelListCall<Req, Res> = (request: Req, options?: CallOptions) => Promise<Res>;

/** Non-`$` keys of a message type. */
type Fields<T> = Exclude<keyof T, `$${string}`>;

/** The element type of a list response's repeated field(s) (`result`, `projects`, ...). */
export type ZitadelListItem<Res> = {
  [K in Fields<Res>]-?: NonNullable<Res[K]> extends readonly (infer E)[] ? E : never;
}[Fields<Res>];

/** Options of {@link ZitadelApi.paginate}. */
export interface ZitadelPaginateOptions<Res, Item> {
  /**
   * Items per call, 1 to 1000.
   * @default the request's `limit`, else 100
   */
  pageSize?: number;
  /** The items of one page. @default the response's `result`, else its one repeated field */
  items?: (response: Res) => readonly Item[];
  /** Options of every call (`signal`, `timeoutMs`, headers, e.g. {@link orgContext}). */
  callOptions?: CallOptions;
}

/** How a list call pages: v2's `query` → `details.totalResult`, or v2beta's `pagination` → `pagination.totalResult`. */
type Shape = 'query' | 'pagination';

type Offset = bigint | string | number;

/**
 * Every item of a v2 `List*` call, page after page (offset paging), fetched as the caller
 * consumes them. Stops at the total ZITADEL reports, at an empty page, or, without a total, at a
 * short page. Pages ascend by default, so that objects created while paging come last instead
 * of shifting pages.
 *
 * @throws {TypeError} a page size outside 1..1000, a malformed offset, or a call that is no list
 *   call (when iteration starts).
 */
export async function* paginateList<Req extends object, Res extends object, Item>(
  call: ZitadelListCall<Req, Res>,
  request: Req,
  options: ZitadelPaginateOptions<Res, Item>,
  method: DescMethod | undefined,
): AsyncGenerator<Item, void, undefined> {
  const shape = shapeOf(request, method);
  const given = (request as Record<string, unknown>)[shape] as
    { offset?: Offset; limit?: number; asc?: boolean } | undefined;
  const limit = options.pageSize ?? given?.limit ?? DEFAULT_API_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_API_PAGE_SIZE) {
    throw new TypeError(`"pageSize" must be an integer from 1 to ${MAX_API_PAGE_SIZE}`);
  }
  let offset = toOffset(given?.offset ?? 0n);
  const asc = given?.asc ?? true;
  const itemsOf = options.items ?? ((response: Res) => defaultItems(response, method));
  for (;;) {
    // A partial init, not a message: `create` then fills in the rest (a spread message would skip it).
    const page = { ...fieldsOf(given ?? {}), offset, limit, asc };
    const response = await call({ ...fieldsOf(request), [shape]: page } as Req, options.callOptions);
    const items = itemsOf(response);
    for (const item of items) yield item;
    offset += BigInt(items.length);
    if (items.length === 0) return;
    const total = totalOf(response, shape);
    // protobuf-es reads an absent total as 0: then the short-page rule decides.
    if (total !== undefined && total > 0n ? offset >= total : items.length < limit) return;
  }
}

/** A message's fields without protobuf-es's `$typeName` and `$unknown`. */
function fieldsOf(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('$')));
}

function shapeOf(request: object, method: DescMethod | undefined): Shape {
  if (method !== undefined) {
    const names = method.input.fields.map((field) => field.localName);
    if (names.includes('pagination')) return 'pagination';
    if (names.includes('query')) return 'query';
    throw new TypeError(
      `${method.parent.typeName}/${method.name} takes no "query" or "pagination": it is no list call`,
    );
  }
  return 'pagination' in request ? 'pagination' : 'query';
}

function toOffset(value: Offset): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new TypeError('"offset" must be a non-negative integer (a bigint, a decimal string or a number)');
}

function totalOf(response: object, shape: Shape): bigint | undefined {
  const holder = (response as Record<string, unknown>)[shape === 'query' ? 'details' : 'pagination'];
  const total =
    typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)['totalResult'] : undefined;
  if (typeof total === 'bigint') return total;
  if (typeof total === 'string' && /^\d{1,20}$/.test(total)) return BigInt(total);
  if (typeof total === 'number' && Number.isSafeInteger(total)) return BigInt(total);
  return undefined;
}

function defaultItems<Item>(response: object, method: DescMethod | undefined): readonly Item[] {
  const record = response as Record<string, unknown>;
  if (Array.isArray(record['result'])) return record['result'] as Item[];
  const lists =
    method === undefined
      ? Object.keys(record).filter((key) => !key.startsWith('$') && Array.isArray(record[key]))
      : method.output.fields.filter((field) => field.fieldKind === 'list').map((field) => field.localName);
  const [only, ...others] = lists;
  if (only === undefined || others.length > 0 || !Array.isArray(record[only])) {
    throw new TypeError('the response has no single list of items: pass "items" to say where they are');
  }
  return record[only] as Item[];
}
