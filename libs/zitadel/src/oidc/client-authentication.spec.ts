import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Secret } from '../config/secret.js';
import { authenticateClient, basicAuthorization } from './client-authentication.js';

describe('client authentication', () => {
  it('form-url-encodes id and secret before base64, with the test vector of ZITADEL docs', () => {
    expect(basicAuthorization('78366401571920522@amce', new Secret('veryweaksecret!'))).toBe(
      'Basic NzgzNjY0MDE1NzE5MjA1MjIlNDBhbWNlOnZlcnl3ZWFrc2VjcmV0JTIx',
    );
  });

  it('encodes the header once per secret object, and again for another client id or secret', () => {
    const secret = new Secret('veryweaksecret!');
    const reveal = vi.spyOn(secret, 'reveal');
    const header = basicAuthorization('78366401571920522@amce', secret);
    expect(basicAuthorization('78366401571920522@amce', secret)).toBe(header);
    expect(reveal).toHaveBeenCalledTimes(1);
    expect(basicAuthorization('other@amce', secret)).toBe('Basic b3RoZXIlNDBhbWNlOnZlcnl3ZWFrc2VjcmV0JTIx');
    expect(basicAuthorization('78366401571920522@amce', new Secret('another'))).not.toBe(header);
    expect(basicAuthorization('78366401571920522@amce', secret)).toBe(header);
  });

  it('signs a private_key_jwt assertion as ZITADEL and OpenID Connect Core §9 require', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = { keyId: '81693565968962154', subject: '78366401571920522@acme', privateKey, expiresAt: undefined };
    const first = await authenticateClient(
      { method: 'private_key_jwt', key },
      'https://acme.zitadel.cloud',
      Date.now(),
    );
    const second = await authenticateClient(
      { method: 'private_key_jwt', key },
      'https://acme.zitadel.cloud',
      Date.now(),
    );
    expect(first.headers).toEqual({});
    expect(first.form['client_assertion_type']).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = first.form['client_assertion'] ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', kid: '81693565968962154' });
    const claims = decodeJwt(assertion);
    const now = Math.floor(Date.now() / 1000);
    expect(claims).toMatchObject({ iss: key.subject, sub: key.subject, aud: 'https://acme.zitadel.cloud' });
    expect(claims.iat).toBeLessThanOrEqual(now);
    expect(claims.iat).toBeGreaterThan(now - 60);
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + 600);
    expect(claims.jti).toEqual(expect.any(String));
    expect(decodeJwt(second.form['client_assertion'] ?? '').jti).not.toBe(claims.jti);
  });
});
