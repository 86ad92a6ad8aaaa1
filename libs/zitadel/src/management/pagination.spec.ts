import { paginate, pagingOf, type Page } from './pagination.js';

/** A fake `_search` endpoint over `total` numbered items, recording the queries it received. */
function endpoint(total: number, options: { reportTotal?: boolean; cap?: number } = {}) {
  const queries: { offset: string; limit: number; asc: boolean }[] = [];
  const fetchPage = async (query: { offset: string; limit: number; asc: boolean }): Promise<Page> => {
    queries.push(query);
    const start = Number(query.offset);
    const items = Array.from(
      { length: Math.max(0, Math.min(query.limit, options.cap ?? Infinity, total - start)) },
      (_, i) => start + i,
    );
    return { items, total: options.reportTotal === false || total === 0 ? undefined : BigInt(total) };
  };
  return { queries, fetchPage };
}

async function all(generator: AsyncGenerator<number>): Promise<number[]> {
  const items: number[] = [];
  for await (const item of generator) items.push(item);
  return items;
}

describe('paginate', () => {
  it('pages with offset and limit until the reported total', async () => {
    const { queries, fetchPage } = endpoint(7);
    expect(await all(paginate<number>(pagingOf({ limit: 3 }), fetchPage))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(queries).toEqual([
      { offset: '0', limit: 3, asc: true },
      { offset: '3', limit: 3, asc: true },
      { offset: '6', limit: 3, asc: true },
    ]);
  });

  it('does not ask for a page past an exact multiple of the page size when the total is known', async () => {
    const { queries, fetchPage } = endpoint(6);
    expect(await all(paginate<number>(pagingOf({ limit: 3 }), fetchPage))).toHaveLength(6);
    expect(queries).toHaveLength(2);
  });

  it('without a total, stops at a short page; with one, continues past pages shorter than asked', async () => {
    const short = endpoint(5, { reportTotal: false });
    expect(await all(paginate<number>(pagingOf({ limit: 2 }), short.fetchPage))).toEqual([0, 1, 2, 3, 4]);
    expect(short.queries).toHaveLength(3);
    const capped = endpoint(5, { cap: 2 });
    expect(await all(paginate<number>(pagingOf({ limit: 4 }), capped.fetchPage))).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops at an empty page (ZITADEL leaves out a total of 0) and starts at the given offset', async () => {
    const empty = endpoint(0);
    expect(await all(paginate<number>(pagingOf(undefined), empty.fetchPage))).toEqual([]);
    expect(empty.queries).toEqual([{ offset: '0', limit: 100, asc: true }]);
    const offset = endpoint(5);
    expect(await all(paginate<number>(pagingOf({ offset: '3', asc: false }), offset.fetchPage))).toEqual([3, 4]);
    expect(offset.queries[0]).toEqual({ offset: '3', limit: 100, asc: false });
  });

  it('refuses page sizes outside 1..1000 and malformed offsets', () => {
    for (const limit of [0, 1001, 2.5, Number.NaN]) expect(() => pagingOf({ limit })).toThrow(TypeError);
    for (const offset of ['-1', 'ten', -1, 1.5]) expect(() => pagingOf({ offset })).toThrow(TypeError);
    expect(pagingOf({ offset: 12, limit: 1000 })).toEqual({ offset: 12n, limit: 1000, asc: true });
  });
});
