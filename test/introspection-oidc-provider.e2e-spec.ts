// Conformance of IntrospectionService (RFC 7662) against a certified third-party OpenID provider
// (`oidc-provider`), over real loopback HTTP: private_key_jwt with an application key file, and
// client_secret_basic.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test, type TestingModule } from '@nestjs/testing';
import { Provider as OidcProvider } from 'oidc-provider';
import {
  IntrospectionService,
  TokenService,
  ZitadelModule,
  ZitadelOAuthError,
  type ApiApplicationCredentials,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { generateApplicationKey } from './support/keys.js';

// Ids shaped like ZITADEL's: '@' must survive form-url-encoding in Basic auth and the assertion.
const KEY_CLIENT_ID = '78366401571920522@acme';
const SECRET_CLIENT = { clientId: '78366401571920599@acme', clientSecret: 'veryweaksecret!' };
const TOKEN_CLIENT = { clientId: 'service-user', clientSecret: 'another secret' };

let server: Server;
let issuer: string;
let applicationKey: Awaited<ReturnType<typeof generateApplicationKey>>['file'];
let introspectionRequests = 0;

beforeAll(async () => {
  const generated = await generateApplicationKey(KEY_CLIENT_ID);
  applicationKey = generated.file;
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const noRedirects = { grant_types: ['client_credentials'], redirect_uris: [], response_types: [] };
  const provider = new OidcProvider(issuer, {
    clients: [
      {
        client_id: KEY_CLIENT_ID,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [generated.publicJwk] },
        ...noRedirects,
      },
      {
        client_id: SECRET_CLIENT.clientId,
        client_secret: SECRET_CLIENT.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        ...noRedirects,
      },
      {
        client_id: TOKEN_CLIENT.clientId,
        client_secret: TOKEN_CLIENT.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        ...noRedirects,
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      devInteractions: { enabled: false },
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/token/introspection') introspectionRequests++;
    void handle(req, res);
  });
});

/** Every module compiled, closed after its test. */
const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((moduleRef) => moduleRef.close()));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function services(apiApplication: ApiApplicationCredentials, options: Partial<ZitadelModuleOptions> = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [ZitadelModule.forRoot({ issuer, serviceUser: TOKEN_CLIENT, apiApplication, ...options })],
  }).compile();
  modules.push(moduleRef);
  return { introspection: moduleRef.get(IntrospectionService), tokens: moduleRef.get(TokenService) };
}

describe('IntrospectionService against oidc-provider', () => {
  it('introspects with private_key_jwt, signing with the application key file', async () => {
    const { introspection, tokens } = await services({ key: applicationKey });
    const token = await tokens.getAccessToken();
    const result = await introspection.introspect(token);
    expect(result).toMatchObject({
      active: true,
      client_id: TOKEN_CLIENT.clientId,
      scope: 'openid',
      token_type: 'Bearer',
      iss: issuer,
    });
    expect(result.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('introspects with client_secret_basic', async () => {
    const { introspection, tokens } = await services(SECRET_CLIENT);
    const result = await introspection.introspect(await tokens.getAccessToken());
    expect(result).toMatchObject({ active: true, client_id: TOKEN_CLIENT.clientId });
  });

  it('answers { active: false } for a token the provider does not know', async () => {
    const { introspection } = await services({ key: applicationKey });
    await expect(introspection.introspect('not-a-token-it-issued')).resolves.toEqual({ active: false });
  });

  it('shares one request between concurrent callers and caches the result', async () => {
    const { introspection, tokens } = await services(SECRET_CLIENT);
    const token = await tokens.getAccessToken();
    const before = introspectionRequests;
    const results = await Promise.all(Array.from({ length: 20 }, () => introspection.introspect(token)));
    await introspection.introspect(token);
    expect(introspectionRequests - before).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('does not cache when told not to', async () => {
    const { introspection, tokens } = await services(SECRET_CLIENT, {
      introspection: { cache: { maxTtlSeconds: 0, inactiveTtlSeconds: 0 } },
    });
    const token = await tokens.getAccessToken();
    const before = introspectionRequests;
    await introspection.introspect(token);
    await introspection.introspect(token);
    await introspection.introspect('unknown');
    await introspection.introspect('unknown');
    expect(introspectionRequests - before).toBe(4);
  });

  it('surfaces refused credentials as a typed OAuth error, never as an inactive token, and never caches it', async () => {
    const wrong = await generateApplicationKey(KEY_CLIENT_ID);
    for (const credentials of [
      { clientId: SECRET_CLIENT.clientId, clientSecret: 'wrong-secret!' },
      { key: wrong.file },
    ]) {
      const { introspection } = await services(credentials);
      const before = introspectionRequests;
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await introspection.introspect('some-token').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ZitadelOAuthError);
        expect(error).toMatchObject({ code: 'ZITADEL_OAUTH_ERROR', error: 'invalid_client', status: 401 });
        expect((error as Error).message).not.toContain('wrong-secret');
      }
      expect(introspectionRequests - before).toBe(2);
    }
  });
});
