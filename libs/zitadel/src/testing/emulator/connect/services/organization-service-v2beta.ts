import { authenticate, hasPermission } from '../../management/authorization.js';
import { checkString, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure, invalidField } from '../../management/grpc-status.js';
import type { EmulatedConnectService } from '../connect-service.js';
import { permissionDenied } from './instance-permissions.js';
import { orgMetadata } from './organization-metadata-state.js';
import { paginate, readPagination, requiredOneof } from './resource-pagination.js';
import { textMatches, TEXT_QUERY_METHODS } from '../../management/list-query.js';

/**
 * The organisation a v2beta metadata call names, and the caller's right on it (checked in the
 * organisation named, as ZITADEL's commands do, not in the call's context organisation).
 * @throws {GrpcFailure} 9 "Errors.Org.NotFound" (id not confirmed in ZITADEL's source), 7 without the permission.
 */
function namedOrg(call: Call, message: string, permission: 'org.read' | 'org.write'): string {
  const caller = authenticate(call.request, call.context);
  const orgId = checkString(message, 'OrganizationId', call.body.string('organizationId'), { min: 1, max: 200 });
  if (!call.context.store.orgs.has(orgId))
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.Org.NotFound', 'EMU-0rgMN');
  if (!hasPermission(call.context, caller.user.id, orgId, permission)) throw permissionDenied();
  return orgId;
}

/** A base64 `bytes` field as protojson reads it (standard or URL alphabet, padding optional). */
function bytesField(value: string, path: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
    throw new GrpcFailure(GrpcCode.invalidArgument, `proto: (${path}): invalid value for bytes type`);
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}

/**
 * `zitadel.org.v2beta.OrganizationService/SetOrganizationMetadata` (`org.write`): sets every
 * entry given (key 1-200 runes, value 1-500000 bytes), keeping the others.
 */
function setOrganizationMetadata(call: Call): Record<string, unknown> {
  const M = 'SetOrganizationMetadataRequest';
  const entries = call.body.messages('metadata').map((entry, index) => {
    const key = checkString('Metadata', 'Key', entry.string('key'), { min: 1, max: 200 });
    const value = bytesField(entry.string('value'), `metadata[${index}].value`);
    if (value.length < 1 || value.length > 500_000)
      throw invalidField('Metadata', 'Value', 'value length must be between 1 and 500000 bytes, inclusive');
    return { key, value };
  });
  const orgId = namedOrg(call, M, 'org.write');
  // ZITADEL refuses an empty bulk set; the id was not confirmed in its source.
  if (entries.length === 0) throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Metadata.NoData', 'EMU-0rgMD');
  const metadata = orgMetadata(call.context.store, orgId);
  const now = call.state.touch(`org-metadata:${orgId}`).changedAt;
  for (const { key, value } of entries)
    metadata.set(key, { value, createdAt: metadata.get(key)?.createdAt ?? now, changedAt: now });
  return { setDate: now.toISOString() };
}

/** `zitadel.org.v2beta.OrganizationService/ListOrganizationMetadata` (`org.read`), paged the v2beta way. */
function listOrganizationMetadata(call: Call): Record<string, unknown> {
  const pagination = readPagination(call.body);
  const filters = call.body.messages('filter').map((query) => {
    const { value } = requiredOneof(query, 'MetadataQuery', 'Query', ['keyQuery']);
    const key = checkString('MetadataKeyQuery', 'Key', value.string('key'), { max: 200 });
    const method = value.enum('method', TEXT_QUERY_METHODS);
    return (candidate: string) => textMatches(candidate, key, method);
  });
  const orgId = namedOrg(call, 'ListOrganizationMetadataRequest', 'org.read');
  const entries = [...orgMetadata(call.context.store, orgId).entries()].filter(([key]) =>
    filters.every((matches) => matches(key)),
  );
  const { page, pagination: response } = paginate(entries, pagination);
  const result: Record<string, unknown> = { pagination: response };
  if (page.length > 0)
    result['metadata'] = page.map(([key, entry]) => ({
      creationDate: entry.createdAt.toISOString(),
      changeDate: entry.changedAt.toISOString(),
      key,
      value: entry.value.toString('base64'),
    }));
  return result;
}

/**
 * `zitadel.org.v2beta.OrganizationService`: only the metadata calls (`SetOrganizationMetadata`
 * is not in `zitadel.org.v2` of `@zitadel/proto` 1.3.1).
 */
export const ORGANIZATION_SERVICE_V2BETA: EmulatedConnectService = {
  typeName: 'zitadel.org.v2beta.OrganizationService',
  methods: { SetOrganizationMetadata: setOrganizationMetadata, ListOrganizationMetadata: listOrganizationMetadata },
};
