import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZitadelModuleOptions } from '../config/zitadel-options.interface.js';
import { ZitadelEmulator } from './emulator/zitadel-emulator.js';
import type {
  EmulatorApiApplication,
  EmulatorOrg,
  EmulatorProject,
  EmulatorUser,
  ServiceUserKeyFile,
  ZitadelEmulatorOptions,
} from './emulator/emulator.types.js';

/** Options of {@link SeededZitadel.start}; every one has a default. */
export interface SeededZitadelOptions {
  /** Options of the emulator itself (`clock`, `accessTokenLifetimeSeconds`, ...). @default none */
  readonly emulator?: ZitadelEmulatorOptions;
  /** Name of the organisation that owns the project, the service user and the users. @default 'Acme' */
  readonly orgName?: string;
  /** Name of the API's project. @default 'api' */
  readonly projectName?: string;
  /** Role keys of the project. @default ['admin'] */
  readonly roles?: readonly string[];
  /** How the API application authenticates to introspect: its key file or a client secret. @default 'private_key_jwt' */
  readonly apiAuthMethod?: 'private_key_jwt' | 'client_secret_basic';
  /** The service user's manager roles in the organisation (for management and v2 API calls). @default ['ORG_OWNER'] */
  readonly serviceUserOrgRoles?: readonly string[];
}

/** Options of {@link SeededZitadel.createUser}. */
export interface SeededUserOptions {
  readonly userName: string;
  /** @default `<userName>@example.com` */
  readonly email?: string;
  /**
   * Roles of the project: a list of role keys granted by the seeded organisation, or role key →
   * the ids of the organisations that grant it, e.g. `{ admin: [seeded.org.id, otherOrg.id] }`.
   * @default none
   */
  readonly roles?: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /**
   * Scopes of both tokens. @default `openid`, `profile`, `email`, the project's audience scope and
   * `urn:zitadel:iam:org:projects:roles`, so that the JWT carries the roles as the opaque token does.
   */
  readonly scopes?: readonly string[];
}

/** A human user of the seeded organisation and an access token of each kind, issued for the API application. */
export interface SeededUser extends EmulatorUser {
  readonly tokens: {
    /** An opaque token: the guard introspects it. */
    readonly opaque: string;
    /** A JWT access token: the guard verifies it against the emulator's JWKS. */
    readonly jwt: string;
  };
}

/** The variables an app's configuration reads, the sample app's and the CLI's names. */
export type SeededZitadelEnv = Readonly<Record<string, string>>;

/**
 * A {@link ZitadelEmulator} seeded as an app's tests need it: an organisation, a project with
 * roles, an API application (key file or client secret), a service user with a key file (manager
 * of the organisation), the key files written to a temporary folder, and the configuration of all
 * of it as environment variables ({@link env}) and as module options ({@link moduleOptions}), so
 * an app's own `AppModule` (`forRootAsync` reading `ConfigService`) is tested as it is.
 *
 * @example
 * let zitadel: SeededZitadel;
 * beforeAll(async () => {
 *   zitadel = await SeededZitadel.start({ roles: ['admin', 'reader'] });
 *   Object.assign(process.env, zitadel.env); // before the app's ConfigModule reads them
 * });
 * afterAll(() => zitadel?.close());
 */
export class SeededZitadel {
  private closed?: Promise<void>;

  private constructor(
    /** The emulator, for anything beyond the seed (`createOrg`, `injectFault`, `requests`, ...). */
    readonly emulator: ZitadelEmulator,
    /** The organisation that owns the project, the service user and the users. */
    readonly org: EmulatorOrg,
    readonly project: EmulatorProject,
    /** The API application of the project (the app under test introspects as it). */
    readonly apiApplication: EmulatorApiApplication,
    /** The service user (`TokenService`, `ZitadelApi`, `ZitadelManagementClient`). */
    readonly serviceUser: EmulatorUser,
    /** The service user's key file, as also written to {@link keyDirectory}. */
    readonly serviceUserKey: ServiceUserKeyFile,
    /** The temporary folder of the key files; {@link close} removes it. */
    readonly keyDirectory: string,
    /**
     * `ZITADEL_ISSUER`, `ZITADEL_PROJECT_ID`, `ZITADEL_SERVICE_USER_KEY_FILE`, and
     * `ZITADEL_API_KEY_FILE` (or `ZITADEL_API_CLIENT_ID` + `ZITADEL_API_CLIENT_SECRET` with
     * `apiAuthMethod: 'client_secret_basic'`): the names the sample app and the CLI read.
     */
    readonly env: SeededZitadelEnv,
    /** The same configuration as `ZitadelModule` options (key files by path), for `forRoot`. */
    readonly moduleOptions: Readonly<ZitadelModuleOptions>,
  ) {}

