import { ZitadelResponseError } from '../errors/response.error.js';
import { parseIntrospectionResult } from './introspection-result.js';

describe('parseIntrospectionResult', () => {
  const active = {
    active: true,
    scope: 'openid profile',
    client_id: '123@acme',
    token_type: 'Bearer',
    exp: 1_900_000_000,
    iat: 1_800_000_000,
    nbf: 1_800_000_000,
    sub: '42',
    aud: ['p1', '123@acme'],
    iss: 'https://acme.zitadel.cloud',
    jti: 'j',
    username: 'alice',
    'urn:zitadel:iam:org:project:roles': { admin: { '7': 'acme.zitadel.cloud' } },
  };

  it('keeps every claim of an active result, deeply frozen', () => {
    const result = parseIntrospectionResult(active);
    expect(result).toEqual(active);
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result['urn:zitadel:iam:org:project:roles'])).toBe(true);
    expect(parseIntrospectionResult({ ...active, aud: 'p1' }).aud).toBe('p1');
  });

  it('reduces an inactive result to { active: false }', () => {
    expect(parseIntrospectionResult({ active: false, sub: '42', exp: 'whatever' })).toEqual({ active: false });
  });

  it.each([
    [{ sub: '42' }, 'active'],
    [{ active: 'true' }, 'active'],
    [{ active: 1 }, 'active'],
    [{ ...active, exp: '1900000000' }, 'exp'],
    [{ ...active, iat: null }, 'iat'],
    [{ ...active, nbf: true }, 'nbf'],
    [{ ...active, sub: 42 }, 'sub'],
    [{ ...active, iss: ['x'] }, 'iss'],
    [{ ...active, scope: ['openid'] }, 'scope'],
    [{ ...active, client_id: 1 }, 'client_id'],
    [{ ...active, aud: ['p1', 2] }, 'aud'],
    [{ ...active, aud: { p1: true } }, 'aud'],
  ])('refuses %j (field %s), naming the field and not its value', (body, field) => {
    let error: unknown;
    try {
      parseIntrospectionResult(body as Record<string, unknown>, 200);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ZitadelResponseError);
    expect((error as Error).message).toContain(`"${field}"`);
    expect((error as Error).message).not.toContain('1900000000');
  });
});
