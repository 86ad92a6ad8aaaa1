import { paginateList } from './list-pages.js';

type Request = Record<string, unknown>;
const collect = async <T>(iterator: AsyncGenerator<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
};
const ITEMS = [1, 2, 3, 4, 5, 6, 7];

describe('paginateList', () => {
  it('pages v2 calls through query → details.totalResult, offsets as bigint', async () => {
    const requests: Request[] = [];
    const call = (request: Request) => {
      requests.push(request);
      const { offset, limit } = request['query'] as { offset: bigint; limit: number };
      return Promise.resolve({
        details: { totalResult: 7n },
        result: ITEMS.slice(Number(offset), Number(offset) + limit),
      });
    };
    await expect(collect(paginateList(call, { queries: [] }, { pageSize: 3 }, undefined))).resolves.toEqual(ITEMS);
    expect(requests.map((request) => request['query'])).toEqual([
      { offset: 0n, limit: 3, asc: true },
      { offset: 3n, limit: 3, asc: true },
      { offset: 6n, limit: 3, asc: true },
    ]);
    expect(requests[0]?.['queries']).toEqual([]);
  });

  it('pages v2beta calls through pagination → pagination.totalResult, a string offset and the one list field', async () => {
    const requests: Request[] = [];
    const call = (request: Request) => {
      requests.push(request);
      const { offset, limit } = request['pagination'] as { offset: bigint; limit: number };
      return Promise.resolve({
        pagination: { totalResult: '7', appliedLimit: 100n },
        projects: ITEMS.slice(Number(offset), Number(offset) + limit),
      });
    };
    const request = { pagination: { offset: '2', limit: 4, asc: false } };
    await expect(collect(paginateList(call, request, {}, undefined))).resolves.toEqual([3, 4, 5, 6, 7]);
    expect(requests.map((r) => r['pagination'])).toEqual([
      { offset: 2n, limit: 4, asc: false },
      { offset: 6n, limit: 4, asc: false },
    ]);
  });

  it('without a total (protobuf-es reads it as 0) stops at a short page; stops at an empty page', async () => {
    let calls = 0;
    const short = (request: Request) => {
      calls++;
      const { offset } = request['query'] as { offset: bigint };
      return Promise.resolve({ details: { totalResult: 0n }, result: ITEMS.slice(Number(offset), Number(offset) + 5) });
    };
    await expect(collect(paginateList(short, {}, { pageSize: 5 }, undefined))).resolves.toEqual(ITEMS);
    expect(calls).toBe(2);
    calls = 0;
    const lying = () => {
      calls++;
      return Promise.resolve({ details: { totalResult: 100n }, result: calls === 1 ? [1] : [] });
    };
    await expect(collect(paginateList(lying, {}, {}, undefined))).resolves.toEqual([1]);
    expect(calls).toBe(2);
  });

  it('refuses a page size outside 1..1000 and a negative offset', async () => {
    await expect(collect(paginateList(emptyPage, {}, { pageSize: 1001 }, undefined))).rejects.toThrow(TypeError);
    await expect(collect(paginateList(emptyPage, { query: { offset: -1n } }, {}, undefined))).rejects.toThrow(
      '"offset" must be a non-negative integer',
    );
  });
});

/** A list call that answers an empty page. */
function emptyPage(): Promise<{ result: never[] }> {
  return Promise.resolve({ result: [] });
}
