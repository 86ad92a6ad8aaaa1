import type { JWTPayload } from 'jose';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { assertAccessTokenClaims } from './access-token-claims.js';

const ROLES = 'urn:zitadel:iam:org:project:200:roles';
/** The claims of a ZITADEL JWT access token (`oidc.NewAccessTokenClaims` plus private claims). */
const ACCESS: JWTPayload = {
  iss: 'https://acme.zitadel.cloud',
  sub: '42',
  aud: ['200', '99@acme'],
  exp: 1_900_000_000,
  iat: 1_800_000_000,
  nbf: 1_800_000_000,
  client_id: '99@acme',
  jti: 'V2_1-at_2',
  [ROLES]: { admin: { '7': 'acme.zitadel.cloud' } },
  'urn:zitadel:iam:org:project:roles': { admin: { '7': 'acme.zitadel.cloud' } },
  'urn:zitadel:iam:user:resourceowner:id': '7',
  'urn:zitadel:iam:user:metadata': { key: 'dmFsdWU' },
  given_name: 42,
};
/** The claims of a ZITADEL ID token (`oidc.NewIDTokenClaims`): `azp`, no `jti`. */
const ID: JWTPayload = {
  iss: ACCESS.iss,
  sub: '42',
  aud: ['200', '99@acme'],
  exp: 1_900_000_000,
  iat: 1_800_000_000,
  auth_time: 1_800_000_000,
  azp: '99@acme',
  client_id: '99@acme',
  at_hash: 'x',
  sid: 'V2_1',
};

const refused = (claims: JWTPayload) => {
  try {
    assertAccessTokenClaims(claims);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(ZitadelTokenInvalidError);
    expect((error as ZitadelTokenInvalidError).reason).toBe('invalid');
    return true;
  }
};

describe('assertAccessTokenClaims', () => {
  it("accepts ZITADEL's access token claims (claims it does not write may have any type)", () => {
    expect(refused(ACCESS)).toBe(false);
    expect(refused({ ...ACCESS, aud: '200', scope: 'openid' })).toBe(false);
  });

  it("refuses ZITADEL's ID tokens, with or without at_hash and sid, and with a jti an Action added", () => {
    expect(refused(ID)).toBe(true);
    expect(refused({ ...ID, at_hash: undefined, sid: undefined })).toBe(true);
    expect(refused({ ...ID, jti: 'added' })).toBe(true);
    expect(refused({ ...ACCESS, azp: '99@acme' })).toBe(true);
    expect(refused({ ...ACCESS, jti: undefined })).toBe(true);
    expect(refused({ ...ACCESS, jti: '' })).toBe(true);
  });

  it.each<[string, JWTPayload]>([
    ['sub a number', { sub: 42 as unknown as string }],
    ['sub empty', { sub: '' }],
    ['sub missing', { sub: undefined }],
    ['aud a number', { aud: 7 as unknown as string }],
    ['aud holding a number', { aud: ['200', 7] as unknown as string[] }],
    ['exp a string', { exp: '1' as unknown as number }],
    ['iat null', { iat: null as unknown as number }],
    ['iss a number', { iss: 1 as unknown as string }],
    ['client_id an array', { client_id: ['99'] }],
    ['scope an array', { scope: ['openid'] }],
    ['jti a number', { jti: 7 as unknown as string }],
    ['the project role claim a string', { [ROLES]: 'admin' }],
    ['the project role claim an array', { [ROLES]: [] }],
    ['a role granted by a string', { [ROLES]: { admin: '7' } }],
    ['an organisation domain a number', { [ROLES]: { admin: { '7': 7 } } }],
    ['the generic role claim null', { 'urn:zitadel:iam:org:project:roles': null }],
    ['the resource owner id a number', { 'urn:zitadel:iam:user:resourceowner:id': 7 }],
    ['the resource owner name an object', { 'urn:zitadel:iam:user:resourceowner:name': {} }],
  ])('refuses %s', (_, overrides) => {
    expect(refused({ ...ACCESS, ...overrides })).toBe(true);
  });
});
