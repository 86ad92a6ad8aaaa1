import { generateKeyPairSync } from 'node:crypto';
import { errors, exportJWK, jwtVerify, SignJWT } from 'jose';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import type { ZitadelHttpRequest, ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { ManualClock } from '../testing/manual-clock.js';
import { JwksCache, type JwksHttp, type JwksLocation } from './jwks-cache.js';

const config = {
  jwt: { jwksCooldownSeconds: 30, jwksMaxAgeSeconds: 600 },
  http: { failureCooldownMs: 1000 },
} as ResolvedZitadelConfig;
const discovery: JwksLocation = {
  get: async () => ({ jwks_uri: 'https://z.example/oauth/v2/keys' }) as Awaited<ReturnType<JwksLocation['get']>>,
};

/** A JWKS endpoint in memory: serves whatever keys it holds and counts requests. */
class FakeJwksEndpoint implements JwksHttp {
  keys: object[] = [];
  requests = 0;
  failure: Error | undefined;
  body: string | undefined;

  async send(request: ZitadelHttpRequest): Promise<ZitadelHttpResponse> {
    this.requests++;
    if (request.method !== 'GET' || request.url !== 'https://z.example/oauth/v2/keys' || !request.idempotent)
      throw new Error('unexpected request');
    if (this.failure !== undefined) throw this.failure;
    return {
      status: 200,
      headers: new Headers({ 'content-type': 'application/json' }),
      body: this.body ?? JSON.stringify({ keys: this.keys }),
    };
  }
}

async function signingKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const sign = () => new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
  return { jwk, sign };
}

describe('JwksCache', () => {
  let clock: ManualClock;
  let endpoint: FakeJwksEndpoint;
  let cache: JwksCache;
  const verify = (token: string) => jwtVerify(token, cache.getKey, { algorithms: ['RS256'] });

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    endpoint = new FakeJwksEndpoint();
    cache = new JwksCache(config, endpoint, discovery, clock);
  });

  it('fetches once, shares the fetch between concurrent callers and reuses the set', async () => {
    const key = await signingKey('k1');
    endpoint.keys = [key.jwk];
    const token = await key.sign();
    await Promise.all([verify(token), verify(token), verify(token)]);
    await verify(token);
    expect(endpoint.requests).toBe(1);
  });

  it('refetches for an unknown kid at most once per cooldown, so rotated keys work and forged kids cannot flood', async () => {
    const old = await signingKey('old');
    const rotated = await signingKey('new');
    endpoint.keys = [old.jwk];
    await verify(await old.sign());
    await clock.advance(30_000);
    endpoint.keys = [old.jwk, rotated.jwk];
    await verify(await rotated.sign());
    expect(endpoint.requests).toBe(2);

    const forged = await signingKey('forged');
    const forgedToken = await forged.sign();
    for (let i = 0; i < 20; i++) await expect(verify(forgedToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(endpoint.requests).toBe(2);
    await clock.advance(30_000);
    await expect(verify(forgedToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(endpoint.requests).toBe(3);
  });

  it('refreshes an old set in the background and keeps using it meanwhile', async () => {
    const key = await signingKey('k1');
    endpoint.keys = [key.jwk];
    const token = await key.sign();
    await verify(token);
    await clock.advance(600_000);
    endpoint.failure = new ZitadelUnavailableError('down');
    await verify(token);
    expect(endpoint.requests).toBe(2);
  });

  it('fails closed when the JWKS cannot be fetched or used, and tries again on the next call', async () => {
    const key = await signingKey('k1');
    const token = await key.sign();
    endpoint.failure = new ZitadelUnavailableError('down');
    await expect(verify(token)).rejects.toBeInstanceOf(ZitadelUnavailableError);
    endpoint.failure = undefined;
    endpoint.body = JSON.stringify({ keys: 'nope' });
    await clock.advance(1000);
    await expect(verify(token)).rejects.toBeInstanceOf(ZitadelResponseError);
    endpoint.body = undefined;
    endpoint.keys = [key.jwk];
    await clock.advance(1000);
    await expect(verify(token)).resolves.toMatchObject({ payload: { sub: 'u' } });
    expect(endpoint.requests).toBe(3);
  });

  it('before the first set, one fetch at a time and none for http.failureCooldownMs after a failure', async () => {
    const key = await signingKey('k1');
    const token = await key.sign();
    const down = new ZitadelUnavailableError('down');
    endpoint.failure = down;
    const first = await Promise.all(Array.from({ length: 5 }, () => verify(token).catch((e: unknown) => e)));
    expect(first.every((error) => error === down)).toBe(true);
    expect(endpoint.requests).toBe(1);
    endpoint.failure = undefined;
    endpoint.keys = [key.jwk];
    await clock.advance(999);
    for (let i = 0; i < 20; i++) await expect(verify(token)).rejects.toBe(down);
    expect(endpoint.requests).toBe(1);
    await clock.advance(1);
    await expect(verify(token)).resolves.toMatchObject({ payload: { sub: 'u' } });
    expect(endpoint.requests).toBe(2);
  });
});
