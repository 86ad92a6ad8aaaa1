import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, realpath, writeFile } from 'node:fs/promises';
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
  it('reads api.codec: json by default, binary on request, anything else reported', async () => {
    expect((await resolveZitadelOptions({ issuer: 'https://z.example' })).api).toEqual({ codec: 'json' });
    expect((await resolveZitadelOptions({ issuer: 'https://z.example', api: { codec: 'binary' } })).api).toEqual({
      codec: 'binary',
    });
    expect(await issuesOf({ issuer: 'https://z.example', api: { codec: 'xml', codex: 1 } })).toEqual([
      'api.codex: is not an option; did you mean "codec"?',
      "api.codec: must be one of 'json', 'binary'",
    ]);
  });

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
      'apiApplication.key: "type" must be "application", got "serviceaccount". This is a service user key: configure it as serviceUser, not apiApplication.',
      'projectId: must be a string: ZITADEL ids are 64-bit',
      "tokenValidation: must be one of 'auto', 'introspection', 'jwt'",
      'http.timeoutMs: must be an integer >= 1 (milliseconds, at most 2147483647)',
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

  describe('unknown keys', () => {
    it.each([
      [{ tokenvalidation: 'jwt' }, 'tokenvalidation: is not an option; did you mean "tokenValidation"?'],
      [{ projectID: '1' }, 'projectID: is not an option; did you mean "projectId"?'],
      [{ isuer: 'x' }, 'isuer: is not an option; did you mean "issuer"?'],
      [{ http: { timeout: 5 } }, 'http.timeout: is not an option; did you mean "timeoutMs"?'],
      [{ http: { retry: 1 } }, 'http.retry: is not an option; did you mean "retries"?'],
      [
        { tokenCache: { minRemaining: 1 } },
        'tokenCache.minRemaining: is not an option; did you mean "minRemainingSeconds"?',
      ],
      [{ introspection: { caches: {} } }, 'introspection.caches: is not an option; did you mean "cache"?'],
      [
        { introspection: { cache: { maxTTLSeconds: 5 } } },
        'introspection.cache.maxTTLSeconds: is not an option; did you mean "maxTtlSeconds"?',
      ],
      [{ jwt: { clockTolerance: 1 } }, 'jwt.clockTolerance: is not an option; did you mean "clockToleranceSeconds"?'],
      [{ jwt: { cache: { maxEntry: 1 } } }, 'jwt.cache.maxEntry: is not an option; did you mean "maxEntries"?'],
      [
        { discovery: { trustedOrigin: [] } },
        'discovery.trustedOrigin: is not an option; did you mean "trustedOrigins"?',
      ],
      [
        { serviceUser: { clientId: 'a', clientSecret: 'b', clientsecret: 'c' } },
        'serviceUser.clientsecret: is not an option; did you mean "clientSecret"?',
      ],
      [
        { apiApplication: { clientId: 'a', clientSecret: 'b', personalAccessToken: 'c' } },
        'apiApplication.personalAccessToken: is not an option (known here: keyFile, key, keyJson, clientId, clientSecret)',
      ],
    ])('%j is reported at its path with a suggestion', async (options, issue) => {
      expect(await issuesOf({ issuer: 'https://z.example', ...options })).toEqual([issue]);
    });

    it('names the known keys when nothing is close', async () => {
      expect(await issuesOf({ issuer: 'https://z.example', http: { zzzzzzzz: 1 } })).toEqual([
        'http.zzzzzzzz: is not an option (known here: timeoutMs, retries, backoffBaseMs, backoffMaxMs, maxResponseBytes, failureCooldownMs)',
      ]);
    });

    it('knows every documented option, clock and discovery included', async () => {
      const config = await resolveZitadelOptions({
        issuer: 'https://z.example',
        allowInsecureIssuer: false,
        serviceUser: { personalAccessToken: 'pat' },
        apiApplication: { clientId: 'api', clientSecret: 'pw' },
        projectId: '1',
        tokenValidation: 'jwt',
        http: {
          timeoutMs: 1,
          retries: 0,
          backoffBaseMs: 0,
          backoffMaxMs: 0,
          maxResponseBytes: 1024,
          failureCooldownMs: 0,
        },
        tokenCache: { refreshAfterFraction: 0.5, minRemainingSeconds: 0 },
        realm: 'api',
        introspection: {
          cache: { maxTtlSeconds: 0, inactiveTtlSeconds: 0, maxEntries: 1, storeTimeoutMs: 1 },
        },
        jwt: {
          clockToleranceSeconds: 300,
          jwksCooldownSeconds: 0,
          jwksMaxAgeSeconds: 1,
          cache: { maxEntries: 0, maxTtlSeconds: 0 },
        },
        discovery: { trustedOrigins: ['https://login.example'] },
        clock: { now: () => 0, sleep: async () => undefined },
      });
      expect(config).toMatchObject({
        http: { timeoutMs: 1, maxResponseBytes: 1024 },
        jwt: { clockToleranceSeconds: 300, cache: { maxEntries: 0 } },
        discovery: { trustedOrigins: ['https://login.example'] },
      });
    });
  });

  describe('cross-field rules', () => {
    it('http.backoffBaseMs must not exceed http.backoffMaxMs', async () => {
      expect(await issuesOf({ issuer: 'https://z.example', http: { backoffBaseMs: 500, backoffMaxMs: 100 } })).toEqual([
        'http.backoffBaseMs: must not exceed http.backoffMaxMs (500 > 100): the first wait would already be over the longest',
      ]);
      // Against the default maximum (2000) too.
      expect(await issuesOf({ issuer: 'https://z.example', http: { backoffBaseMs: 2001 } })).toHaveLength(1);
      await expect(
        resolveZitadelOptions({ issuer: 'https://z.example', http: { backoffBaseMs: 100, backoffMaxMs: 100 } }),
      ).resolves.toBeDefined();
    });

    it('introspection.cache.maxEntries contradicts stores', async () => {
      const store = { get: () => undefined, set: () => true };
      expect(
        await issuesOf({ issuer: 'https://z.example', introspection: { cache: { stores: [store], maxEntries: 5 } } }),
      ).toEqual([
        'introspection.cache.maxEntries: bounds only the default in-memory store and has no effect with stores: remove one of the two',
      ]);
    });

    it('clock must have now() and sleep()', async () => {
      const message = 'clock: must be an object with now() and sleep(ms) functions, e.g. new ManualClock() in tests';
      expect(await issuesOf({ issuer: 'https://z.example', clock: { now: () => 0 } })).toEqual([message]);
      expect(await issuesOf({ issuer: 'https://z.example', clock: Date })).toEqual([message]);
    });

    it('allowInsecureIssuer must be a boolean', async () => {
      expect(await issuesOf({ issuer: 'https://z.example', allowInsecureIssuer: 'yes' })).toEqual([
        'allowInsecureIssuer: must be true or false',
      ]);
    });
  });

  describe('the same kind of bound has the same minimum everywhere', () => {
    it.each([
      ['http', 'timeoutMs', 0, 'must be an integer >= 1 (milliseconds, at most 2147483647)'],
      ['introspection.cache', 'storeTimeoutMs', 0, 'must be an integer >= 1 (milliseconds, at most 2147483647)'],
      ['http', 'backoffMaxMs', 2_147_483_648, 'must be an integer >= 0 (milliseconds, at most 2147483647)'],
      ['http', 'failureCooldownMs', -1, 'must be an integer >= 0 (milliseconds, at most 2147483647)'],
      ['introspection.cache', 'maxTtlSeconds', -1, 'must be an integer >= 0 (seconds, at most 2147483)'],
      ['introspection.cache', 'inactiveTtlSeconds', 1.5, 'must be an integer >= 0 (seconds, at most 2147483)'],
      ['jwt.cache', 'maxTtlSeconds', -1, 'must be an integer >= 0 (seconds, at most 2147483)'],
      ['tokenCache', 'minRemainingSeconds', -1, 'must be an integer >= 0 (seconds, at most 2147483)'],
      ['introspection.cache', 'maxEntries', 0, 'must be an integer >= 1'],
      ['jwt.cache', 'maxEntries', -1, 'must be an integer >= 0 (0 disables)'],
      ['jwt', 'clockToleranceSeconds', 301, 'must be an integer >= 0 (seconds, at most 300)'],
      ['jwt', 'jwksMaxAgeSeconds', 0, 'must be an integer >= 1 (seconds, at most 2147483)'],
      ['http', 'maxResponseBytes', 1023, 'must be an integer >= 1024'],
    ])('%s.%s = %j', async (where, key, value, message) => {
      const options: Record<string, unknown> = { issuer: 'https://z.example' };
      let bag = options;
      for (const part of where.split('.')) bag = (bag[part] = {}) as Record<string, unknown>;
      bag[key] = value;
      expect(await issuesOf(options)).toEqual([`${where}.${key}: ${message}`]);
    });
  });

  describe('key file messages', () => {
    it('name the option once, and a relative keyFile by its absolute path', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'zitadel-opts-'));
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...serviceUserKey, type: 'application' }));
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const [issue] = await issuesOf({ issuer: 'https://z.example', serviceUser: { keyFile: './bad.json' } });
        expect(issue).toMatch(/^serviceUser\.keyFile: \/.*\/bad\.json: "type" must be "serviceaccount"/);
        expect(issue).toContain(`${join(await realpath(dir), 'bad.json')}: `);
        expect(issue).not.toContain('Key file');
      } finally {
        process.chdir(cwd);
      }
      expect(await issuesOf({ issuer: 'https://z.example', serviceUser: { keyJson: '{' } })).toEqual([
        'serviceUser.keyJson: is not valid JSON. Use the file exactly as ZITADEL gave it.',
      ]);
    });
  });
});
