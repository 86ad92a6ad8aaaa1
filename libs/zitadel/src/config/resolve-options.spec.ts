import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { resolveZitadelOptions } from './resolve-options.js';
import type { ZitadelModuleOptions } from './zitadel-options.interface.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const serviceUserKey = { type: 'serviceaccount', keyId: '1', key: pem, userId: '2' } as const;
const applicationKey = { type: 'application', keyId: '3', key: pem, appId: '4', clientId: '5@project' } as const;

async function issuesOf(options: unknown): Promise<string[]> {
  const error = await resolveZitadelOptions(options as ZitadelModuleOptions).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ZitadelConfigurationError);
  return (error as ZitadelConfigurationError).issues.map((i) => `${i.path}: ${i.message}`);
}

describe('resolveZitadelOptions', () => {
  it('applies defaults and strips a trailing slash from the issuer', async () => {
    const config = await resolveZitadelOptions({ issuer: 'https://acme.zitadel.cloud/' });
    expect(config).toMatchObject({
      issuer: 'https://acme.zitadel.cloud',
      serviceUser: undefined,
      apiApplication: undefined,
      tokenValidation: 'auto',
      http: { timeoutMs: 5000, retries: 2, backoffBaseMs: 100, backoffMaxMs: 2000 },
      tokenCache: { refreshAfterFraction: 0.8, minRemainingSeconds: 60 },
    });
  });

  it('loads each credential form', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zitadel-opts-'));
    const keyFile = join(dir, 'sa.json');
    await writeFile(keyFile, JSON.stringify(serviceUserKey));
    const forms = [{ keyFile }, { key: serviceUserKey }, { keyJson: JSON.stringify(serviceUserKey) }];
    for (const serviceUser of forms) {
      const config = await resolveZitadelOptions({ issuer: 'https://z.example', serviceUser });
      expect(config.serviceUser).toMatchObject({ kind: 'jwt-profile', key: { keyId: '1', userId: '2' } });
    }
    const basic = await resolveZitadelOptions({
      issuer: 'https://z.example',
      serviceUser: { clientId: 'svc', clientSecret: 'pw' },
    });
    expect(basic.serviceUser).toMatchObject({ kind: 'client-credentials', clientId: 'svc' });
    const pat = await resolveZitadelOptions({
      issuer: 'https://z.example',
      serviceUser: { personalAccessToken: 'pat' },
    });
    expect(pat.serviceUser?.kind).toBe('personal-access-token');
    const app = await resolveZitadelOptions({ issuer: 'https://z.example', apiApplication: { key: applicationKey } });
    expect(app.apiApplication).toMatchObject({ kind: 'private-key-jwt', key: { clientId: '5@project' } });
  });

  it('reports every problem at once, path: message', async () => {
    const issues = await issuesOf({
      issuer: 'ftp://z.example?x=1',
      serviceUser: { keyFile: undefined },
      apiApplication: { key: serviceUserKey },
      projectId: 123,
      tokenValidation: 'magic',
      http: { timeoutMs: -1 },
      tokenCache: { refreshAfterFraction: 2 },
    });
    expect(issues).toEqual([
      'issuer: must use https',
      'issuer: must not contain credentials, a query or a fragment',
      'serviceUser.keyFile: must be the path of the JSON key file (got undefined: is the environment variable set?)',
      'apiApplication.key: Key file apiApplication.key: "type" must be "application", got "serviceaccount". This is a service user key: configure it as serviceUser, not apiApplication.',
      'projectId: must be a string: ZITADEL ids are 64-bit',
      "tokenValidation: must be one of 'auto', 'introspection', 'jwt'",
      'http.timeoutMs: must be an integer >= 1',
      'tokenCache.refreshAfterFraction: must be a number between 0 and 1 (exclusive)',
    ]);
  });

  it('requires an issuer, and https away from loopback', async () => {
    expect(await issuesOf({})).toEqual([
      'issuer: is required: the URL of your ZITADEL instance, e.g. https://acme.zitadel.cloud',
    ]);
    expect(await issuesOf({ issuer: 'http://zitadel.internal' })).toEqual([
      'issuer: must use https (plain http is allowed on loopback, or with allowInsecureIssuer: true)',
    ]);
    await expect(
      resolveZitadelOptions({ issuer: 'http://zitadel.internal', allowInsecureIssuer: true }),
    ).resolves.toBeDefined();
    await expect(resolveZitadelOptions({ issuer: 'http://127.0.0.1:8080' })).resolves.toBeDefined();
  });

  it('asks for exactly one credential form', async () => {
    expect(await issuesOf({ issuer: 'https://z.example', serviceUser: {} })).toEqual([
      'serviceUser: needs one of: keyFile, key, keyJson, clientId + clientSecret, personalAccessToken',
    ]);
    expect(
      await issuesOf({
        issuer: 'https://z.example',
        apiApplication: { keyFile: 'a', clientId: 'b', clientSecret: 'c' },
      }),
    ).toEqual(['apiApplication: takes only one of: keyFile, key, keyJson, clientId + clientSecret']);
    expect(await issuesOf({ issuer: 'https://z.example', serviceUser: { clientId: 'svc' } })).toEqual([
      'serviceUser.clientSecret: is required',
    ]);
  });

  it('never puts a secret in the error, nor in the resolved config when printed', async () => {
    const secret = 'super-secret-value-123';
    const error = await resolveZitadelOptions({
      issuer: 'nope',
      serviceUser: { clientId: '', clientSecret: secret },
      apiApplication: { keyJson: `{"key":"${secret}"` },
    }).then(
      () => expect.unreachable('the options are invalid'),
      (e: unknown) => e as Error,
    );
    expect(error.message).not.toContain(secret);
    const config = await resolveZitadelOptions({
      issuer: 'https://z.example',
      serviceUser: { clientId: 'svc', clientSecret: secret },
    });
    expect(inspect(config, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(config)).not.toContain(secret);
  });
});
