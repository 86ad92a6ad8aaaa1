import type { ApplicationSigningKey, ServiceUserSigningKey } from '../keys/key-file.parser.js';
import type { RetrySettings } from '../http/retry-policy.js';
import type { Secret } from './secret.js';
import type { KeyObject } from 'node:crypto';
import type {
  ZitadelKeyvStore,
  TokenValidationMode,
  ZitadelApiCodec,
  ZitadelSigningKeys,
} from './zitadel-options.interface.js';

/** Outgoing credentials of the service user, validated and loaded. */
export type ResolvedServiceUser =
  | { readonly kind: 'jwt-profile'; readonly key: ServiceUserSigningKey }
  | { readonly kind: 'client-credentials'; readonly clientId: string; readonly clientSecret: Secret }
  | { readonly kind: 'personal-access-token'; readonly token: Secret };

/** Credentials of the API application for introspection, validated and loaded. */
export type ResolvedApiApplication =
  | { readonly kind: 'private-key-jwt'; readonly key: ApplicationSigningKey }
  | { readonly kind: 'client-secret-basic'; readonly clientId: string; readonly clientSecret: Secret };

/**
 * The module options after validation: defaults applied, keys loaded, secrets wrapped.
 * Built once at bootstrap by `resolveZitadelOptions`.
 */
export interface ResolvedZitadelConfig {
  /** The issuer without a trailing slash. */
  readonly issuer: string;
  readonly serviceUser: ResolvedServiceUser | undefined;
  readonly apiApplication: ResolvedApiApplication | undefined;
  readonly projectId: string | undefined;
  readonly tokenValidation: TokenValidationMode;
  readonly http: RetrySettings & { readonly maxResponseBytes: number; readonly failureCooldownMs: number };
  /** `ZitadelApi`'s wire format. */
  readonly api: { readonly codec: ZitadelApiCodec };
  /** Origins besides the issuer's that discovered endpoints may be on, e.g. `https://login.acme.com`. */
  readonly discovery: { readonly trustedOrigins: readonly string[] };
  readonly tokenCache: { readonly refreshAfterFraction: number; readonly minRemainingSeconds: number };
  /** Realm of the guard's `WWW-Authenticate` challenges. */
  readonly realm: string;
  readonly introspection: {
    readonly cache: {
      readonly maxTtlSeconds: number;
      readonly inactiveTtlSeconds: number;
      readonly maxEntries: number;
      /** The user's Keyv stores, or `undefined` for the default bounded in-memory store. */
      readonly stores: readonly ZitadelKeyvStore[] | undefined;
      readonly storeTimeoutMs: number;
    };
  };
  /** Actions v2 receiving: keys, tolerance, replay guard (`undefined`: off), JWE key. */
  readonly actions: {
    readonly signingKeys: ZitadelSigningKeys | undefined;
    readonly toleranceSeconds: number;
    readonly replayGuard: { readonly maxEntries: number; readonly store: ZitadelKeyvStore | undefined } | undefined;
    readonly decryptionKey: KeyObject | undefined;
  };
  readonly jwt: {
    readonly clockToleranceSeconds: number;
    readonly jwksCooldownSeconds: number;
    readonly jwksMaxAgeSeconds: number;
    readonly cache: { readonly maxEntries: number; readonly maxTtlSeconds: number };
  };
}
