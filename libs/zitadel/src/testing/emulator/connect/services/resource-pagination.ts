import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';
import type { ProtoMessage } from '../../management/proto-json.js';

/** ZITADEL's `SystemDefaults.DefaultQueryLimit` and `MaxQueryLimit` (defaults.yaml). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** `zitadel.filter.v2beta.PaginationRequest` as ZITADEL reads it (`filter.PaginationPbToQuery`). */
export interface Pagination {
  readonly offset: bigint;
  readonly limit: number;
  readonly asc: boolean;
}

/**
 * The request's `pagination`: a limit of 0 (or none) is the default of 100.
 * @throws {GrpcFailure} 3 "Errors.Query.LimitExceeded (QUERY-4M0fs)" above 1000.
 */
export function readPagination(body: ProtoMessage): Pagination {
  const pagination = body.message('pagination');
  const limit = pagination?.uint32('limit') ?? 0;
  if (limit > MAX_LIMIT) throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Query.LimitExceeded', 'QUERY-4M0fs');
  return {
    offset: pagination?.uint64('offset') ?? 0n,
    limit: limit === 0 ? DEFAULT_LIMIT : limit,
    asc: pagination?.bool('asc') ?? false,
  };
}

/**
 * One page of `items` and the `zitadel.filter.v2beta.PaginationResponse` (`QueryToPaginationPb`:
 * the total before paging and the limit applied; zeros left out, as protojson does).
 */
export function paginate<T>(
  items: readonly T[],
  pagination: Pagination,
): { readonly page: T[]; readonly pagination: Record<string, unknown> } {
  const start = pagination.offset > BigInt(items.length) ? items.length : Number(pagination.offset);
  const response: Record<string, unknown> = { appliedLimit: String(pagination.limit) };
  if (items.length > 0) response['totalResult'] = String(items.length);
  return { page: items.slice(start, start + pagination.limit), pagination: response };
}

/** `zitadel.filter.v2beta.TextFilterMethod` names, in enum order. */
export const TEXT_FILTER_METHODS = [
  'TEXT_FILTER_METHOD_EQUALS',
  'TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE',
  'TEXT_FILTER_METHOD_STARTS_WITH',
  'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE',
  'TEXT_FILTER_METHOD_CONTAINS',
  'TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE',
  'TEXT_FILTER_METHOD_ENDS_WITH',
  'TEXT_FILTER_METHOD_ENDS_WITH_IGNORE_CASE',
] as const;

/** A v2beta text filter: the message's `field` compared with its `method`. */
export function textFilter(filter: ProtoMessage, field: string): (value: string | undefined) => boolean {
  const expected = filter.string(field);
  const method = filter.enum('method', TEXT_FILTER_METHODS);
  const ignoreCase = method.endsWith('_IGNORE_CASE');
  const wanted = ignoreCase ? expected.toLowerCase() : expected;
  return (value) => {
    const actual = ignoreCase ? (value ?? '').toLowerCase() : (value ?? '');
    if (method.startsWith('TEXT_FILTER_METHOD_EQUALS')) return actual === wanted;
    if (method.startsWith('TEXT_FILTER_METHOD_STARTS_WITH')) return actual.startsWith(wanted);
    if (method.startsWith('TEXT_FILTER_METHOD_CONTAINS')) return actual.includes(wanted);
    return actual.endsWith(wanted);
  };
}

/** The set field of a required `oneof` filter. @throws {GrpcFailure} 3 as protoc-gen-validate words it. */
export function requiredOneof(
  message: ProtoMessage,
  typeName: string,
  oneofName: string,
  names: readonly string[],
): { readonly name: string; readonly value: ProtoMessage } {
  const name = message.oneof(names);
  const value = name === undefined ? undefined : message.message(name);
  if (name === undefined || value === undefined)
    throw new GrpcFailure(GrpcCode.invalidArgument, `invalid ${typeName}.${oneofName}: value is required`);
  return { name, value };
}
