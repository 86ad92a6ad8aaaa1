/** A service user's key file exactly as ZITADEL's console and API hand it out. */
export interface ServiceUserKeyFile {
  type: 'serviceaccount';
  keyId: string;
  key: string;
  userId: string;
  expirationDate?: string;
}

/** An API application's key file exactly as ZITADEL hands it out. */
export interface ApplicationKeyFile {
  type: 'application';
  keyId: string;
  key: string;
  appId: string;
  clientId: string;
  expirationDate?: string;
}

/** The emulator's endpoints, as named in faults and in the request log. */
export type EmulatorEndpoint = 'discovery' | 'jwks' | 'token' | 'introspect' | 'revoke' | 'userinfo' | 'management' | 'other';

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
  /** For a service user created `withSecret`: its client id (the user name) for client credentials. */
  readonly clientId?: string;
  /** For a service user created `withSecret`: its client secret. */
  readonly clientSecret?: string;
}

/** A created API application. */
export interface EmulatorApiApplication {
  readonly appId: string;
  readonly clientId: string;
  readonly projectId: string;
  /** With `authMethod: 'client_secret_basic'`. */
  readonly clientSecret?: string;
  /** With `authMethod: 'private_key_jwt'`: the application's key file. */
  readonly keyFile?: ApplicationKeyFile;
}

/** A fault the emulator injects before handling requests to one endpoint. */
export interface EmulatorFault {
  readonly endpoint: EmulatorEndpoint;
  /** Answer with this status (and `body`, `headers`) instead of handling the request. */
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Wait this long first (then answer normally, unless `status` or `drop` is set). */
  readonly delayMs?: number;
  /** Destroy the connection without an answer. */
  readonly drop?: boolean;
  /** How many requests it applies to. @default Infinity */
  readonly times?: number;
}

/** One request the emulator received. Never holds a token or a secret. */
export interface EmulatorRequestLogEntry {
  readonly endpoint: EmulatorEndpoint;
  readonly method: string;
  readonly path: string;
  status: number;
  readonly at: Date;
}

/** Options of {@link ZitadelEmulator.issueToken}. */
export interface IssueTokenOptions {
  readonly userId: string;
  /** Scopes, with ZITADEL's reserved ones shaping audience and claims. @default ['openid', 'profile', 'email'] */
  readonly scopes?: readonly string[];
  /** @default 'opaque' */
  readonly type?: 'opaque' | 'jwt';
  /** Lifetime in seconds; negative for an already expired token. @default 43199 */
  readonly expiresIn?: number;
  readonly notBefore?: Date;
  /** The application the user logged in to: its client id and project join the audience. */
  readonly clientId?: string;
}
