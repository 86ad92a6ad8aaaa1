import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BodyTooLargeError, sendJson } from './emulator-http.js';
import { EmulatorStore, type StoredKey, type StoredUser } from './emulator-store.js';
import type {
  ApplicationKeyFile,
  EmulatorApiApplication,
  EmulatorEndpoint,
  EmulatorFault,
  EmulatorOrg,
  EmulatorProject,
  EmulatorRequestLogEntry,
  EmulatorUser,
  IssueTokenOptions,
  ServiceUserKeyFile,
} from './emulator.types.js';
import { Faults } from './faults.js';
import { newId } from './ids.js';
import { ManagementEndpoints } from './management-endpoints.js';
import { OAuthEndpoints } from './oauth-endpoints.js';
import { generateRsaKey, pkcs1Pem, SigningKeys } from './signing-keys.js';
import { DEFAULT_LIFETIME_SECONDS, TokenIssuer } from './token-issuer.js';

/** Options of {@link ZitadelEmulator.start}. */
export interface ZitadelEmulatorOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Lifetime of tokens from the token endpoint, in seconds. @default 43199 */
  readonly accessTokenLifetimeSeconds?: number;
}

const ROUTES: Record<string, EmulatorEndpoint> = {
  '/.well-known/openid-configuration': 'discovery',
  '/oauth/v2/keys': 'jwks',
  '/oauth/v2/token': 'token',
  '/oauth/v2/introspect': 'introspect',
  '/oauth/v2/revoke': 'revoke',
  '/oidc/v1/userinfo': 'userinfo',
};

/**
 * An in-process ZITADEL for tests and local development: a real HTTP server on loopback that
 * answers discovery, JWKS, token (JWT-profile grant and client credentials), introspection,
 * revocation and userinfo as ZITADEL does, with helpers to set up organisations, projects, roles,
 * users, keys and grants, fault injection and a request log.
 *
 * @example
 * const zitadel = await ZitadelEmulator.start();
 * const project = zitadel.createProject({ name: 'api' });
 * const user = zitadel.createServiceUser({ userName: 'worker' });
 * const keyFile = await zitadel.addServiceUserKey(user.userId);
 * // ... ZitadelModule.forRoot({ issuer: zitadel.issuer, serviceUser: { key: keyFile } })
 * await zitadel.close();
 */
export class ZitadelEmulator {
  /** The organisation created at start, owner of what is created without an `orgId`. */
  readonly defaultOrg: EmulatorOrg;
  private readonly store = new EmulatorStore();
  private readonly faults = new Faults();
  private readonly log: EmulatorRequestLogEntry[] = [];
  private readonly tokens: TokenIssuer;
  private readonly oauth: OAuthEndpoints;
  private readonly management: ManagementEndpoints;
  private baseUrl = '';

  private constructor(
    private readonly server: Server,
    private readonly keys: SigningKeys,
    private readonly lifetime: number,
  ) {
    this.tokens = new TokenIssuer(this.store, keys, () => this.issuer);
    this.oauth = new OAuthEndpoints(this.store, keys, this.tokens, () => this.issuer, () => this.lifetime);
    this.management = new ManagementEndpoints(this.store, this.oauth);
    this.defaultOrg = this.createOrg({ name: 'ZITADEL', primaryDomain: 'zitadel.localhost' });
  }

