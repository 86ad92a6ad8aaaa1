// The emulator as an HTTP server: discovery and JWKS documents, reserved management routes,
// fault injection, the request log, hostile input, and a close that leaves nothing open.
import { request } from 'node:http';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

let zitadel: ZitadelEmulator;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
});
afterAll(() => zitadel.close());
beforeEach(() => {
  zitadel.clearFaults();
  zitadel.clearRequestLog();
});

const get = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${zitadel.issuer}${path}`, init);

describe('discovery and keys', () => {
  it('serves the OpenID configuration with ZITADEL’s paths and auth methods', async () => {
    expect(zitadel.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await get('/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const issuer = zitadel.issuer;
    expect(await response.json()).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/v2/authorize`,
      token_endpoint: `${issuer}/oauth/v2/token`,
      introspection_endpoint: `${issuer}/oauth/v2/introspect`,
      userinfo_endpoint: `${issuer}/oidc/v1/userinfo`,
      revocation_endpoint: `${issuer}/oauth/v2/revoke`,
      end_session_endpoint: `${issuer}/oidc/v1/end_session`,
      jwks_uri: `${issuer}/oauth/v2/keys`,
      scopes_supported: expect.arrayContaining(['openid', 'profile', 'email']),
      grant_types_supported: expect.arrayContaining([
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ]),
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: [
        'none',
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('serves the signing keys as RS256 JWKs with kid and use sig, and no private part', async () => {
    const { keys } = (await (await get('/oauth/v2/keys')).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({
      use: 'sig',
      kty: 'RSA',
      kid: expect.stringMatching(/^\d{18}$/),
      alg: 'RS256',
      n: expect.any(String),
      e: 'AQAB',
    });
  });

  it('answers the advertised end_session endpoint', async () => {
    expect((await get('/oidc/v1/end_session')).status).toBe(200);
  });

  it('reserves /management/ and /v2/ with a gRPC-gateway Not Found, and answers 404 elsewhere', async () => {
    for (const path of ['/management/v1/orgs/me/domains/_search', '/v2/users']) {
      const response = await get(path, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: 5, message: 'Not Found' });
    }
    const unknown = await get('/nowhere');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('404 page not found\n');
    expect(zitadel.requests.map((r) => r.endpoint)).toEqual(['management', 'management', 'other']);
  });
});

