import type { EmulatorContext } from './emulator-context.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import { handleManagementCall } from './management/management-router.js';

/** Largest JSON body the emulated REST APIs read: their messages are small. */
const MAX_MANAGEMENT_BODY_BYTES = 1024 * 1024;

/** Whether a path belongs to ZITADEL's REST APIs that the emulator reserves for management. */
export function isManagementPath(path: string): boolean {
  return path.startsWith('/management/') || path.startsWith('/v2/');
}

/**
 * ZITADEL's REST APIs (`/management/v1/...`, `/v2/...`): the calls in `./management/` over the
 * in-memory store, with ZITADEL's authorisation and error bodies; any other path is answered as
 * the gRPC gateway answers an unknown route (gRPC code 5, HTTP 404). A body over 1 MiB is a 413
 * (the emulator's own limit, not ZITADEL's).
 */
export function managementEndpoint(request: EmulatorRequest, context: EmulatorContext): EmulatorResponse {
  if (request.body.length > MAX_MANAGEMENT_BODY_BYTES) {
    return jsonResponse(
      413,
      { error: 'invalid_request', error_description: 'request body too large' },
      { connection: 'close' },
    );
  }
  return handleManagementCall(request, context);
}