  /** Starts an emulator on loopback. Close it with {@link close}. */
  static async start(options: ZitadelEmulatorOptions = {}): Promise<ZitadelEmulator> {
    const server = createServer();
    const emulator = new ZitadelEmulator(server, await SigningKeys.create(), options.accessTokenLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS);
    server.on('request', (req, res) => void emulator.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    emulator.baseUrl = `http://${host}:${address.port}`;
    return emulator;
  }

  /** The issuer URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  get issuer(): string {
    return this.baseUrl;
  }

  /** Every request received so far, oldest first. */
  get requests(): readonly EmulatorRequestLogEntry[] {
    return this.log;
  }

  /** How many requests an endpoint received. */
  requestCount(endpoint: EmulatorEndpoint): number {
    return this.log.filter((entry) => entry.endpoint === endpoint).length;
  }

  clearRequestLog(): void {
    this.log.length = 0;
  }

  /** Injects a fault; returns a function that removes it. */
  injectFault(fault: EmulatorFault): () => void {
    return this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  createOrg(options: { name: string; primaryDomain?: string }): EmulatorOrg {
    const org = { id: newId(), name: options.name, primaryDomain: options.primaryDomain ?? `${options.name.toLowerCase().replace(/\W+/g, '-')}.zitadel.localhost` };
    this.store.orgs.set(org.id, org);
    return { ...org };
  }

  createProject(options: { name: string; orgId?: string; assertRolesOnAuthentication?: boolean }): EmulatorProject {
    const orgId = this.requireOrg(options.orgId);
    const project = { id: newId(), name: options.name, orgId, assertRolesOnAuthentication: options.assertRolesOnAuthentication ?? false, roles: new Map() };
    this.store.projects.set(project.id, project);
    return { id: project.id, name: project.name, orgId };
  }

  addProjectRole(projectId: string, role: { key: string; displayName?: string; group?: string }): void {
    this.requireProject(projectId).roles.set(role.key, { key: role.key, displayName: role.displayName ?? role.key, group: role.group ?? '' });
  }

  createServiceUser(options: { userName: string; orgId?: string; accessTokenType?: 'opaque' | 'jwt'; withSecret?: boolean; clientSecret?: string }): EmulatorUser {
    const user = this.addUser({ userName: options.userName, orgId: options.orgId, kind: 'machine', accessTokenType: options.accessTokenType ?? 'opaque' });
    if (options.withSecret === true || options.clientSecret !== undefined) {
      user.clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
      return { userId: user.id, userName: user.userName, orgId: user.orgId, clientId: user.userName, clientSecret: user.clientSecret };
    }
    return { userId: user.id, userName: user.userName, orgId: user.orgId };
  }

  createHumanUser(options: { userName: string; email?: string; firstName?: string; lastName?: string; orgId?: string }): EmulatorUser {
    const user = this.addUser({ ...options, kind: 'human', accessTokenType: 'opaque' });
    return { userId: user.id, userName: user.userName, orgId: user.orgId };
  }

  /** Adds a key to a service user and returns its key file, as ZITADEL's console downloads it. */
  async addServiceUserKey(userId: string, options: { expirationDate?: Date } = {}): Promise<ServiceUserKeyFile> {
    const user = this.store.users.get(userId);
    if (user?.kind !== 'machine') throw new Error(`no service user ${userId}`);
    const key = await generateRsaKey();
    user.keys.set(key.kid, this.storedKey(key.kid, key.publicKey, options.expirationDate));
    const file: ServiceUserKeyFile = { type: 'serviceaccount', keyId: key.kid, key: pkcs1Pem(key), userId };
    if (options.expirationDate !== undefined) file.expirationDate = options.expirationDate.toISOString();
    return file;
  }

  /** Creates an API application in a project, authenticated by key (`private_key_jwt`) or secret. */
  async createApiApplication(options: {
    projectId: string;
    name?: string;
    authMethod: 'private_key_jwt' | 'client_secret_basic';
    clientId?: string;
    clientSecret?: string;
  }): Promise<EmulatorApiApplication> {
    const project = this.requireProject(options.projectId);
    const appId = newId();
    const clientId = options.clientId ?? `${newId()}@${project.name.toLowerCase().replace(/\W+/g, '-')}`;
    const app = { appId, clientId, projectId: project.id, keys: new Map<string, StoredKey>(), clientSecret: undefined as string | undefined };
    this.store.apps.set(appId, app);
    if (options.authMethod === 'client_secret_basic') {
      app.clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
      return { appId, clientId, projectId: project.id, clientSecret: app.clientSecret };
    }
    const key = await generateRsaKey();
    app.keys.set(key.kid, this.storedKey(key.kid, key.publicKey, undefined));
    const keyFile: ApplicationKeyFile = { type: 'application', keyId: key.kid, key: pkcs1Pem(key), appId, clientId };
    return { appId, clientId, projectId: project.id, keyFile };
  }

  /** Grants project roles to a user, by an organisation (default: the project's). */
  grantRoles(options: { userId: string; projectId: string; roleKeys: readonly string[]; orgId?: string }): void {
    const project = this.requireProject(options.projectId);
    for (const role of options.roleKeys) if (!project.roles.has(role)) throw new Error(`project ${project.id} has no role ${role}`);
    if (!this.store.users.has(options.userId)) throw new Error(`no user ${options.userId}`);
    this.store.grants.push({ userId: options.userId, projectId: project.id, orgId: this.requireOrg(options.orgId ?? project.orgId), roleKeys: [...options.roleKeys] });
  }

  /** Makes a user a member of an organisation with manager roles such as `ORG_OWNER`. */
  addOrgMember(orgId: string, userId: string, roles: readonly string[]): void {
    this.requireOrg(orgId);
    let members = this.store.orgMembers.get(orgId);
    if (members === undefined) this.store.orgMembers.set(orgId, (members = new Map()));
    members.set(userId, [...roles]);
  }

  /** Makes a user an instance manager (`IAM_OWNER`, ...). */
  addInstanceMember(userId: string, roles: readonly string[]): void {
    this.store.instanceMembers.set(userId, [...roles]);
  }

  /** An access token for a user, as if they had logged in with these scopes. */
  async issueToken(options: IssueTokenOptions): Promise<string> {
    const user = this.store.users.get(options.userId);
    if (user === undefined) throw new Error(`no user ${options.userId}`);
    const { token } = await this.tokens.issue({
      user,
      scopes: options.scopes ?? ['openid', 'profile', 'email'],
      clientId: options.clientId ?? user.userName,
      type: options.type ?? 'opaque',
      expiresIn: options.expiresIn ?? this.lifetime,
      ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
    });
    return token;
  }

  /** Revokes an access token: it introspects as inactive from now on. */
  async revokeToken(token: string): Promise<void> {
    const stored = await this.oauth.activeToken(token);
    if (stored !== undefined) stored.revoked = true;
  }

  /** A new signing key for tokens; the old one stays in the JWKS unless `dropOld`. */
  rotateSigningKeys(options: { dropOld?: boolean } = {}): Promise<void> {
    return this.keys.rotate(options.dropOld ?? false);
  }

  /** Stops the server and closes every connection. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const endpoint = ROUTES[path] ?? (path.startsWith('/management/') || path.startsWith('/v2/') ? 'management' : 'other');
    const entry: EmulatorRequestLogEntry = { endpoint, method: req.method ?? 'GET', path, status: 0, at: new Date() };
    this.log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    try {
      const fault = this.faults.take(endpoint);
      if (fault !== undefined && (await this.applyFault(fault, req, res))) return;
      await this.route(endpoint, req, res);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'invalid_request', error_description: 'request too large' });
      sendJson(res, 500, { error: 'server_error', error_description: 'internal error' });
    }
  }

  /** @returns whether the fault answered the request. */
  private async applyFault(fault: EmulatorFault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (fault.delayMs !== undefined) await sleep(fault.delayMs);
    if (fault.drop === true) {
      req.socket.destroy();
      return true;
    }
    if (fault.status === undefined) return false;
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(fault.body === undefined ? '{}' : JSON.stringify(fault.body));
    return true;
  }

  private async route(endpoint: EmulatorEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const post = req.method === 'POST';
    switch (endpoint) {
      case 'discovery':
        return sendJson(res, 200, this.discoveryDocument());
      case 'jwks':
        return sendJson(res, 200, await this.keys.jwks());
      case 'token':
        return post ? this.oauth.token(req, res) : methodNotAllowed(res);
      case 'introspect':
        return post ? this.oauth.introspect(req, res) : methodNotAllowed(res);
      case 'revoke':
        return post ? this.oauth.revoke(req, res) : methodNotAllowed(res);
      case 'userinfo':
        return this.oauth.userinfo(req, res);
      case 'management':
        return this.management.handle(req, res);
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
    }
  }

  private discoveryDocument(): Record<string, unknown> {
    const base = this.issuer;
    return {
      issuer: base,
      authorization_endpoint: `${base}/oauth/v2/authorize`,
      token_endpoint: `${base}/oauth/v2/token`,
      introspection_endpoint: `${base}/oauth/v2/introspect`,
      userinfo_endpoint: `${base}/oidc/v1/userinfo`,
      revocation_endpoint: `${base}/oauth/v2/revoke`,
      end_session_endpoint: `${base}/oidc/v1/end_session`,
      device_authorization_endpoint: `${base}/oauth/v2/device_authorization`,
      jwks_uri: `${base}/oauth/v2/keys`,
      scopes_supported: ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'],
      response_types_supported: ['code', 'id_token', 'id_token token'],
      grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      introspection_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'auth_time', 'nonce', 'acr', 'amr', 'c_hash', 'at_hash', 'act', 'scopes', 'client_id', 'azp', 'preferred_username', 'name', 'family_name', 'given_name', 'locale', 'email', 'email_verified', 'phone_number', 'phone_number_verified'],
      code_challenge_methods_supported: ['S256'],
    };
  }

  private addUser(options: { userName: string; orgId?: string | undefined; kind: 'human' | 'machine'; accessTokenType: 'opaque' | 'jwt'; email?: string | undefined; firstName?: string | undefined; lastName?: string | undefined }): StoredUser {
    const user: StoredUser = {
      id: newId(),
      userName: options.userName,
      orgId: this.requireOrg(options.orgId),
      kind: options.kind,
      accessTokenType: options.accessTokenType,
      keys: new Map(),
      ...(options.email === undefined ? {} : { email: options.email }),
      ...(options.firstName === undefined ? {} : { firstName: options.firstName }),
      ...(options.lastName === undefined ? {} : { lastName: options.lastName }),
    };
    this.store.users.set(user.id, user);
    return user;
  }

  private storedKey(keyId: string, publicKey: StoredKey['publicKey'], expiresAt: Date | undefined): StoredKey {
    return { keyId, publicKey, expiresAt };
  }

  private requireOrg(orgId: string | undefined): string {
    const id = orgId ?? this.defaultOrg.id;
    if (!this.store.orgs.has(id)) throw new Error(`no organisation ${id}`);
    return id;
  }

  private requireProject(projectId: string): { id: string; name: string; orgId: string; roles: Map<string, unknown> } {
    const project = this.store.projects.get(projectId);
    if (project === undefined) throw new Error(`no project ${projectId}`);
    return project;
  }
}

function methodNotAllowed(res: ServerResponse): void {
  res.writeHead(405, { 'content-type': 'text/plain' }).end('405 method not allowed');
}
