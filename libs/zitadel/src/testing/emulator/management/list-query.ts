import { GrpcCode, GrpcFailure } from './grpc-status.js';
import type { ManagementState } from './management-state.js';
import type { ProtoMessage } from './proto-json.js';

/** ZITADEL's default (and maximum) `limit` of a list call. */
const MAX_LIMIT = 1000;

export const TEXT_QUERY_METHODS = [
  'TEXT_QUERY_METHOD_EQUALS',
  'TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE',
  'TEXT_QUERY_METHOD_STARTS_WITH',
  'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE',
  'TEXT_QUERY_METHOD_CONTAINS',
  'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE',
  'TEXT_QUERY_METHOD_ENDS_WITH',
  'TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE',
] as const;
export type TextQueryMethod = (typeof TEXT_QUERY_METHODS)[number];

/** `zitadel.v1.ListQuery` of a request. */
export interface ListQuery {
  readonly offset: bigint;
  readonly limit: number;
  readonly asc: boolean;
}

/**
 * The request's `query`: offset, limit (0 meaning the default of 1000), order.
 *
 * @throws {GrpcFailure} 3 for a limit above 1000.
 */
export function readListQuery(body: ProtoMessage): ListQuery {
  const query = body.message('query');
  const limit = query?.uint32('limit') ?? 0;
  if (limit > MAX_LIMIT) throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Query.LimitExceeded', 'EMU-L1m1t');
  return {
    offset: query?.uint64('offset') ?? 0n,
    limit: limit === 0 ? MAX_LIMIT : limit,
    asc: query?.bool('asc') ?? false,
  };
}

/**
 * One page of `items`, each written with `view`, and its `details` (`zitadel.v1.ListDetails`; a
 * total of 0 and an empty result are left out, as protojson does).
 */
export function listPage<T>(
  items: readonly T[],
  query: ListQuery,
  state: ManagementState,
  view: (item: T) => Record<string, unknown>,
): Record<string, unknown> {
  const start = query.offset > BigInt(items.length) ? items.length : Number(query.offset);
  const page = items.slice(start, start + query.limit).map(view);
  const details: Record<string, unknown> = {};
  if (items.length > 0) details['totalResult'] = String(items.length);
  if (state.processedSequence > 0) details['processedSequence'] = String(state.processedSequence);
  details['viewTimestamp'] = state.now().toISOString();
  return page.length > 0 ? { details, result: page } : { details };
}

/** Whether `value` matches a text query (`user_name`, `first_name`, ... with a `method`). */
export function textMatches(value: string | undefined, expected: string, method: TextQueryMethod): boolean {
  const ignoreCase = method.endsWith('_IGNORE_CASE');
  const actual = ignoreCase ? (value ?? '').toLowerCase() : (value ?? '');
  const wanted = ignoreCase ? expected.toLowerCase() : expected;
  if (method.startsWith('TEXT_QUERY_METHOD_EQUALS')) return actual === wanted;
  if (method.startsWith('TEXT_QUERY_METHOD_STARTS_WITH')) return actual.startsWith(wanted);
  if (method.startsWith('TEXT_QUERY_METHOD_CONTAINS')) return actual.includes(wanted);
  return actual.endsWith(wanted);
}

/** A text criterion of a search: the query message's `field` compared with `method`. */
export function textQuery(query: ProtoMessage, field: string): (value: string | undefined) => boolean {
  const expected = query.string(field);
  const method = query.enum('method', TEXT_QUERY_METHODS);
  return (value) => textMatches(value, expected, method);
}