describe('fault injection', () => {
  it('answers with the fault’s status, body and headers, then removes itself after `times`', async () => {
    zitadel.injectFault({
      endpoint: 'jwks',
      status: 503,
      body: { error: 'unavailable' },
      headers: { 'retry-after': '7' },
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      const response = await get('/oauth/v2/keys');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await response.json()).toEqual({ error: 'unavailable' });
    }
    expect((await get('/oauth/v2/keys')).status).toBe(200);
    expect(zitadel.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('applies to its endpoint only, in the order faults were injected, until cleared or removed', async () => {
    zitadel.injectFault({ endpoint: 'discovery', status: 500, times: 1 });
    const remove = zitadel.injectFault({ endpoint: 'discovery', status: 429 });
    expect((await get('/oauth/v2/keys')).status).toBe(200);
    expect((await get('/.well-known/openid-configuration')).status).toBe(500);
    expect((await get('/.well-known/openid-configuration')).status).toBe(429);
    expect((await get('/.well-known/openid-configuration')).status).toBe(429);
    remove();
    expect((await get('/.well-known/openid-configuration')).status).toBe(200);
    zitadel.injectFault({ endpoint: 'discovery', status: 502 });
    zitadel.clearFaults();
    expect((await get('/.well-known/openid-configuration')).status).toBe(200);
  });

  it('drops the connection without an answer, logged with status 0', async () => {
    zitadel.injectFault({ endpoint: 'token', drop: true, times: 1 });
    await expect(get('/oauth/v2/token', { method: 'POST' })).rejects.toThrow(TypeError);
    expect(zitadel.requests).toEqual([expect.objectContaining({ endpoint: 'token', method: 'POST', status: 0 })]);
    expect((await get('/oauth/v2/token', { method: 'POST' })).status).toBe(400);
  });

  it('holds a delayed request while others are answered, then handles it normally', async () => {
    zitadel.injectFault({ endpoint: 'jwks', delayMs: 1500, times: 1 });
    let delayedDone = false;
    const delayed = get('/oauth/v2/keys').then((response) => {
      delayedDone = true;
      return response;
    });
    await vi.waitFor(() => expect(zitadel.requestCount('jwks')).toBe(1));
    expect((await get('/.well-known/openid-configuration')).status).toBe(200);
    expect(delayedDone).toBe(false);
    expect(zitadel.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ['jwks', 0],
      ['discovery', 200],
    ]);
    expect((await delayed).status).toBe(200);
    expect(zitadel.requests[0]?.status).toBe(200);
  });

  it('refuses a fault status that is not an HTTP status', () => {
    expect(() => zitadel.injectFault({ endpoint: 'token', status: 42 })).toThrow(RangeError);
    expect(() => zitadel.injectFault({ endpoint: 'token', status: 500, times: 0 })).toThrow(RangeError);
  });
});

describe('request log', () => {
  it('records endpoint, method, path, status and time of every request, never the query string', async () => {
    const secret = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl';
    await get(`/oidc/v1/userinfo?access_token=${secret}`);
    await get('/oauth/v2/introspect', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('id:pw').toString('base64')}` },
    });
    const log = zitadel.requests;
    expect(log).toEqual([
      { endpoint: 'userinfo', method: 'GET', path: '/oidc/v1/userinfo', status: 401, at: expect.any(Date) },
      { endpoint: 'introspect', method: 'POST', path: '/oauth/v2/introspect', status: 400, at: expect.any(Date) },
    ]);
    expect(JSON.stringify(log)).not.toContain('c2VjcmV0');
    expect(JSON.stringify(log)).not.toContain('pw');
    expect(zitadel.requestCount('userinfo')).toBe(1);
    expect(zitadel.requestCount('token')).toBe(0);
    zitadel.clearRequestLog();
    expect(zitadel.requests).toEqual([]);
  });

  it('hands out a snapshot that callers cannot change', async () => {
    await get('/oauth/v2/keys');
    const log = zitadel.requests as unknown[];
    expect(() => log.push({})).toThrow(TypeError);
    expect(zitadel.requestCount('jwks')).toBe(1);
  });
});

describe('hostile input', () => {
  // Go's net/http request.go, parsePostForm: a url-encoded body is read up to maxFormSize = 10 << 20
  // bytes, one more is "http: POST too large"; zitadel/oidc pkg/op/server_http.go (tokensHandler,
  // parseClientCredentials, decodeRequest) answers a ParseForm error 400 invalid_request "error parsing form".
  it('parses a url-encoded body of exactly 10 MiB and refuses one byte more as ZITADEL does', async () => {
    const LIMIT = 10 * 1024 * 1024;
    const post = (path: string, size: number) =>
      get(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: paddedForm(size),
      });
    const atLimit = await post('/oauth/v2/token', LIMIT);
    expect(atLimit.status).toBe(400);
    expect(await atLimit.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'password not supported',
    });
    for (const path of ['/oauth/v2/token', '/oauth/v2/introspect', '/oauth/v2/revoke', '/oidc/v1/userinfo']) {
      const over = await post(path, LIMIT + 1);
      expect(over.status).toBe(400);
      expect(await over.json()).toEqual({ error: 'invalid_request', error_description: 'error parsing form' });
    }
    expect((await get('/.well-known/openid-configuration')).status).toBe(200);
  });

  it('answers 413 to a management body over 1 MiB (the emulator’s own limit) and keeps serving', async () => {
    const response = await get('/management/v1/users/_search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'a'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect((await get('/.well-known/openid-configuration')).status).toBe(200);
  });

  it('answers garbage with OAuth errors, never a crash', async () => {
    const bodies = [
      '\u0000\uffff%',
      '%',
      'a=%E0%A4%A',
      'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=a.%FF.c&scope=openid',
      '{"json":true}',
    ];
    for (const body of bodies) {
      for (const path of ['/oauth/v2/token', '/oauth/v2/introspect', '/oauth/v2/revoke', '/oidc/v1/userinfo']) {
        const response = await get(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' },
          body,
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(await response.json()).toHaveProperty('error');
      }
    }
    expect((await get('/.well-known/openid-configuration')).status).toBe(200);
  });
});

/** Open TCP servers and sockets of this process. */
const handles = (): number =>
  process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap').length;

describe('close', () => {
  it('closes the server and every connection, keep-alive and in-flight ones, leaving no handle', async () => {
    const baseline = handles();
    const emulator = await ZitadelEmulator.start();
    // A keep-alive connection with node:http, and one held open by a delayed request.
    const agentResponse = await new Promise<number>((resolve, reject) => {
      request(`${emulator.issuer}/oauth/v2/keys`, { headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(agentResponse).toBe(200);
    emulator.injectFault({ endpoint: 'jwks', delayMs: 60_000 });
    const pending = fetch(`${emulator.issuer}/oauth/v2/keys`).catch((error: unknown) => error);
    // And one still uploading its body: only closing every connection ends it.
    const uploading = request(`${emulator.issuer}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-length': '1000' },
    });
    const uploadClosed = new Promise<void>((resolve) =>
      uploading.on('error', () => resolve()).on('close', () => resolve()),
    );
    uploading.write('grant_type=');
    // Both are logged on arrival, unanswered (status 0).
    await vi.waitFor(() => expect(emulator.requests.map((r) => r.endpoint).sort()).toEqual(['jwks', 'jwks', 'token']));
    expect(handles()).toBeGreaterThan(baseline);
    await emulator.close();
    expect(await pending).toBeInstanceOf(TypeError);
    await uploadClosed;
    await vi.waitFor(() => expect(emulator.requests.map((r) => r.status)).toEqual([200, 0, 0]));
    await emulator.close();
    await expect(fetch(`${emulator.issuer}/.well-known/openid-configuration`)).rejects.toThrow(TypeError);
    await vi.waitFor(() => expect(handles()).toBe(baseline), { timeout: 5000 });
  });
});

/** `grant_type=password&pad=aaa…`, exactly `size` bytes. */
function paddedForm(size: number): Buffer {
  const head = Buffer.from('grant_type=password&pad=');
  const bytes = Buffer.alloc(size, 'a');
  head.copy(bytes);
  return bytes;
}
