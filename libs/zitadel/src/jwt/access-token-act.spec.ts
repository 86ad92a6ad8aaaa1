import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { assertAccessTokenClaims } from './access-token-claims.js';

const ACCESS = { iss: 'https://acme.zitadel.cloud', sub: '42', jti: 'V2_1-at_2', exp: 1_900_000_000 };

describe('assertAccessTokenClaims and act (token exchange with impersonation)', () => {
  it('accepts a well-formed act claim', () => {
    expect(() => assertAccessTokenClaims({ ...ACCESS, act: { iss: ACCESS.iss, sub: '7' } })).not.toThrow();
  });

  it('refuses a malformed act claim as an invalid token', () => {
    expect(() => assertAccessTokenClaims({ ...ACCESS, act: { iss: ACCESS.iss } })).toThrow(ZitadelTokenInvalidError);
    expect(() => assertAccessTokenClaims({ ...ACCESS, act: 'support' })).toThrow(ZitadelTokenInvalidError);
  });
});
