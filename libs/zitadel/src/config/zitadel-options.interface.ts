import type { KeyObject } from 'node:crypto';
import type { ApplicationKey, ServiceUserKey } from '../keys/key-file.types.js';
import type { ZitadelClock } from '../shared/clock.js';

/**
 * A store shared between instances (introspection results, the Actions replay guard): the members
 * of a Keyv instance the library calls (`new Keyv(new KeyvRedis(url))`, `new Keyv({ store })`). Typed by shape, not as keyv's class, so
 * an app's own Keyv fits whichever keyv declaration its module system resolves (CommonJS apps
 * read `index.d.cts`, this package `index.d.ts`: two classes to TypeScript, TS2719).
 */
export interface ZitadelKeyvStore {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<unknown>;
  /** Stores `value` under `key` for `ttl` milliseconds. */
  set(key: string, value: unknown, ttl?: number): Promise<unknown>;
  /**
   * The Keyv's storage adapter. Not called; it tells a Keyv from a bare adapter such as `KeyvRedis`,
   * which would store the library's objects without serialising them.
   */
  readonly store: unknown;
}

/** A key file given by its path on disk, as downloaded from ZITADEL. */
export interface KeyFileSource {
  /** Path of the JSON key file. Read once at bootstrap. */
  keyFile: string;
}

/** A key file as JSON text, e.g. from an environment variable or a secret manager. */
export interface KeyJsonSource {
  /** The key file's JSON content. */
  keyJson: string;
}

/** Client id and secret, sent with `client_secret_basic`. */
export interface ClientSecretCredentials {
  /** The client id (for a service user: its user name). May contain `@`. */
  clientId: string;
  /** The client secret. Held redacted in memory and never logged. */
  clientSecret: string;
}

/**
 * How the app authenticates its own outgoing calls as a ZITADEL service user.
 *
 * - a key file (`keyFile`, `key` or `keyJson`): the JWT-profile grant (RFC 7523), recommended;
 * - `clientId` + `clientSecret`: the client credentials grant;
 * - `personalAccessToken`: used as is (it cannot be scoped).
 */
export type ServiceUserCredentials =
  KeyFileSource | { key: ServiceUserKey } | KeyJsonSource | ClientSecretCredentials | { personalAccessToken: string };

/**
 * How this API authenticates itself to ZITADEL's introspection endpoint.
 *
 * - an application key (`keyFile`, `key` or `keyJson`, `"type":"application"`): `private_key_jwt`;
 * - `clientId` + `clientSecret`: `client_secret_basic`.
 */
export type ApiApplicationCredentials =
  KeyFileSource | { key: ApplicationKey } | KeyJsonSource | ClientSecretCredentials;

/** How incoming access tokens are validated. */
export type TokenValidationMode = 'auto' | 'introspection' | 'jwt';

/** Outgoing HTTP behaviour towards ZITADEL. */
export interface ZitadelHttpOptions {
  /** Time limit of one attempt, in milliseconds. @default 5000 */
  timeoutMs?: number;
  /** Further attempts after a network error, a 5xx or a 429. @default 2 */
  retries?: number;
  /** First backoff delay in milliseconds; doubles each retry, with full jitter. @default 100 */
  backoffBaseMs?: number;
  /** Longest wait between attempts, `Retry-After` included, in milliseconds. @default 2000 */
  backoffMaxMs?: number;
  /**
   * Largest response body read from ZITADEL, in bytes. A longer body is cut off, the call fails
   * (`ZitadelResponseError`, the guard answers 503) and nothing of it is kept.
   * @default 4194304 (4 MiB)
   */
  maxResponseBytes?: number;
  /**
   * After a failed load of the discovery document or the JWKS, callers that need it fail with
   * the same error for this long, in milliseconds, instead of each asking ZITADEL again: an outage
   * is not amplified by every incoming request.
   * @default 1000
   */
  failureCooldownMs?: number;
}

/** Reading ZITADEL's discovery document. */
export interface DiscoveryOptions {
  /**
   * Further origins (`https://host[:port]`) the discovery document may name endpoints on, for
   * deployments that serve them elsewhere. By default every endpoint must be on the issuer's
   * origin, and a document naming another one is refused (`ZitadelDiscoveryError`).
   * @default []
   */
  trustedOrigins?: string[];
}

