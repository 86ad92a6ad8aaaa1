import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';

/** Whether a path belongs to ZITADEL's REST APIs that the emulator reserves for management. */
export function isManagementPath(path: string): boolean {
  return path.startsWith('/management/') || path.startsWith('/v2/');
}

/**
 * ZITADEL's REST APIs (`/management/v1/...`, `/v2/...`). None is emulated yet: every call is
 * answered as the gRPC gateway answers an unknown route (gRPC code 5, HTTP 404).
 */
export function managementEndpoint(_request: EmulatorRequest): EmulatorResponse {
  return jsonResponse(404, { code: 5, message: 'Not Found' });
}
