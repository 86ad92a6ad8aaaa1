import type { AccessTokens } from './access-tokens.js';
import type { EmulatorStore } from './emulator-store.js';
import type { EmulatorClock } from './emulator.types.js';
import type { SigningKeys } from './signing-keys.js';

/** Settings of an emulator that shape its answers. */
export interface EmulatorSettings {
  /** Lifetime of access tokens from the token endpoint, in seconds. */
  readonly accessTokenLifetimeSeconds: number;
  /** How a refused JWT-profile assertion is answered; see `ZitadelEmulatorOptions.jwtProfileErrors`. */
  readonly jwtProfileErrors: 'invalid_grant' | 'server_error';
}

/** What every endpoint handler works with. */
export interface EmulatorContext {
  /** The issuer URL, without a trailing slash. */
  readonly issuer: string;
  readonly store: EmulatorStore;
  readonly keys: SigningKeys;
  readonly tokens: AccessTokens;
  /** Id of the instance's own "ZITADEL" project (`urn:zitadel:iam:org:project:id:zitadel:aud`). */
  readonly zitadelProjectId: string;
  readonly settings: EmulatorSettings;
  /** The instance's time source (real time unless the emulator was started with a `clock`). */
  readonly clock: EmulatorClock;
}
