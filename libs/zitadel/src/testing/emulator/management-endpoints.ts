import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest, EmulatorResponse } from './http-exchange.js';
import { handleManagementCall } from './management/management-router.js';

/** Whether a path belongs to ZITADEL's REST APIs that the emulator reserves for management. */
export function isManagementPath(path: string): boolean {
  return path.startsWith('/management/') || path.startsWith('/v2/');
}

/**
 * ZITADEL's REST APIs (`/management/v1/...`, `/v2/...`): the calls in `./management/` over the
 * in-memory store, with ZITADEL's authorisation and error bodies; any other path is answered as
 * the gRPC gateway answers an unknown route (gRPC code 5, HTTP 404).
 */
export function managementEndpoint(request: EmulatorRequest, context: EmulatorContext): EmulatorResponse {
  return handleManagementCall(request, context);
}
