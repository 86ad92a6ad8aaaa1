import type { EmulatedConnectService } from './connect-service.js';
import { USER_SERVICE } from './services/user-service.js';

/** Every service the emulator serves over Connect; one module per service, listed here. */
export const CONNECT_SERVICES: readonly EmulatedConnectService[] = [USER_SERVICE];
