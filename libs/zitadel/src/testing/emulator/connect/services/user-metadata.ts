import { metadataChanged } from '../../actions/action-events.js';
import { authenticate } from '../../management/authorization.js';
import { checkString, embedded, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure, invalidField } from '../../management/grpc-status.js';
import { textMatches, TEXT_QUERY_METHODS } from '../../management/list-query.js';
import { MetaKey, type MetadataEntry } from '../../management/management-state.js';
import type { ProtoMessage } from '../../management/proto-json.js';
import { existingUser, requireUserPermission, timestamp, userIdOf } from './user-lookup.js';

/** ZITADEL's default and largest page of a v2 list (`PaginationRequest.limit`). */
const MAX_LIMIT = 1000;
/** `Metadata.value`: 1 to 500000 bytes (`validate.rules`). */
const MAX_VALUE_BYTES = 500_000;

/** A `bytes` field in proto3 JSON: standard or URL-safe base64. */
function bytesField(message: ProtoMessage, name: string): Buffer {
  const text = message.string(name);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
    throw new GrpcFailure(GrpcCode.invalidArgument, `unmarshal message: proto: invalid value for bytes field ${name}`);
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * `SetUserMetadata`: sets (adds or replaces) each key, by the user itself or a caller with
 * `user.write` in its organisation. Ids of the not-found answer were not checked (`EMU-`).
 */
export function setUserMetadata({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'SetUserMetadataRequest';
  const userId = userIdOf(M, body);
  const items = body.messages('metadata');
  if (items.length === 0) throw invalidField(M, 'Metadata', 'value must contain at least 1 item(s)');
  const entries = items.map((item) =>
    embedded(M, 'Metadata', () => {
      const key = checkString('Metadata', 'Key', item.string('key'), { min: 1, max: 200 });
      const value = bytesField(item, 'value');
      if (value.length < 1 || value.length > MAX_VALUE_BYTES)
        throw invalidField(
          'Metadata',
          'Value',
          `value length must be between 1 and ${MAX_VALUE_BYTES} bytes, inclusive`,
        );
      return { key, value };
    }),
  );
  const user = existingUser(context, userId, 'EMU-Us3rM');
  requireUserPermission(context, caller, user, 'user.write');
  const now = state.now();
  let stored = state.userMetadata.get(user.id);
  if (stored === undefined) state.userMetadata.set(user.id, (stored = new Map()));
  for (const { key, value } of entries) {
    stored.set(key, { value, createdAt: stored.get(key)?.createdAt ?? now, changedAt: now });
    metadataChanged(context.store, user, key, value, caller.user.id);
  }
  state.touch(MetaKey.user(user.id));
  return { setDate: timestamp(now) };
}

/**
 * `ListUserMetadata`: the user's metadata sorted by key, filtered by `keyFilter`s, paged by
 * `pagination` (`totalResult` before paging, `appliedLimit`), for the user itself or a caller
 * with `user.read` in its organisation.
 */
export function listUserMetadata({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'ListUserMetadataRequest';
  const userId = userIdOf(M, body);
  const pagination = body.message('pagination');
  const limit = pagination?.uint32('limit') ?? 0;
  if (limit > MAX_LIMIT) throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Query.LimitExceeded', 'EMU-L1m1t');
  const offset = pagination?.uint64('offset') ?? 0n;
  const asc = pagination?.bool('asc') ?? false;
  const filters = body.messages('filters').map((filter) => {
    const keyFilter = filter.message('keyFilter');
    if (keyFilter === undefined) throw invalidField('MetadataSearchFilter', 'Filter', 'value is required');
    const key = keyFilter.string('key');
    const method = keyFilter.enum('method', TEXT_QUERY_METHODS);
    return (candidate: string) => textMatches(candidate, key, method);
  });
  const user = existingUser(context, userId, 'EMU-Us3rM');
  requireUserPermission(context, caller, user, 'user.read');
  const all = [...(state.userMetadata.get(user.id) ?? new Map<string, MetadataEntry>())]
    .filter(([key]) => filters.every((matches) => matches(key)))
    .sort(([a], [b]) => a.localeCompare(b) * (asc ? 1 : -1));
  const applied = limit === 0 ? MAX_LIMIT : limit;
  const start = offset > BigInt(all.length) ? all.length : Number(offset);
  const page = all.slice(start, start + applied).map(([key, entry]) => ({
    creationDate: timestamp(entry.createdAt),
    changeDate: timestamp(entry.changedAt),
    key,
    value: entry.value.toString('base64'),
  }));
  return {
    pagination: { ...(all.length > 0 ? { totalResult: String(all.length) } : {}), appliedLimit: String(applied) },
    ...(page.length > 0 ? { metadata: page } : {}),
  };
}

/** `DeleteUserMetadata`: removes the keys (unknown ones are refused, as ZITADEL's command does: not checked, `EMU-`). */
export function deleteUserMetadata({ request, context, state, body }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  const M = 'DeleteUserMetadataRequest';
  const userId = userIdOf(M, body);
  const keys = body.strings('keys');
  if (keys.length === 0) throw invalidField(M, 'Keys', 'value must contain at least 1 item(s)');
  const user = existingUser(context, userId, 'EMU-Us3rM');
  requireUserPermission(context, caller, user, 'user.write');
  const stored = state.userMetadata.get(user.id);
  for (const key of keys) {
    if (stored?.has(key) !== true) throw new GrpcFailure(GrpcCode.notFound, 'Errors.Metadata.NotFound', 'EMU-M3taN');
  }
  for (const key of keys) {
    stored?.delete(key);
    metadataChanged(context.store, user, key, undefined, caller.user.id);
  }
  state.touch(MetaKey.user(user.id));
  return { deletionDate: timestamp(state.now()) };
}