/** The wire format of `ZitadelApi`'s Connect calls. */
export type ZitadelApiCodec = 'json' | 'binary';

/** Calls to ZITADEL's v2 services over the Connect protocol (`ZitadelApi`). */
export interface ZitadelApiOptions {
  /**
   * `json`: `application/json` (proto3 JSON, readable in logs and proxies); `binary`:
   * `application/proto` (smaller, faster to parse). Error bodies are JSON either way.
   * @default 'json'
   */
  codec?: ZitadelApiCodec;
}

/** Caching of access tokens minted by {@link TokenService}. */
export interface TokenCacheOptions {
  /**
   * A cached token is renewed in the background once this fraction of its lifetime has passed.
   * @default 0.8
   */
  refreshAfterFraction?: number;
  /** A cached token is never handed out with less than this many seconds left. @default 60 */
  minRemainingSeconds?: number;
}

/** Caching of introspection results by {@link IntrospectionService}. */
export interface IntrospectionCacheOptions {
  /**
   * Longest time an active result is reused, in seconds. It is never reused past the token's
   * `exp`. A revoked token can be accepted for up to this long. `0` disables caching of active
   * results.
   * @default 60
   */
  maxTtlSeconds?: number;
  /** How long an inactive result is reused, in seconds. `0` disables it. @default 10 */
  inactiveTtlSeconds?: number;
  /**
   * Size of the default in-memory store (least recently used entries are dropped first).
   * Ignored when `stores` is given.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * Keyv stores for cache-manager, first to last (e.g. `[new Keyv({ store: new KeyvRedis(url) })]`
   * to share results between instances). Replaces the default in-memory store. Keys are
   * `zitadel:introspection:<sha256 of the token, base64url>`, never the token. The library never
   * disconnects them: they are yours.
   * @default one bounded in-memory store
   */
  stores?: ZitadelKeyvStore[];
  /**
   * Longest wait for one read or write of the configured `stores`, in milliseconds. A store that
   * does not answer in time (Redis down, a network partition) is skipped for that request: the
   * token is introspected without the cache instead of the request hanging.
   * @default 500
   */
  storeTimeoutMs?: number;
}

/** Introspection of incoming opaque access tokens (RFC 7662). */
export interface IntrospectionOptions {
  /** Caching of results. */
  cache?: IntrospectionCacheOptions;
}

/** Local verification of incoming JWT access tokens. */
export interface JwtValidationOptions {
  /** Leeway for `exp`, `nbf` and `iat`, in seconds, for clock drift. @default 5 */
  clockToleranceSeconds?: number;
  /**
   * A token signed with a key missing from the cached JWKS refetches it at most once per this
   * many seconds, so rotated keys are picked up and forged `kid`s cannot flood ZITADEL.
   * @default 30
   */
  jwksCooldownSeconds?: number;
  /** The JWKS is refreshed in the background once it is older than this many seconds. @default 600 */
  jwksMaxAgeSeconds?: number;
  /**
   * Verified tokens kept in memory (keyed by a sha256 hash of the token), so a token's signature
   * is checked once, not on every request. Entries expire at the token's `exp` at the latest.
   */
  cache?: {
    /** Entries kept; the least recently used are dropped first. `0` disables the cache. @default 10000 */
    maxEntries?: number;
    /** Longest time a verified token is reused without verifying it again, in seconds. @default 300 */
    maxTtlSeconds?: number;
  };
}

/** Where a route's signing keys come from: fixed keys, or a function of the incoming request (many targets). */
export type ZitadelSigningKeys =
  | string
  | readonly string[]
  | ((request: ZitadelActionCallRequest) => string | readonly string[] | Promise<string | readonly string[]>);

/** What a signing-key resolver sees of the incoming call: enough to tell targets apart, nothing parsed from the body. */
export interface ZitadelActionCallRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request path and query, e.g. `/zitadel/events?target=audit`. */
  readonly url: string | undefined;
}

/** The remembered signatures of the replay guard. */
export interface ZitadelReplayGuardOptions {
  /** Signatures remembered in the default in-memory store (least recently used dropped first). @default 10000 */
  maxEntries?: number;
  /**
   * A Keyv store shared between instances (e.g. Redis), replacing the in-memory one. Keys are
   * `zitadel:action-replay:<sha256 of the signature header, base64url>`. Its check-then-set is not
   * atomic: two instances receiving the same replay at the same instant may both accept it.
   */
  store?: ZitadelKeyvStore;
}

