import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendGrpcError } from './emulator-http.js';
import type { EmulatorStore } from './emulator-store.js';
import type { OAuthEndpoints } from './oauth-endpoints.js';

/**
 * ZITADEL's REST APIs (`/management/v1/...`, `/v2/...`) over the emulator's store. Routes not
 * implemented answer as ZITADEL does for an unknown route.
 */
export class ManagementEndpoints {
  constructor(
    readonly store: EmulatorStore,
    readonly oauth: OAuthEndpoints,
  ) {}

  handle(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    sendGrpcError(res, 404, 5, 'Not Found', 'EMULATOR-NotImplemented');
    return Promise.resolve();
  }
}
