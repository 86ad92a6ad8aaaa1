// The public testing API of nestjs-zitadel (`nestjs-zitadel/testing`): every export is named here on purpose.
export { ZitadelEmulator, ZitadelEmulatorError } from './emulator/zitadel-emulator.js';
export { ManualClock } from './manual-clock.js';
// Actions v2: the emulator calls targets (`emulator.actions`).
export { EmulatorActions, EmulatorActionsError } from './emulator/actions/emulator-actions.js';
export type {
  AddTargetOptions,
  EmulatorActionCall,
  EmulatorExecutionCondition,
  EmulatorTarget,
  EmulatorTargetType,
} from './emulator/actions/actions.types.js';
export type {
  ZitadelEmulatorOptions,
  ServiceUserKeyFile,
  ApplicationKeyFile,
  EmulatorEndpoint,
  EmulatorOrg,
  EmulatorProject,
  EmulatorUser,
  EmulatorApiApplication,
  EmulatorOidcApplication,
  EmulatorFault,
  EmulatorRequestLogEntry,
  CreateOrgOptions,
  CreateProjectOptions,
  ProjectRoleOptions,
  CreateServiceUserOptions,
  CreateHumanUserOptions,
  KeyOptions,
  CreateApiApplicationOptions,
  CreateOidcApplicationOptions,
  GrantRolesOptions,
  IssueTokenOptions,
  RotateSigningKeysOptions,
  EmulatorFeatures,
  EmulatorSecurityPolicy,
  EmulatorOidcGrantType,
} from './emulator/emulator.types.js';
export { createTestUser, type TestUserOptions, type TestUserRoles } from './test-user.js';
export { FakeTokenValidator, type FakeTokenOutcome, type FakeTokenValidatorOptions } from './fake-token-validator.js';
export {
  SeededZitadel,
  type SeededZitadelOptions,
  type SeededZitadelEnv,
  type SeededUser,
  type SeededUserOptions,
} from './seeded-zitadel.js';
