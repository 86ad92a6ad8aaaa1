import { Logger } from '@nestjs/common';
import { resolveZitadelOptions } from '../config/resolve-options.js';
import type { ZitadelHttpClient, ZitadelHttpRequest, ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import type { DiscoveryDocument } from '../oidc/discovery-document.js';
import type { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import type { ZitadelClock } from '../shared/clock.js';
import { tokenHash } from '../shared/token-hash.js';
import { TokenExchanger } from './token-exchange.js';

const ISSUER = 'https://acme.zitadel.cloud';
const DOCUMENT: DiscoveryDocument = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/oauth/v2/token`,
  jwks_uri: `${ISSUER}/oauth/v2/keys`,
  introspection_endpoint: undefined,
  revocation_endpoint: undefined,
  userinfo_endpoint: undefined,
  raw: {},
};

/** A fake of the http client's one method the exchanger uses: answers one token exchange. */
class FakeHttp {
  readonly sent: ZitadelHttpRequest[] = [];
  send(request: ZitadelHttpRequest): Promise<ZitadelHttpResponse> {
    this.sent.push(request);
    const body = JSON.stringify({
      access_token: 'new-token',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 300,
    });
    return Promise.resolve({ status: 200, headers: new Headers({ 'content-type': 'application/json' }), body });
  }
}

async function exchanger(): Promise<{ exchanger: TokenExchanger; http: FakeHttp }> {
  const config = await resolveZitadelOptions({
    issuer: ISSUER,
    apiApplication: { clientId: 'app@acme', clientSecret: 'app-secret-value' },
  });
  const http = new FakeHttp();
  const discovery: Pick<ZitadelDiscovery, 'get'> = { get: () => Promise.resolve(DOCUMENT) };
  const clock: ZitadelClock = { now: () => 1_800_000_000_000, sleep: () => Promise.resolve() };
  return {
    exchanger: new TokenExchanger(
      config,
      http as unknown as ZitadelHttpClient,
      discovery as ZitadelDiscovery,
      clock,
      new Logger('test'),
    ),
    http,
  };
}

describe('TokenExchanger cache keys', () => {
  it('hold the subject and actor tokens only as hashes', async () => {
    const { exchanger: subject } = await exchanger();
    const subjectToken = 'subject-token-value-1234567890';
    const actorToken = 'actor-token-value-1234567890';
    await subject.exchange({ subjectToken, actorToken });
    const keys = [...(Reflect.get(subject, 'cache') as Map<string, unknown>).keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(subjectToken);
    expect(keys[0]).not.toContain(actorToken);
    expect(keys[0]).toContain(tokenHash(subjectToken));
    expect(keys[0]).toContain(tokenHash(actorToken));
  });

  it('are the same for the same scopes and audience in another order', async () => {
    const { exchanger: subject, http } = await exchanger();
    await subject.exchange({ subjectToken: 't', scopes: ['b', 'a'], audience: ['2', '1'] });
    await subject.exchange({ subjectToken: 't', scopes: ['a', 'b', 'a'], audience: ['1', '2'] });
    expect(http.sent).toHaveLength(1);
    const form = new URLSearchParams(String(http.sent[0]?.body));
    expect(form.get('scope')).toBe('a b');
    expect(form.getAll('audience')).toEqual(['1', '2']);
  });
});
