import type { EmulatedConnectService } from './connect-service.js';
import { ACTION_SERVICE } from './services/action-service.js';
import { AUTHORIZATION_SERVICE } from './services/authorization-service.js';
import { ORGANIZATION_SERVICE_V2 } from './services/organization-service.js';
import { ORGANIZATION_SERVICE_V2BETA } from './services/organization-service-v2beta.js';
import { PROJECT_SERVICE } from './services/project-service.js';
import { USER_SERVICE } from './services/user-service.js';

/** Every service the emulator serves over Connect; one module per service, listed here. */
export const CONNECT_SERVICES: readonly EmulatedConnectService[] = [
  USER_SERVICE,
  ORGANIZATION_SERVICE_V2,
  ORGANIZATION_SERVICE_V2BETA,
  PROJECT_SERVICE,
  AUTHORIZATION_SERVICE,
  ACTION_SERVICE,
];
