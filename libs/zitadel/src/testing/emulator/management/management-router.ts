import type { EmulatorContext } from '../emulator-context.js';
import type { EmulatorRequest, EmulatorResponse } from '../http-exchange.js';
import { jsonResponse } from '../http-exchange.js';
import type { Endpoint } from './call.js';
import { GrpcCode, GrpcFailure } from './grpc-status.js';
import { managementState } from './management-state.js';
import { getMyOrg } from './orgs.js';
import { addOrgMember, listOrgMemberRoles, listOrgMembers, removeOrgMember } from './org-members.js';
import { addProjectRole, listProjectRoles } from './project-roles.js';
import { ProtoMessage, readBody } from './proto-json.js';
import { addUserGrant, listUserGrants } from './user-grants.js';
import * as userServiceV2 from './user-service-v2.js';
import { getUserById, importHumanUser, listUsers } from './users.js';

interface Route {
  readonly method: string;
  /** Path segments; `{name}` matches one segment. */
  readonly segments: readonly string[];
  readonly endpoint: Endpoint;
}

function call(method: string, pattern: string, endpoint: Endpoint): Route {
  return { method, segments: pattern.split('/').slice(1), endpoint };
}

/** The emulated calls, literal paths before parameterised ones (grpc-gateway's precedence). */
const ROUTES: readonly Route[] = [
  call('POST', '/management/v1/users/human/_import', importHumanUser),
  call('POST', '/management/v1/users/_search', listUsers),
  call('POST', '/management/v1/users/grants/_search', listUserGrants),
  call('GET', '/management/v1/users/{id}', getUserById),
  call('POST', '/management/v1/users/{userId}/grants', addUserGrant),
  call('GET', '/management/v1/orgs/me', getMyOrg),
  call('POST', '/management/v1/orgs/members/roles/_search', listOrgMemberRoles),
  call('POST', '/management/v1/orgs/me/members', addOrgMember),
  call('POST', '/management/v1/orgs/me/members/_search', listOrgMembers),
  call('DELETE', '/management/v1/orgs/me/members/{userId}', removeOrgMember),
  call('POST', '/management/v1/projects/{projectId}/roles', addProjectRole),
  call('POST', '/management/v1/projects/{projectId}/roles/_search', listProjectRoles),
  call('POST', '/v2/users/human', userServiceV2.addHumanUser),
  call('GET', '/v2/users/{userId}', userServiceV2.getUserById),
];

/** Path parameters when `path` matches the route's pattern. */
function match(candidate: Route, segments: readonly string[]): Record<string, string> | undefined {
  if (candidate.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, pattern] of candidate.segments.entries()) {
    const segment = segments[index] ?? '';
    if (pattern.startsWith('{')) {
      if (segment === '') return undefined;
      params[pattern.slice(1, -1)] = segment;
    } else if (pattern !== segment) return undefined;
  }
  return params;
}

/**
 * ZITADEL's REST APIs as its grpc-gateway serves them, for the calls the emulator knows: the
 * route (404 `Not Found` for an unknown path, 405 `Method Not Allowed` for a known path with
 * another method, both with gRPC code 12 or 5 as grpc-gateway's routing error handler answers),
 * then the JSON body (400 when it does not parse), then the call with ZITADEL's authorization
 * and checks, each failure as `{"code","message","details"}` with the gRPC code's HTTP status.
 */
export function handleManagementCall(request: EmulatorRequest, context: EmulatorContext): EmulatorResponse {
  const segments = request.path.split('/').slice(1);
  let pathMatched = false;
  for (const candidate of ROUTES) {
    const params = match(candidate, segments);
    if (params === undefined) continue;
    pathMatched = true;
    if (candidate.method !== request.method) continue;
    try {
      const decoded = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, decodeSegment(value)]));
      const body = request.method === 'GET' || request.method === 'DELETE' ? ProtoMessage.empty() : readBody(request);
      return jsonResponse(
        200,
        candidate.endpoint({
          request,
          context,
          state: managementState(context.store, context.clock),
          body,
          params: decoded,
        }),
      );
    } catch (error) {
      if (error instanceof GrpcFailure) return error.toResponse();
      throw error;
    }
  }
  return pathMatched
    ? jsonResponse(405, { code: GrpcCode.unimplemented, message: 'Method Not Allowed' })
    : jsonResponse(404, { code: GrpcCode.notFound, message: 'Not Found' });
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new GrpcFailure(GrpcCode.invalidArgument, `invalid path parameter: ${JSON.stringify(value.slice(0, 40))}`);
  }
}
