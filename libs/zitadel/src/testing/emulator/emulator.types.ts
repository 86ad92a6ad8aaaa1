/**
 * A service user's key file exactly as ZITADEL's console and API hand it out (JSON).
 *
 * @see https://zitadel.com/docs/guides/integrate/service-users/private-key-jwt
 */
export interface ServiceUserKeyFile {
  type: 'serviceaccount';
  /** The key's id, the assertion's `kid`. A decimal string. */
  keyId: string;
  /** The RSA private key, PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`). */
  key: string;
  /** RFC 3339; ZITADEL always writes one (`9999-12-31T23:59:59Z` when the key never expires). */
  expirationDate?: string;
  /** The service user's id, the assertion's `iss` and `sub`. */
  userId: string;
}

/**
 * An API application's key file exactly as ZITADEL hands it out (JSON), for `private_key_jwt`.
 *
 * @see https://zitadel.com/docs/guides/integrate/token-introspection/private-key-jwt
 */
export interface ApplicationKeyFile {
  type: 'application';
  keyId: string;
  /** The RSA private key, PKCS#1 PEM. */
  key: string;
  appId: string;
  /** The application's client id, the assertion's `iss` and `sub`; contains `@`. */
  clientId: string;
  /** RFC 3339, when the key was created with an expiration date. */
  expirationDate?: string;
}

/**
 * The emulator's endpoints, as named in faults and in the request log. `management` covers
 * ZITADEL's REST APIs (`/management/...`, `/v2/...`), `other` any unknown path.
 */
export type EmulatorEndpoint =
  | 'discovery'
  | 'jwks'
  | 'token'
  | 'introspect'
  | 'revoke'
  | 'userinfo'
  | 'authorize'
  | 'end_session'
  | 'management'
  | 'other';

/** The emulator's time source: epoch milliseconds. `ManualClock` (`nestjs-zitadel/testing`) is one. */
export interface EmulatorClock {
  now(): number;
  /** When present (a `ManualClock` has it), Actions target timeouts wait on it instead of real time. */
  sleep?(ms: number): Promise<void>;
}