  /**
   * Starts the emulator and seeds it. Close it with {@link close} (in `afterAll`).
   *
   * @throws {ZitadelEmulatorError} a role key given twice.
   */
  static async start(options: SeededZitadelOptions = {}): Promise<SeededZitadel> {
    const emulator = await ZitadelEmulator.start(options.emulator);
    let keyDirectory: string | undefined;
    try {
      const org = emulator.createOrg({ name: options.orgName ?? 'Acme' });
      const project = emulator.createProject({ name: options.projectName ?? 'api', orgId: org.id });
      for (const key of options.roles ?? ['admin']) emulator.addProjectRole(project.id, { key });
      const api = await emulator.createApiApplication({
        projectId: project.id,
        authMethod: options.apiAuthMethod ?? 'private_key_jwt',
      });
      const serviceUser = emulator.createServiceUser({ userName: 'service-user', orgId: org.id });
      const managerRoles = options.serviceUserOrgRoles ?? ['ORG_OWNER'];
      if (managerRoles.length > 0) emulator.addOrgMember(org.id, serviceUser.userId, managerRoles);
      const serviceUserKey = await emulator.addServiceUserKey(serviceUser.userId);

      keyDirectory = await mkdtemp(join(tmpdir(), 'nestjs-zitadel-keys-'));
      const serviceUserKeyFile = await writeKeyFile(keyDirectory, 'service-user.json', serviceUserKey);
      const env: Record<string, string> = {
        ZITADEL_ISSUER: emulator.issuer,
        ZITADEL_PROJECT_ID: project.id,
        ZITADEL_SERVICE_USER_KEY_FILE: serviceUserKeyFile,
      };
      let apiApplication: ZitadelModuleOptions['apiApplication'];
      if (api.keyFile !== undefined) {
        const keyFile = await writeKeyFile(keyDirectory, 'api-application.json', api.keyFile);
        env['ZITADEL_API_KEY_FILE'] = keyFile;
        apiApplication = { keyFile };
      } else {
        env['ZITADEL_API_CLIENT_ID'] = api.clientId;
        env['ZITADEL_API_CLIENT_SECRET'] = api.clientSecret ?? '';
        apiApplication = { clientId: api.clientId, clientSecret: api.clientSecret ?? '' };
      }
      const moduleOptions: ZitadelModuleOptions = {
        issuer: emulator.issuer,
        projectId: project.id,
        serviceUser: { keyFile: serviceUserKeyFile },
        apiApplication,
      };
      return new SeededZitadel(
        emulator,
        org,
        project,
        api,
        serviceUser,
        serviceUserKey,
        keyDirectory,
        Object.freeze(env),
        Object.freeze(moduleOptions),
      );
    } catch (error) {
      await emulator.close();
      if (keyDirectory !== undefined) await rm(keyDirectory, { recursive: true, force: true });
      throw error;
    }
  }

  /** The emulator's issuer URL, e.g. `http://127.0.0.1:41234`. */
  get issuer(): string {
    return this.emulator.issuer;
  }

  /**
   * Creates a human user in the seeded organisation, grants the roles and issues an opaque and a
   * JWT access token for the API application, in one call.
   *
   * @throws {ZitadelEmulatorError} a taken user name, an unknown role or organisation.
   * @example
   * const alice = await zitadel.createUser({ userName: 'alice', roles: ['admin'] });
   * // Authorization: `Bearer ${alice.tokens.jwt}` or `Bearer ${alice.tokens.opaque}`
   */
  async createUser(options: SeededUserOptions): Promise<SeededUser> {
    const user = this.emulator.createHumanUser({
      userName: options.userName,
      email: options.email ?? `${options.userName}@example.com`,
      orgId: this.org.id,
    });
    const grants: [string, readonly string[]][] = Array.isArray(options.roles)
      ? options.roles.map((key: string) => [key, [this.org.id]])
      : Object.entries(options.roles ?? {});
    for (const [roleKey, orgIds] of grants) {
      for (const orgId of orgIds) {
        this.emulator.grantRoles({ userId: user.userId, projectId: this.project.id, roleKeys: [roleKey], orgId });
      }
    }
    const scopes = options.scopes ?? [
      'openid',
      'profile',
      'email',
      `urn:zitadel:iam:org:project:id:${this.project.id}:aud`,
      'urn:zitadel:iam:org:projects:roles',
    ];
    const issue = (type: 'opaque' | 'jwt'): Promise<string> =>
      this.emulator.issueToken({ userId: user.userId, clientId: this.apiApplication.clientId, scopes, type });
    const [opaque, jwt] = await Promise.all([issue('opaque'), issue('jwt')]);
    return { ...user, tokens: { opaque, jwt } };
  }

  /** Stops the emulator and removes the key files. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        await this.emulator.close();
      } finally {
        await rm(this.keyDirectory, { recursive: true, force: true });
      }
    })();
    return this.closed;
  }
}

/** Writes a key file as ZITADEL hands it out (JSON), readable by its owner only; returns its path. */
async function writeKeyFile(directory: string, name: string, content: object): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  return path;
}
