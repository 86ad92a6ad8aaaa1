import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ZitadelScopes } from 'nestjs-zitadel';
import type { EmulatorOrg, ZitadelEmulator } from 'nestjs-zitadel/testing';
import { SampleRoles } from '../roles.js';

/** A seeded demo user and a fresh access token for it. */
export interface DemoUser {
  readonly userId: string;
  readonly userName: string;
  /** Role key → names of the organisations that granted it. */
  readonly roles: Readonly<Record<string, readonly string[]>>;
  /** An opaque access token (12 h), as if the user had logged in to the sample's web app. */
  readonly token: string;
}

/** The embedded ZITADEL's key files, written for the CLI (`npx nestjs-zitadel ... --key-file`); removed at shutdown. */
export interface DemoKeyFiles {
  /** The temporary directory holding them (mode 0700). */
  readonly dir: string;
  /** The service user's key file (`"type": "serviceaccount"`), for `token`. */
  readonly serviceUser: string;
  /** The API application's key file (`"type": "application"`), for `introspect`. */
  readonly apiApplication: string;
}

/** What the embedded ZITADEL was seeded with. */
export interface DemoSeed {
  /** The organisation owning the project, the service user and both demo users. */
  readonly org: EmulatorOrg;
  /** A second organisation, which granted `reader` to `alice` only. */
  readonly otherOrg: EmulatorOrg;
  readonly projectId: string;
  readonly serviceUserId: string;
  /** `alice`: admin and reader. */
  readonly admin: DemoUser;
  /** `bob`: reader only, in the first organisation. */
  readonly user: DemoUser;
}

/**
 * The ZITADEL emulator (`nestjs-zitadel/testing`) run in-process when no `ZITADEL_ISSUER` is
 * configured, seeded like a real instance a team would set up for this app: an organisation with
 * a project and its roles, a service user that manages the organisation (`ORG_OWNER`, so it may
 * create users) with a key file, an API application with a key file, a web application, and two
 * demo users. It hands the app the same `ZITADEL_*` variables a real deployment would set.
 * Closed with the app.
 */
export class EmbeddedZitadel implements OnApplicationShutdown {
  private constructor(
    readonly emulator: ZitadelEmulator,
    /** The `ZITADEL_*` variables that point the app at it. */
    readonly env: Readonly<Record<string, string>>,
    readonly seed: DemoSeed,
    readonly keyFiles: DemoKeyFiles,
  ) {}

