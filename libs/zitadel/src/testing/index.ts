// The public testing API of nestjs-zitadel (`nestjs-zitadel/testing`).
export { ZitadelEmulator, type ZitadelEmulatorOptions } from './emulator/zitadel-emulator.js';
export type {
  ServiceUserKeyFile,
  ApplicationKeyFile,
  EmulatorEndpoint,
  EmulatorOrg,
  EmulatorProject,
  EmulatorUser,
  EmulatorApiApplication,
  EmulatorFault,
  EmulatorRequestLogEntry,
  IssueTokenOptions,
} from './emulator/emulator.types.js';
