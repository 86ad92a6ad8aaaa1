import { authenticate, requirePermission } from './authorization.js';
import type { Call } from './call.js';
import { GrpcCode, GrpcFailure } from './grpc-status.js';
import { orgV1 } from './views.js';

/**
 * `GET /management/v1/orgs/me` (`GetMyOrg`, permission `org.read`): the organisation of the call,
 * i.e. the one named by `x-zitadel-orgid`, else the caller's own, as ZITADEL reads it from the
 * request's context.
 */
export function getMyOrg({ request, context, state }: Call): Record<string, unknown> {
  const caller = authenticate(request, context);
  requirePermission(context, caller, 'org.read');
  const org = context.store.orgs.get(caller.orgId);
  // authenticate() already refused an unknown organisation; ZITADEL's query answers 404 otherwise.
  if (org === undefined) throw new GrpcFailure(GrpcCode.notFound, 'Errors.Org.NotFound', 'QUERY-iTTGJ');
  return { org: orgV1(state, org) };
}
