// Conformance of TokenService's client credentials grant against a certified third-party
// OpenID provider (`oidc-provider`), over real loopback HTTP.
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test, type TestingModule } from '@nestjs/testing';
import { Provider } from 'oidc-provider';
import {
  TokenService,
  ZitadelDiscoveryError,
  ZitadelModule,
  ZitadelOAuthError,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';

// The client id holds '@' and the secret '!': both must be form-url-encoded inside Basic auth.
const CLIENT = { clientId: '78366401571920522@amce', clientSecret: 'veryweaksecret!' };

let server: Server;
let issuer: string;
let tokenRequests = 0;

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
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
    if (req.url?.startsWith('/token') && !req.url.startsWith('/token/')) tokenRequests++;
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

async function tokenService(options: Partial<ZitadelModuleOptions>): Promise<TokenService> {
  const moduleRef = await Test.createTestingModule({
    imports: [ZitadelModule.forRoot({ issuer, serviceUser: CLIENT, ...options })],
  }).compile();
  modules.push(moduleRef);
  return moduleRef.get(TokenService);
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  const basic = Buffer.from(
    `${encodeURIComponent(CLIENT.clientId)}:${encodeURIComponent(CLIENT.clientSecret)}`,
  ).toString('base64');
  const response = await fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('TokenService with client credentials against oidc-provider', () => {
  it('gets a token the provider itself recognises as active, for the client', async () => {
    const tokens = await tokenService({});
    const token = await tokens.getAccessToken();
    expect(await introspect(token)).toMatchObject({ active: true, client_id: CLIENT.clientId, scope: 'openid' });
  });

  it('reuses the token per scope set and shares one request between concurrent callers', async () => {
    const tokens = await tokenService({});
    const before = tokenRequests;
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getAccessToken({ scopes: ['openid'] })));
    expect(new Set(results).size).toBe(1);
    expect(tokenRequests - before).toBe(1);
    await tokens.getAccessToken();
    expect(tokenRequests - before).toBe(1);
  });

  it('surfaces a refused secret as a typed OAuth error, without retrying or leaking the secret', async () => {
    const tokens = await tokenService({ serviceUser: { clientId: CLIENT.clientId, clientSecret: 'wrong-secret!' } });
    const before = tokenRequests;
    const error = await tokens.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelOAuthError);
    expect(error).toMatchObject({ code: 'ZITADEL_OAUTH_ERROR', error: 'invalid_client', status: 401 });
    expect((error as Error).message).not.toContain('wrong-secret');
    expect(tokenRequests - before).toBe(1);
  });

  it('refuses a discovery document that names another issuer', async () => {
    const tokens = await tokenService({ issuer: issuer.replace('127.0.0.1', 'localhost') });
    const error = await tokens.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelDiscoveryError);
    expect((error as Error).message).toMatch(
      /names issuer "http:\/\/127\.0\.0\.1:\d+", but the configured issuer is "http:\/\/localhost:\d+"/,
    );
  });
});
