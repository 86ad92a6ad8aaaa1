import type { ListQuery } from './management-api.types.js';

/** Page size of the iterators when the query sets no `limit`. */
export const DEFAULT_PAGE_SIZE = 100;
/** ZITADEL's default maximum `limit`. */
export const MAX_PAGE_SIZE = 1000;

/** One page of a `_search` call, checked. */
export interface Page {
  readonly items: readonly unknown[];
  /** `details.totalResult`, when ZITADEL sent it (it leaves out 0). */
  readonly total: bigint | undefined;
}

/** The paging of an iteration, from the caller's `ListQuery`. */
export interface Paging {
  readonly offset: bigint;
  readonly limit: number;
  readonly asc: boolean;
}

/** @throws {TypeError} an offset that is not a uint64, a limit outside 1..1000, an `asc` that is no boolean. */
export function pagingOf(query: ListQuery | undefined): Paging {
  const offset = query?.offset ?? '0';
  if (!(
    (typeof offset === 'string' && /^\d{1,20}$/.test(offset)) ||
    (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0)
  )) {
    throw new TypeError('"query.offset" must be a non-negative integer (a decimal string or a number)');
  }
  const limit = query?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new TypeError(`"query.limit" (the page size) must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const asc = query?.asc ?? true;
  if (typeof asc !== 'boolean') throw new TypeError('"query.asc" must be a boolean');
  return { offset: BigInt(offset), limit, asc };
}

/**
 * Every item of a `_search` endpoint, page after page (offset paging), fetched lazily: the next
 * page is asked for when the caller has consumed the current one. Stops at the total ZITADEL
 * reports, at an empty page, or, without a total, at a short page.
 */
export async function* paginate<T>(
  paging: Paging,
  fetchPage: (query: { offset: string; limit: number; asc: boolean }) => Promise<Page>,
): AsyncGenerator<T, void, undefined> {
  let offset = paging.offset;
  for (;;) {
    const page = await fetchPage({ offset: offset.toString(), limit: paging.limit, asc: paging.asc });
    for (const item of page.items) yield item as T;
    offset += BigInt(page.items.length);
    if (page.items.length === 0) return;
    if (page.total !== undefined ? offset >= page.total : page.items.length < paging.limit) return;
  }
}
