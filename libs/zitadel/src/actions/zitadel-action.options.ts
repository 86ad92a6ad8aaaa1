import type { ZitadelReplayGuardOptions, ZitadelSigningKeys } from '../config/zitadel-options.interface.js';

/** How ZITADEL sends the payload to a target (`payloadType` of `CreateTarget`). */
export type ZitadelPayloadType = 'json' | 'jwt' | 'jwe';

/** Options of one `@ZitadelAction()` route; anything left out comes from the module option `actions`. */
export interface ZitadelActionOptions {
  /** This route's signing keys (or a resolver), replacing the module's `actions.signingKeys`. */
  signingKeys?: ZitadelSigningKeys;
  /** Replaces the module's `actions.toleranceSeconds` for this route. */
  toleranceSeconds?: number;
  /**
   * Refuse a signature header seen before on this route; replaces the module's `actions.replayGuard`
   * (`true` uses the module's store settings, or the defaults).
   */
  replayGuard?: boolean | ZitadelReplayGuardOptions;
  /**
   * The target's payload type. `jwt`: the body is a JWT signed with the instance's web keys,
   * verified against the JWKS; `jwe`: that JWT encrypted to the target's key (module option
   * `actions.decryptionKey`). The `ZITADEL-Signature` is checked over the raw body either way.
   * @default 'json'
   */
  payloadType?: ZitadelPayloadType;
}