/** Receiving ZITADEL's signed Actions v2 calls on `@ZitadelAction()` routes. */
export interface ZitadelActionsOptions {
  /**
   * The signing keys of the targets (returned once by ZITADEL's `CreateTarget`), several during a
   * rotation, or a function choosing them per request. A route's own `signingKeys` replace these.
   */
  signingKeys?: ZitadelSigningKeys;
  /**
   * How far a signature's timestamp may be from now, in seconds, both ways. A captured call can be
   * replayed for this long (see `replayGuard`).
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * Refuse a signature header seen before (within the tolerance): `true` for the defaults, or its
   * settings. Off by default because ZITADEL's function calls (`preaccesstoken`, `preuserinfo`)
   * carry no nonce: two genuine calls for the same user in the same second are byte-identical
   * and would be refused. Event payloads are unique (they carry the event's sequence): turn it on
   * for event targets, per route or here.
   * @default false
   */
  replayGuard?: boolean | ZitadelReplayGuardOptions;
  /**
   * The private key of a target with `PAYLOAD_TYPE_JWE` (PEM, PKCS#8 or PKCS#1, or a `KeyObject`):
   * ZITADEL encrypts to the public key registered on the target (RSA-OAEP-256 or ECDH-ES+A256KW).
   */
  decryptionKey?: string | KeyObject;
}

/**
 * Options of {@link ZitadelModule}. Validated once at bootstrap; every problem is reported at
 * once in a `ZitadelConfigurationError`.
 *
 * @example
 * ZitadelModule.forRoot({
 *   issuer: 'https://acme.zitadel.cloud',
 *   serviceUser: { keyFile: './service-user.json' },
 *   apiApplication: { keyFile: './api-app.json' },
 *   projectId: '231848297847848962',
 * })
 */
export interface ZitadelModuleOptions {
  /**
   * The ZITADEL instance URL, e.g. `https://acme.zitadel.cloud`. Discovery is read from
   * `{issuer}/.well-known/openid-configuration`. Must be `https`, except on loopback.
   */
  issuer: string;
  /** Accept a plain `http` issuer that is not on loopback (e.g. inside a private network). @default false */
  allowInsecureIssuer?: boolean;
  /** Credentials for outgoing calls (TokenService, management client). */
  serviceUser?: ServiceUserCredentials;
  /** Credentials this API uses to introspect incoming tokens. */
  apiApplication?: ApiApplicationCredentials;
  /** The API's project id: incoming tokens must carry it in their audience; roles are read for it. */
  projectId?: string;
  /**
   * `auto`: JWT-shaped tokens are verified locally against the JWKS, others introspected;
   * `introspection`: every token is introspected; `jwt`: only JWT access tokens are accepted.
   * @default 'auto'
   */
  tokenValidation?: TokenValidationMode;
  /** Outgoing HTTP: timeouts and retries. */
  http?: ZitadelHttpOptions;
  /** Access-token cache of the TokenService. */
  tokenCache?: TokenCacheOptions;
  /**
   * The `realm` of the guard's `WWW-Authenticate: Bearer realm="..."` challenges (RFC 6750 §3).
   * Printable ASCII without double quotes or backslashes.
   * @default 'api'
   */
  realm?: string;
  /** Introspection of incoming opaque tokens (guard and `IntrospectionService`). */
  introspection?: IntrospectionOptions;
  /** Local verification of incoming JWT access tokens (guard and `ZitadelTokenValidator`). */
  jwt?: JwtValidationOptions;
  /** `ZitadelApi`: calls to ZITADEL's v2 services over Connect. */
  api?: ZitadelApiOptions;
  /** Where the endpoints named by the discovery document may be. */
  discovery?: DiscoveryOptions;
  /** Actions v2: verifying the signed calls ZITADEL makes to `@ZitadelAction()` routes. */
  actions?: ZitadelActionsOptions;
  /**
   * The time source of every cache, cooldown, token lifetime and retry wait. For tests: pass
   * `new ManualClock()` from `nestjs-zitadel/testing` and move time with `clock.advance(ms)`.
   * @default the system clock
   */
  clock?: ZitadelClock;
}
