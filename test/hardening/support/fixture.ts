// The ZITADEL side of the hardening suite: an emulator with one project (role `admin`), its API
// application, a user holding the role and one without it, and helpers that issue their tokens.
import {
  ZitadelEmulator,
  type ApplicationKeyFile,
  type IssueTokenOptions,
  type ManualClock,
  type ServiceUserKeyFile,
} from 'nestjs-zitadel/testing';

export interface ZitadelFixture {
  readonly zitadel: ZitadelEmulator;
  readonly projectId: string;
  /** The API application (private_key_jwt): what the guard introspects with. */
  readonly apiKey: ApplicationKeyFile;
  readonly apiClientId: string;
  /** A second API application of the project, authenticating with client_secret_basic. */
  readonly secretApp: { readonly clientId: string; readonly clientSecret: string };
  /** A service user's key file (JWT-profile grant, for TokenService). */
  readonly serviceUserKey: ServiceUserKeyFile;
  /** A service user with a client secret (client credentials grant). */
  readonly secretServiceUser: { readonly clientId: string; readonly clientSecret: string };
  /** Holds the project's role `admin`. */
  readonly alice: string;
  /** Holds no role. */
  readonly bob: string;
  /** Every token issued through {@link token}: none may ever appear in a log line or an answer. */
  readonly issued: Set<string>;
  /** An access token for a user, meant for the project (its audience), with the project's roles asserted. */
  token(userId: string, format: 'opaque' | 'jwt', options?: Partial<IssueTokenOptions>): Promise<string>;
  close(): Promise<void>;
}

/** @param clock the emulator's clock: share it with the app's `ZitadelModule` to move time for both. */
export async function startZitadel({ clock }: { clock?: ManualClock } = {}): Promise<ZitadelFixture> {
  const zitadel = await ZitadelEmulator.start(clock === undefined ? {} : { clock });
  const project = zitadel.createProject({ name: 'hardening' });
  zitadel.addProjectRole(project.id, { key: 'admin' });
  const api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'private_key_jwt' });
  const secretApp = await zitadel.createApiApplication({
    projectId: project.id,
    name: 'secret-api',
    authMethod: 'client_secret_basic',
  });
  if (api.keyFile === undefined || secretApp.clientSecret === undefined)
    throw new Error('the emulator gave no API credentials');
  const worker = zitadel.createServiceUser({ userName: 'worker' });
  const serviceUserKey = await zitadel.addServiceUserKey(worker.userId);
  const batch = zitadel.createServiceUser({ userName: 'batch@jobs', withSecret: true });
  if (batch.clientId === undefined || batch.clientSecret === undefined)
    throw new Error('the emulator gave no client secret');
  const alice = zitadel.createHumanUser({ userName: 'alice', email: 'alice@hardening.test' }).userId;
  const bob = zitadel.createHumanUser({ userName: 'bob' }).userId;
  zitadel.grantRoles({ userId: alice, projectId: project.id, roleKeys: ['admin'] });
  const issued = new Set<string>();
  const scopes = [
    'openid',
    'profile',
    `urn:zitadel:iam:org:project:id:${project.id}:aud`,
    'urn:zitadel:iam:org:projects:roles',
  ];
  return {
    zitadel,
    projectId: project.id,
    apiKey: api.keyFile,
    apiClientId: api.clientId,
    secretApp: { clientId: secretApp.clientId, clientSecret: secretApp.clientSecret },
    serviceUserKey,
    secretServiceUser: { clientId: batch.clientId, clientSecret: batch.clientSecret },
    alice,
    bob,
    issued,
    token: async (userId, format, options = {}) => {
      const token = await zitadel.issueToken({ userId, scopes, type: format, ...options });
      issued.add(token);
      return token;
    },
    close: () => zitadel.close(),
  };
}
