import { endpointOriginProblem } from './endpoint-origin.js';

const check = (endpoint: string, issuer: string, trusted: readonly string[] = []) =>
  endpointOriginProblem(new URL(endpoint), new URL(issuer), trusted);

describe('endpointOriginProblem', () => {
  it("allows endpoints on the issuer's origin, default port or not", () => {
    expect(check('https://acme.zitadel.cloud/oauth/v2/token', 'https://acme.zitadel.cloud')).toBeUndefined();
    expect(check('https://acme.zitadel.cloud:443/oauth/v2/keys', 'https://acme.zitadel.cloud')).toBeUndefined();
    expect(check('http://127.0.0.1:8080/oauth/v2/keys', 'http://127.0.0.1:8080')).toBeUndefined();
  });

  it('refuses another host, port or scheme unless trusted', () => {
    const issuer = 'https://acme.zitadel.cloud';
    for (const endpoint of [
      'https://evil.example/oauth/v2/introspect',
      'https://acme.zitadel.cloud:8443/oauth/v2/introspect',
      'https://login.acme.zitadel.cloud/oauth/v2/introspect',
    ]) {
      expect(check(endpoint, issuer)).toMatch(
        /^is on https:\/\/.+, not on the issuer's origin https:\/\/acme\.zitadel\.cloud; .*discovery\.trustedOrigins$/,
      );
    }
    expect(check('https://login.acme.com/oauth/v2/token', issuer, ['https://login.acme.com'])).toBeUndefined();
    expect(check('http://127.0.0.1:9000/x', 'http://127.0.0.1:8080')).toMatch(/is on http:\/\/127\.0\.0\.1:9000/);
    expect(check('http://127.0.0.1:9000/x', 'http://127.0.0.1:8080', ['http://127.0.0.1:9000'])).toBeUndefined();
  });

  it('never lets an https issuer send us to plain http, not even on its own host or a trusted origin', () => {
    const downgrade = 'uses plain http while the issuer uses https; endpoints must use https';
    expect(check('http://acme.zitadel.cloud/oauth/v2/introspect', 'https://acme.zitadel.cloud')).toBe(downgrade);
    expect(check('http://127.0.0.1:9000/x', 'https://acme.zitadel.cloud', ['http://127.0.0.1:9000'])).toBe(downgrade);
  });

  it('lets an http issuer (loopback or allowInsecureIssuer) name https endpoints on trusted origins', () => {
    expect(check('https://login.acme.com/t', 'http://zitadel.internal', ['https://login.acme.com'])).toBeUndefined();
  });

  it('keeps a long hostname short in the message', () => {
    const problem = check(`https://${'a'.repeat(240)}.example/t`, 'https://acme.zitadel.cloud') ?? '';
    expect(problem.length).toBeLessThan(300);
  });
});
