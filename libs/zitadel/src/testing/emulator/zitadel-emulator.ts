import { AccessTokens } from './access-tokens.js';
import { grantChanged, userAdded } from './actions/action-events.js';
import { ActionRuntime } from './actions/action-runtime.js';
import { EmulatorActions } from './actions/emulator-actions.js';
import { TargetFailure } from './actions/target-failure.js';
import { wireActions } from './actions/wiring.js';
import type { EmulatorContext, EmulatorSettings } from './emulator-context.js';
import {
  EmulatorStore,
  sha256,
  type AppRecord,
  type ProjectRecord,
  type PublicKeyRecord,
  type UserRecord,
} from './emulator-store.js';
import type {
  ApplicationKeyFile,
  CreateApiApplicationOptions,
  CreateHumanUserOptions,
  CreateOidcApplicationOptions,
  CreateOrgOptions,
  CreateProjectOptions,
  CreateServiceUserOptions,
  EmulatorApiApplication,
  EmulatorFeatures,
  EmulatorOidcGrantType,
  EmulatorSecurityPolicy,
  EmulatorClock,
  EmulatorEndpoint,
  EmulatorFault,
  EmulatorOidcApplication,
  EmulatorOrg,
  EmulatorProject,
  EmulatorRequestLogEntry,
  EmulatorUser,
  GrantRolesOptions,
  IssueTokenOptions,
  KeyOptions,
  ProjectRoleOptions,
  RotateSigningKeysOptions,
  ServiceUserKeyFile,
  ZitadelEmulatorOptions,
} from './emulator.types.js';
import { Faults } from './faults.js';
import { EmulatorHttpServer } from './http-server.js';
import { jsonResponse } from './http-exchange.js';
import { newId, newSecret } from './ids.js';
import { RequestLog } from './request-log.js';
import { endpointOf, route } from './router.js';
import { managementState } from './management/management-state.js';
import { generateRsaKeyPair, pkcs1Pem } from './rsa-keys.js';
import { addAudienceScopes, allowedScopes, checkOrgScopes } from './scopes.js';
import { SigningKeys } from './signing-keys.js';

/** ZITADEL's default access token lifetime: 12 hours. */
const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 43_200;
/** The real time, unless the emulator is started with a `clock`. */
const SYSTEM_CLOCK: EmulatorClock = Object.freeze({ now: () => Date.now() });
/** What ZITADEL writes as the expiration of a key created without one. */
const NEVER_EXPIRES = '9999-12-31T23:59:59Z';

/** A misuse of the emulator's set-up API (unknown id, duplicate name, ...). */
export class ZitadelEmulatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZitadelEmulatorError';
  }
}

/**
 * An in-process ZITADEL for tests and local development: a real HTTP server on loopback that
 * answers discovery, JWKS, the token endpoint (JWT-profile grant, client credentials),
 * introspection, revocation and userinfo with ZITADEL's checks, status codes and error bodies,
 * plus helpers to set up organisations, projects, roles, users, keys, applications and grants,
 * fault injection and a request log.
 *
 * @example
 * const zitadel = await ZitadelEmulator.start();
 * const project = zitadel.createProject({ name: 'reports' });
 * const worker = zitadel.createServiceUser({ userName: 'worker' });
 * const keyFile = await zitadel.addServiceUserKey(worker.userId);
 * const api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'private_key_jwt' });
 * // ZitadelModule.forRoot({ issuer: zitadel.issuer, serviceUser: { key: keyFile }, apiApplication: { key: api.keyFile } })
 * await zitadel.close();
 * @see https://zitadel.com/docs/apis/openidoauth/endpoints
 */
export class ZitadelEmulator {
  /** The organisation created at start; owner of everything created without an `orgId`. */
  readonly defaultOrg: EmulatorOrg;
  /** Id of the instance's own "ZITADEL" project, the audience that `urn:zitadel:iam:org:project:id:zitadel:aud` adds. */
  readonly zitadelProjectId: string;
  /**
   * Actions v2: targets and executions without Connect, and the calls made to targets. The
   * emulator calls targets as ZITADEL does: events after the changes it models, the
   * `preaccesstoken` / `preuserinfo` functions while it issues tokens and answers userinfo and
   * introspection.
   */
  readonly actions: EmulatorActions;
  private readonly store = new EmulatorStore();
  private readonly tokens: AccessTokens;
  private readonly context: EmulatorContext;