  /** Starts the emulator on loopback (a free port) and seeds it. */
  static async start(): Promise<EmbeddedZitadel> {
    // Loaded only here: a deployment with a real ZITADEL never loads the testing entry point.
    const { ZitadelEmulator } = await import('nestjs-zitadel/testing');
    // Token exchange is a beta feature of ZITADEL, off unless the instance turns it on.
    const zitadel = await ZitadelEmulator.start({ features: { oidcTokenExchange: true } });
    let keyFiles: DemoKeyFiles | undefined;
    try {
      const org = zitadel.createOrg({ name: 'Acme' });
      const otherOrg = zitadel.createOrg({ name: 'Globex' });
      const projectId = zitadel.createProject({ name: 'sample', orgId: org.id }).id;
      for (const key of Object.values(SampleRoles)) zitadel.addProjectRole(projectId, { key });

      const service = zitadel.createServiceUser({ userName: 'sample-service', name: 'Sample app', orgId: org.id });
      zitadel.addOrgMember(org.id, service.userId, ['ORG_OWNER']);
      const serviceKey = await zitadel.addServiceUserKey(service.userId);
      // An OIDC application with a key, not an API application: ZITADEL lets only OIDC applications exchange
      // tokens (GET /on-behalf-of), and both kinds may introspect.
      const api = await zitadel.createOidcApplication({
        projectId,
        name: 'sample-api',
        authMethod: 'private_key_jwt',
        grantTypes: ['token_exchange'],
      });
      const web = await zitadel.createOidcApplication({ projectId, name: 'sample-web', authMethod: 'none' });

      const alice = zitadel.createHumanUser({
        userName: 'alice',
        email: 'alice@acme.localhost',
        firstName: 'Alice',
        lastName: 'Admin',
        orgId: org.id,
      });
      const bob = zitadel.createHumanUser({
        userName: 'bob',
        email: 'bob@acme.localhost',
        firstName: 'Bob',
        lastName: 'Reader',
        orgId: org.id,
      });
      zitadel.grantRoles({
        userId: alice.userId,
        projectId,
        roleKeys: [SampleRoles.admin, SampleRoles.reader],
        orgId: org.id,
      });
      zitadel.grantRoles({ userId: alice.userId, projectId, roleKeys: [SampleRoles.reader], orgId: otherOrg.id });
      zitadel.grantRoles({ userId: bob.userId, projectId, roleKeys: [SampleRoles.reader], orgId: org.id });

      // What a login through the web app would ask for: profile, email and the project's roles.
      const scopes = ['openid', 'profile', 'email', ZitadelScopes.allProjectRoles(), ZitadelScopes.resourceOwner()];
      const login = (userId: string): Promise<string> =>
        zitadel.issueToken({ userId, clientId: web.clientId, scopes, type: 'opaque' });
      const seed: DemoSeed = {
        org,
        otherOrg,
        projectId,
        serviceUserId: service.userId,
        admin: {
          ...alice,
          roles: { [SampleRoles.admin]: [org.name], [SampleRoles.reader]: [org.name, otherOrg.name] },
          token: await login(alice.userId),
        },
        user: { ...bob, roles: { [SampleRoles.reader]: [org.name] }, token: await login(bob.userId) },
      };
      const env = {
        ZITADEL_ISSUER: zitadel.issuer,
        ZITADEL_PROJECT_ID: projectId,
        ZITADEL_SERVICE_USER_KEY_JSON: JSON.stringify(serviceKey),
        ZITADEL_API_KEY_JSON: JSON.stringify(api.keyFile),
      };
      if (api.keyFile === undefined) throw new Error('The emulator gave the private_key_jwt application no key file');
      keyFiles = await writeKeyFiles(serviceKey, api.keyFile);
      return new EmbeddedZitadel(zitadel, env, seed, keyFiles);
    } catch (error) {
      await zitadel.close();
      if (keyFiles !== undefined) await rm(keyFiles.dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The signing keys of the Actions v2 targets {@link connectActions} created: none before it ran. */
  private readonly targetKeys: string[] = [];

  get issuer(): string {
    return this.emulator.issuer;
  }

  /** What the module's `actions.signingKeys` resolver answers for the embedded ZITADEL. */
  get actionSigningKeys(): readonly string[] {
    return this.targetKeys;
  }

  /**
   * Points Actions v2 at the running app (`url`), as a team would in ZITADEL's console: a webhook
   * for every `user` event (`POST /zitadel/events`) and a call target for the `preaccesstoken`
   * and `preuserinfo` functions (`POST /zitadel/functions`), which adds a claim to every token.
   * Once only; the targets' signing keys become {@link actionSigningKeys}.
   */
  connectActions(url: string): void {
    if (this.targetKeys.length > 0) return;
    const { actions } = this.emulator;
    const events = actions.addTarget({ name: 'sample-events', endpoint: `${url}/zitadel/events`, type: 'webhook' });
    const functions = actions.addTarget({
      name: 'sample-functions',
      endpoint: `${url}/zitadel/functions`,
      type: 'call',
    });
    actions.setExecution({ eventGroup: 'user' }, [events.id]);
    actions.setExecution({ function: 'preaccesstoken' }, [functions.id]);
    actions.setExecution({ function: 'preuserinfo' }, [functions.id]);
    this.targetKeys.push(events.signingKey, functions.signingKey);
  }

  async onApplicationShutdown(): Promise<void> {
    await rm(this.keyFiles.dir, { recursive: true, force: true });
    await this.emulator.close();
  }
}

/** Writes both key files to a new private temporary directory (files 0600: they hold private keys). */
async function writeKeyFiles(serviceUser: object, apiApplication: object): Promise<DemoKeyFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'nestjs-zitadel-sample-'));
  const files = { dir, serviceUser: join(dir, 'service-user.json'), apiApplication: join(dir, 'api.json') };
  await writeFile(files.serviceUser, JSON.stringify(serviceUser), { mode: 0o600 });
  await writeFile(files.apiApplication, JSON.stringify(apiApplication), { mode: 0o600 });
  return files;
}