/** Options of {@link ZitadelEmulator.start}. */
export interface ZitadelEmulatorOptions {
  /** Port to listen on. @default 0 (any free port) */
  readonly port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Lifetime of access tokens from the token endpoint, in seconds; `expires_in` is one less, as
   * ZITADEL reports the time left rounded down. @default 43200 (12 hours, ZITADEL's default)
   */
  readonly accessTokenLifetimeSeconds?: number;
  /**
   * How the token endpoint answers a refused JWT-profile assertion (wrong audience, expired, bad
   * signature, unknown key, ...).
   * - `'invalid_grant'`: as ZITADEL's OpenID library classifies it (RFC 7523 §3.1): 400
   *   `invalid_grant` with the library's description, 400 `invalid_request` for a malformed JWT.
   * - `'server_error'`: as ZITADEL releases up to at least v4.10 actually answer (zitadel/zitadel#12692):
   *   500 `server_error` "Errors.Internal" for every refused assertion. Use it to test that a
   *   client copes with that.
   * @default 'invalid_grant'
   */
  readonly jwtProfileErrors?: 'invalid_grant' | 'server_error';
  /**
   * Where the emulator reads the time: token `iat`/`nbf`/`exp` and their expiry at introspection
   * and userinfo, key expiry, assertion checks, management dates, request log times, ids. Give the
   * same `ManualClock` to the emulator and to `ZitadelModule` (option `clock`) and a test moves
   * time with `clock.advance(ms)` instead of waiting. `now()` is read, and `sleep(ms)` when present
   * (Actions target timeouts).
   * @default the real time (`Date.now()`)
   * @example
   * const clock = new ManualClock();
   * const zitadel = await ZitadelEmulator.start({ clock });
   */
  readonly clock?: EmulatorClock;
  /** Instance features at start; see {@link EmulatorFeatures}. @default every feature off */
  readonly features?: EmulatorFeatures;
}

/** Instance features of the emulated ZITADEL (its feature API), each off unless turned on. */
export interface EmulatorFeatures {
  /** The token exchange grant (RFC 8693), a beta feature of ZITADEL. @default false */
  readonly oidcTokenExchange?: boolean;
}

/** The instance's security policy. */
export interface EmulatorSecurityPolicy {
  /** Whether token exchange may impersonate users (ZITADEL's "enable impersonation"). @default false */
  readonly enableImpersonation?: boolean;
}

/** The grant types an OIDC application may use, as ZITADEL's console names them. */
export type EmulatorOidcGrantType = 'authorization_code' | 'refresh_token' | 'token_exchange';

/** An organisation of the emulated instance. */
export interface EmulatorOrg {
  readonly id: string;
  readonly name: string;
  readonly primaryDomain: string;
}

/** A project and the organisation that owns it. */
export interface EmulatorProject {
  readonly id: string;
  readonly name: string;
  readonly orgId: string;
}

/** A created user (human or service user). */
export interface EmulatorUser {
  readonly userId: string;
  readonly userName: string;
  readonly orgId: string;
  /** For a service user with a secret: its client id for client credentials, the user name. */
  readonly clientId?: string;
  /** For a service user with a secret: the secret. ZITADEL shows it once; so does the emulator. */
  readonly clientSecret?: string;
}

/** A created application (API or OIDC) and its credentials. */
export interface EmulatorApiApplication {
  readonly appId: string;
  /** `<id>@<project name>`, as ZITADEL forms client ids. */
  readonly clientId: string;
  readonly projectId: string;
  /** With a secret-based `authMethod`. */
  readonly clientSecret?: string;
  /** With `authMethod: 'private_key_jwt'`: the application's key file. */
  readonly keyFile?: ApplicationKeyFile;
}

/** A created OIDC application (web app, SPA, native app): the same shape as an API application. */
export type EmulatorOidcApplication = EmulatorApiApplication;

/** Options of {@link ZitadelEmulator.createOrg}. */
export interface CreateOrgOptions {
  readonly name: string;
  /** @default `<name as a slug>.localhost` */
  readonly primaryDomain?: string;
}

/** Options of {@link ZitadelEmulator.createProject}. */
export interface CreateProjectOptions {
  readonly name: string;
  /** Owning organisation. @default the default organisation */
  readonly orgId?: string;
  /** ZITADEL's "assert roles on authentication": roles of this project come with user info even when no role scope asks for them. @default false */
  readonly assertRolesOnAuthentication?: boolean;
}

/** A role of a project, for {@link ZitadelEmulator.addProjectRole}. */
export interface ProjectRoleOptions {
  readonly key: string;
  /** @default the key */
  readonly displayName?: string;
  /** @default '' */
  readonly group?: string;
}

/** Options of {@link ZitadelEmulator.createServiceUser}. */
export interface CreateServiceUserOptions {
  /** The user name; also the client id for client credentials. */
  readonly userName: string;
  /** The display name. @default the user name */
  readonly name?: string;
  /** @default the default organisation */
  readonly orgId?: string;
  /** The service user's "access token type": opaque tokens or JWTs. @default 'opaque' */
  readonly accessTokenType?: 'opaque' | 'jwt';
  /** Generate a client secret (for client credentials). @default false */
  readonly withSecret?: boolean;
  /** Use this client secret instead of a generated one (implies `withSecret`), e.g. a documented test vector. */
  readonly clientSecret?: string;
}

/** Options of {@link ZitadelEmulator.createHumanUser}. */
export interface CreateHumanUserOptions {
  readonly userName: string;
  readonly email?: string;
  /** @default true */
  readonly emailVerified?: boolean;
  /** @default the user name */
  readonly firstName?: string;
  /** @default the user name */
  readonly lastName?: string;
  /** @default `firstName lastName` */
  readonly displayName?: string;
  readonly nickName?: string;
  /** A language tag such as `en` or `de-CH`: the `locale` claim. */
  readonly preferredLanguage?: string;
  /** @default the default organisation */
  readonly orgId?: string;
}

/** Options of {@link ZitadelEmulator.addServiceUserKey} and key-based applications. */
export interface KeyOptions {
  /**
   * When ZITADEL stops accepting the key. A date in the past is allowed here (ZITADEL refuses it
   * at creation) so tests can try an expired key without waiting.
   */
  readonly expirationDate?: Date;
}

/** Options of {@link ZitadelEmulator.createApiApplication}. */
export interface CreateApiApplicationOptions {
  readonly projectId: string;
  /** @default 'api' */
  readonly name?: string;
  /** How the API authenticates (to introspect): a key file or a secret. */
  readonly authMethod: 'private_key_jwt' | 'client_secret_basic';
  /** Use this client id instead of a generated `<id>@<project>` one, e.g. a documented test vector. */
  readonly clientId?: string;
  /** Use this secret instead of a generated one (`client_secret_basic`). */
  readonly clientSecret?: string;
  /** Expiration of the generated key (`private_key_jwt`). */
  readonly keyExpirationDate?: Date;
}

/** Options of {@link ZitadelEmulator.createOidcApplication}. */
export interface CreateOidcApplicationOptions {
  readonly projectId: string;
  /** @default 'app' */
  readonly name?: string;
  /** How the app authenticates at the token and revocation endpoints; `none` for a public client (PKCE). */
  readonly authMethod: 'client_secret_basic' | 'private_key_jwt' | 'none';
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** ZITADEL's "user roles inside access token": role claims in JWT access tokens issued for the app. @default false */
  readonly accessTokenRoleAssertion?: boolean;
  /** Grant types the app may use; `token_exchange` to exchange tokens. @default ['authorization_code'] */
  readonly grantTypes?: readonly EmulatorOidcGrantType[];
}

/** Options of {@link ZitadelEmulator.grantRoles}. */
export interface GrantRolesOptions {
  readonly userId: string;
  readonly projectId: string;
  /** Keys of roles of the project. */
  readonly roleKeys: readonly string[];
  /** The granting organisation. @default the project's organisation */
  readonly orgId?: string;
}

/** Options of {@link ZitadelEmulator.issueToken}. */
export interface IssueTokenOptions {
  readonly userId: string;
  /** Scopes, with ZITADEL's reserved ones shaping audience and claims as at the token endpoint. @default ['openid', 'profile', 'email'] */
  readonly scopes?: readonly string[];
  /** @default the service user's access token type; 'opaque' for a human */
  readonly type?: 'opaque' | 'jwt';
  /** Lifetime in seconds; negative for an already expired token. @default the emulator's access token lifetime */
  readonly expiresIn?: number;
  /** The token is inactive before this time. @default now */
  readonly notBefore?: Date;
  /**
   * The application the user logged in to: its client id and project join the audience and its
   * project's roles are asserted as for that app. @default none: the user's name is the client id
   */
  readonly clientId?: string;
}

/** Options of {@link ZitadelEmulator.rotateSigningKeys}. */
export interface RotateSigningKeysOptions {
  /** Remove the previous keys from the JWKS at once: tokens they signed stop verifying. @default false */
  readonly dropOld?: boolean;
}

/** A fault the emulator injects, before normal handling, into requests to one endpoint. */
export interface EmulatorFault {
  readonly endpoint: EmulatorEndpoint;
  /** Answer with this status (and `body`, `headers`) instead of handling the request. */
  readonly status?: number;
  /** The answer's body: a string is sent as is, anything else as JSON. @default empty */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long first (real time, whatever the `clock`); then answer normally unless `status` or `drop` is set. */
  readonly delayMs?: number;
  /** Destroy the connection without an answer. */
  readonly drop?: boolean;
  /** How many requests it applies to; then it removes itself. @default Infinity */
  readonly times?: number;
}

/** One request the emulator received. Never holds a token, a secret or a query string. */
export interface EmulatorRequestLogEntry {
  readonly endpoint: EmulatorEndpoint;
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The status answered; 0 while the request is being handled, or when the connection was dropped (a `drop` fault, a close). */
  readonly status: number;
  readonly at: Date;
}