  private constructor(
    private readonly http: EmulatorHttpServer,
    private readonly keys: SigningKeys,
    private readonly faults: Faults,
    private readonly log: RequestLog,
    settings: EmulatorSettings,
    private readonly clock: EmulatorClock,
  ) {
    const issuer = http.url;
    this.zitadelProjectId = newId(clock.now());
    this.tokens = new AccessTokens(this.store, keys, () => issuer, this.zitadelProjectId, clock);
    const runtime = new ActionRuntime(this.store, clock, keys);
    wireActions(this.store, runtime, clock, newId(clock.now()));
    this.actions = new EmulatorActions(this.store, () => managementState(this.store, clock), runtime);
    this.context = {
      issuer,
      store: this.store,
      keys,
      tokens: this.tokens,
      zitadelProjectId: this.zitadelProjectId,
      settings,
      clock,
    };
    this.defaultOrg = this.createOrg({ name: 'ZITADEL', primaryDomain: 'zitadel.localhost' });
    this.store.projects.set(this.zitadelProjectId, {
      id: this.zitadelProjectId,
      name: 'ZITADEL',
      orgId: this.defaultOrg.id,
      assertRolesOnAuthentication: false,
      roles: new Map(),
    });
  }

  /**
   * Starts an emulator: generates its signing key and listens (default `127.0.0.1`, any free port).
   * Close it with {@link close}.
   */
  static async start(options: ZitadelEmulatorOptions = {}): Promise<ZitadelEmulator> {
    const lifetime = options.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < 1)
      throw new RangeError('ZitadelEmulator.start: "accessTokenLifetimeSeconds" must be a positive integer');
    const settings: EmulatorSettings = {
      accessTokenLifetimeSeconds: lifetime,
      jwtProfileErrors: options.jwtProfileErrors ?? 'invalid_grant',
    };
    const clock = options.clock ?? SYSTEM_CLOCK;
    if (typeof clock.now !== 'function') throw new TypeError('ZitadelEmulator.start: "clock" must have a now() method');
    const keys = await SigningKeys.create(clock);
    const faults = new Faults();
    const log = new RequestLog(clock);
    let context: EmulatorContext | undefined;
    const http = await EmulatorHttpServer.listen(options.host ?? '127.0.0.1', options.port ?? 0, {
      endpointOf,
      faults,
      log,
      handle: (endpoint, request) =>
        context === undefined ? jsonResponse(503, { error: 'server_error' }) : route(endpoint, request, context),
    });
    const emulator = new ZitadelEmulator(http, keys, faults, log, settings, clock);
    context = emulator.context;
    if (options.features !== undefined) emulator.setFeatures(options.features);
    return emulator;
  }

  /** The issuer URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  get issuer(): string {
    return this.context.issuer;
  }

  /** Every request received so far, oldest first (a snapshot). Holds no token, secret or query string. */
  get requests(): readonly EmulatorRequestLogEntry[] {
    return this.log.all;
  }

  /** How many requests an endpoint received (faulted and dropped ones included). */
  requestCount(endpoint: EmulatorEndpoint): number {
    return this.log.count(endpoint);
  }

  /** Empties the request log. */
  clearRequestLog(): void {
    this.log.clear();
  }

  /**
   * Injects a fault into requests to an endpoint, applied before normal handling. Faults match
   * in the order they were injected; each removes itself after `times` requests.
   *
   * @returns a function that removes the fault early.
   * @throws {RangeError} a `status` that is not an HTTP status, or a `times` that is not positive.
   * @example
   * zitadel.injectFault({ endpoint: 'token', status: 503, times: 2 });
   * zitadel.injectFault({ endpoint: 'introspect', drop: true, times: 1 });
   */
  injectFault(fault: EmulatorFault): () => void {
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
      throw new RangeError('injectFault: "status" must be an HTTP status code (100-599)');
    }
    return this.faults.add(fault);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Creates an organisation. @throws {ZitadelEmulatorError} the primary domain is taken. */
  createOrg(options: CreateOrgOptions): EmulatorOrg {
    const primaryDomain = options.primaryDomain ?? `${slug(options.name, '-')}.localhost`;
    if ([...this.store.orgs.values()].some((org) => org.primaryDomain === primaryDomain)) {
      throw new ZitadelEmulatorError(
        `createOrg: the domain "${primaryDomain}" is already an organisation's primary domain`,
      );
    }
    const org = { id: this.newId(), name: options.name, primaryDomain };
    this.store.orgs.set(org.id, org);
    return { ...org };
  }

  /** Creates a project in an organisation (default: the default organisation). */
  createProject(options: CreateProjectOptions): EmulatorProject {
    const orgId = this.requireOrg(options.orgId ?? this.defaultOrg.id, 'createProject').id;
    const project = {
      id: this.newId(),
      name: options.name,
      orgId,
      assertRolesOnAuthentication: options.assertRolesOnAuthentication ?? false,
      roles: new Map(),
    };
    this.store.projects.set(project.id, project);
    return { id: project.id, name: project.name, orgId };
  }

  /** Adds a role to a project. @throws {ZitadelEmulatorError} unknown project, or the role exists. */
  addProjectRole(projectId: string, role: ProjectRoleOptions): void {
    const project = this.requireProject(projectId, 'addProjectRole');
    if (project.roles.has(role.key))
      throw new ZitadelEmulatorError(`addProjectRole: project ${projectId} already has the role "${role.key}"`);
    project.roles.set(role.key, { key: role.key, displayName: role.displayName ?? role.key, group: role.group ?? '' });
  }

  /**
   * Creates a service user ("machine user"). With `withSecret` (or `clientSecret`) it can use
   * client credentials, its user name being the client id, as in ZITADEL.
   */
  createServiceUser(options: CreateServiceUserOptions): EmulatorUser {
    const orgId = this.requireOrg(options.orgId ?? this.defaultOrg.id, 'createServiceUser').id;
    this.requireFreeUserName(options.userName, 'createServiceUser');
    const secret = options.clientSecret ?? (options.withSecret === true ? newSecret() : undefined);
    const user: UserRecord = {
      kind: 'machine',
      id: this.newId(),
      userName: options.userName,
      orgId,
      changedAt: Math.floor(this.clock.now() / 1000),
      name: options.name ?? options.userName,
      accessTokenType: options.accessTokenType ?? 'opaque',
      secretHash: secret === undefined ? undefined : sha256(secret),
      keys: new Map(),
    };
    this.store.users.set(user.id, user);
    userAdded(this.store, user);
    const created = { userId: user.id, userName: user.userName, orgId };
    return secret === undefined ? created : { ...created, clientId: user.userName, clientSecret: secret };
  }

  /** Creates a human user; give it tokens with {@link issueToken}. */
  createHumanUser(options: CreateHumanUserOptions): EmulatorUser {
    const orgId = this.requireOrg(options.orgId ?? this.defaultOrg.id, 'createHumanUser').id;
    this.requireFreeUserName(options.userName, 'createHumanUser');
    const firstName = options.firstName ?? options.userName;
    const lastName = options.lastName ?? options.userName;
    const user: UserRecord = {
      kind: 'human',
      id: this.newId(),
      userName: options.userName,
      orgId,
      changedAt: Math.floor(this.clock.now() / 1000),
      firstName,
      lastName,
      displayName: options.displayName ?? `${firstName} ${lastName}`,
      nickName: options.nickName,
      email: options.email,
      emailVerified: options.emailVerified ?? true,
      preferredLanguage: options.preferredLanguage,
    };
    this.store.users.set(user.id, user);
    userAdded(this.store, user);
    return { userId: user.id, userName: user.userName, orgId };
  }

  /**
   * Adds an RSA key to a service user and returns its key file, as ZITADEL hands it out once.
   *
   * @throws {ZitadelEmulatorError} no service user with that id.
   */
  async addServiceUserKey(userId: string, options: KeyOptions = {}): Promise<ServiceUserKeyFile> {
    const user = this.store.users.get(userId);
    if (user?.kind !== 'machine') throw new ZitadelEmulatorError(`addServiceUserKey: no service user ${userId}`);
    const { keyId, pem } = await this.newKey(user.keys, options.expirationDate);
    return {
      type: 'serviceaccount',
      keyId,
      key: pem,
      expirationDate: options.expirationDate === undefined ? NEVER_EXPIRES : rfc3339(options.expirationDate),
      userId,
    };
  }

  /**
   * Creates an API application in a project. It authenticates (to introspect) with its key
   * (`private_key_jwt`, the returned `keyFile`) or its secret (`client_secret_basic`).
   */
  async createApiApplication(options: CreateApiApplicationOptions): Promise<EmulatorApiApplication> {
    const { app, secret } = this.addApp('api', options.authMethod, options, false, 'createApiApplication');
    return this.appCredentials(app, secret, options.keyExpirationDate);
  }

  /**
   * Creates an OIDC application (web app, SPA, native) in a project: the client users log in to.
   * Pass its client id to {@link issueToken}; it can revoke its users' tokens.
   */
  async createOidcApplication(options: CreateOidcApplicationOptions): Promise<EmulatorOidcApplication> {
    const { app, secret } = this.addApp(
      'oidc',
      options.authMethod,
      options,
      options.accessTokenRoleAssertion ?? false,
      'createOidcApplication',
    );
    return this.appCredentials(app, secret, undefined);
  }

  /**
   * Grants roles of a project to a user, by an organisation (default: the project's). Granting
   * again by the same organisation adds to the roles.
   *
   * @throws {ZitadelEmulatorError} unknown user, project, organisation or role.
   */
  grantRoles(options: GrantRolesOptions): void {
    const project = this.requireProject(options.projectId, 'grantRoles');
    if (!this.store.users.has(options.userId)) throw new ZitadelEmulatorError(`grantRoles: no user ${options.userId}`);
    const orgId = this.requireOrg(options.orgId ?? project.orgId, 'grantRoles').id;
    for (const key of options.roleKeys) {
      if (!project.roles.has(key))
        throw new ZitadelEmulatorError(`grantRoles: project ${project.id} has no role "${key}"`);
    }
    const existing = this.store.grants.find(
      (g) => g.userId === options.userId && g.projectId === project.id && g.orgId === orgId,
    );
    const state = managementState(this.store, this.clock);
    if (existing === undefined) {
      const grant = { userId: options.userId, projectId: project.id, orgId, roles: new Set(options.roleKeys) };
      this.store.grants.push(grant);
      grantChanged(this.store, grant, state.grantId(grant), 'user.grant.added');
    } else {
      for (const key of options.roleKeys) existing.roles.add(key);
      grantChanged(this.store, existing, state.grantId(existing), 'user.grant.changed');
    }
  }

  /** Makes a user a member of an organisation with manager roles such as `ORG_OWNER`. */
  addOrgMember(orgId: string, userId: string, roles: readonly string[]): void {
    this.requireOrg(orgId, 'addOrgMember');
    if (!this.store.users.has(userId)) throw new ZitadelEmulatorError(`addOrgMember: no user ${userId}`);
    let members = this.store.orgMembers.get(orgId);
    if (members === undefined) this.store.orgMembers.set(orgId, (members = new Map()));
    members.set(userId, [...roles]);
  }

  /** Makes a user an instance manager (`IAM_OWNER`, ...). */
  addInstanceMember(userId: string, roles: readonly string[]): void {
    if (!this.store.users.has(userId)) throw new ZitadelEmulatorError(`addInstanceMember: no user ${userId}`);
    this.store.instanceMembers.set(userId, [...roles]);
  }

  /**
   * An access token for a user as if they had logged in with these scopes: audience, role and
   * organisation claims come from the scopes as at the token endpoint; with `clientId` the
   * application's client id and project join the audience. The `preaccesstoken` (JWT) and
   * `preuserinfo` (ID token) functions run as at the token endpoint.
   *
   * @throws {ZitadelEmulatorError} no such user, or a function target that interrupts on error failed.
   */
  async issueToken(options: IssueTokenOptions): Promise<string> {
    const user = this.store.users.get(options.userId);
    if (user === undefined) throw new ZitadelEmulatorError(`issueToken: no user ${options.userId}`);
    const requested = [...(options.scopes ?? ['openid', 'profile', 'email'])];
    const app = options.clientId === undefined ? undefined : this.store.appByClientId(options.clientId);
    const project = app === undefined ? undefined : this.store.projects.get(app.projectId);
    const issuing = this.tokens.issueWithFunctions({
      user,
      clientId: options.clientId ?? user.userName,
      audience: addAudienceScopes(
        app === undefined ? [] : [app.clientId, app.projectId],
        requested,
        this.zitadelProjectId,
      ),
      scope: checkOrgScopes(allowedScopes(requested), user, this.store),
      format: options.type ?? (user.kind === 'machine' ? user.accessTokenType : 'opaque'),
      lifetimeSeconds: options.expiresIn ?? this.context.settings.accessTokenLifetimeSeconds,
      ...(options.notBefore === undefined ? {} : { notBefore: Math.floor(options.notBefore.getTime() / 1000) }),
      amr: user.kind === 'human' ? ['pwd'] : [],
      roles: {
        projectId: project?.id ?? '',
        projectRoleAssertion: project?.assertRolesOnAuthentication ?? false,
        accessTokenRoleAssertion: app?.kind === 'oidc' ? app.accessTokenRoleAssertion : true,
      },
    });
    try {
      return (await issuing).accessToken;
    } catch (error) {
      if (error instanceof TargetFailure)
        throw new ZitadelEmulatorError(`issueToken: a function target failed the token (${error.message})`);
      throw error;
    }
  }

  /**
   * Revokes an access token (opaque or JWT): from now on it introspects as inactive and userinfo
   * refuses it.
   *
   * @returns whether an active token was revoked.
   */
  revokeToken(token: string): boolean {
    const record = this.tokens.resolve(token);
    if (record === undefined) return false;
    record.revoked = true;
    return true;
  }

  /**
   * Makes a new signing key current, as ZITADEL rotates without notice. The previous keys stay in
   * the JWKS (tokens they signed still verify) unless `dropOld`.
   */
  rotateSigningKeys(options: RotateSigningKeysOptions = {}): Promise<void> {
    return this.keys.rotate(options.dropOld ?? false);
  }

  /**
   * Turns instance features on or off, as ZITADEL's feature API does. `oidcTokenExchange` (off by
   * default, as in ZITADEL) lets the token endpoint answer the token exchange grant (RFC 8693).
   */
  setFeatures(features: EmulatorFeatures): void {
    if (features.oidcTokenExchange !== undefined)
      this.store.features.oidcTokenExchange = features.oidcTokenExchange === true;
  }

  /**
   * Changes the instance's security policy. `enableImpersonation` (off by default, as in ZITADEL)
   * lets token exchange impersonate: a `user_id` or `jwt` subject, or any exchange with an actor
   * token. The actor still needs an impersonator role (`addOrgMember(orgId, actorId,
   * ['ORG_END_USER_IMPERSONATOR'])`, or `IAM_END_USER_IMPERSONATOR` / the `*_ADMIN_IMPERSONATOR`
   * roles, which may also impersonate managers).
   */
  setSecurityPolicy(policy: EmulatorSecurityPolicy): void {
    if (policy.enableImpersonation !== undefined)
      this.store.securityPolicy.enableImpersonation = policy.enableImpersonation === true;
  }

  /** Stops the server and closes every connection, keep-alive ones too. Safe to call twice. */
  close(): Promise<void> {
    return this.http.close();
  }

  private addApp(
    kind: AppRecord['kind'],
    authMethod: AppRecord['authMethod'],
    options: {
      projectId: string;
      name?: string;
      clientId?: string;
      clientSecret?: string;
      grantTypes?: readonly EmulatorOidcGrantType[];
    },
    accessTokenRoleAssertion: boolean,
    caller: string,
  ): { app: AppRecord; secret: string | undefined } {
    const project = this.requireProject(options.projectId, caller);
    const clientId = options.clientId ?? `${this.newId()}@${slug(project.name, '_')}`;
    if (this.store.appByClientId(clientId) !== undefined)
      throw new ZitadelEmulatorError(`${caller}: the client id "${clientId}" is taken`);
    if (options.clientSecret !== undefined && authMethod !== 'client_secret_basic') {
      throw new ZitadelEmulatorError(`${caller}: a clientSecret needs authMethod "client_secret_basic"`);
    }
    const secret = authMethod === 'client_secret_basic' ? (options.clientSecret ?? newSecret()) : undefined;
    const app: AppRecord = {
      appId: this.newId(),
      kind,
      name: options.name ?? kind,
      projectId: project.id,
      clientId,
      authMethod,
      secretHash: secret === undefined ? undefined : sha256(secret),
      keys: new Map(),
      accessTokenRoleAssertion,
      grantTypes: kind === 'api' ? [] : (options.grantTypes ?? ['authorization_code']).map(grantTypeUri),
    };
    this.store.apps.set(app.appId, app);
    return { app, secret };
  }

  /** The new app's credentials: the secret (handed out once, as ZITADEL does; only its hash stays) or a key file. */
  private async appCredentials(
    app: AppRecord,
    secret: string | undefined,
    keyExpiration: Date | undefined,
  ): Promise<EmulatorApiApplication> {
    const base = { appId: app.appId, clientId: app.clientId, projectId: app.projectId };
    if (secret !== undefined) return { ...base, clientSecret: secret };
    if (app.authMethod !== 'private_key_jwt') return base;
    const { keyId, pem } = await this.newKey(app.keys, keyExpiration);
    const keyFile: ApplicationKeyFile = {
      type: 'application',
      keyId,
      key: pem,
      appId: app.appId,
      clientId: app.clientId,
    };
    if (keyExpiration !== undefined) keyFile.expirationDate = rfc3339(keyExpiration);
    return { ...base, keyFile };
  }

  private async newKey(
    keys: Map<string, PublicKeyRecord>,
    expiration: Date | undefined,
  ): Promise<{ keyId: string; pem: string }> {
    const { privateKey, publicKey } = await generateRsaKeyPair();
    const keyId = this.newId();
    keys.set(keyId, { keyId, publicKey, expiresAt: expiration?.getTime() });
    return { keyId, pem: pkcs1Pem(privateKey) };
  }

  private newId(): string {
    return newId(this.clock.now());
  }

  private requireOrg(orgId: string, caller: string): EmulatorOrg {
    const org = this.store.orgs.get(orgId);
    if (org === undefined) throw new ZitadelEmulatorError(`${caller}: no organisation ${orgId}`);
    return org;
  }

  private requireProject(projectId: string, caller: string): ProjectRecord {
    const project = this.store.projects.get(projectId);
    if (project === undefined) throw new ZitadelEmulatorError(`${caller}: no project ${projectId}`);
    return project;
  }

  private requireFreeUserName(userName: string, caller: string): void {
    if (userName === '') throw new ZitadelEmulatorError(`${caller}: "userName" must not be empty`);
    if ([...this.store.users.values()].some((user) => user.userName === userName)) {
      throw new ZitadelEmulatorError(`${caller}: the user name "${userName}" is taken`);
    }
  }
}

/** The `grant_type` value of a grant type's short name. */
function grantTypeUri(grantType: EmulatorOidcGrantType): string {
  return grantType === 'token_exchange' ? 'urn:ietf:params:oauth:grant-type:token-exchange' : grantType;
}

/** Lower case, runs of other characters replaced: how ZITADEL derives domains and client id suffixes. */
function slug(name: string, separator: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.-]+/g, separator);
}

/** RFC 3339 as Go's `time.Time` JSON writes it (RFC3339Nano): trailing zeros of the fraction dropped. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.?0*Z$/, 'Z');
}
