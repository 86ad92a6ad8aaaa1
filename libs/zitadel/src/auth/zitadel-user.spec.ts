import { ZitadelUser } from './zitadel-user.js';

const PROJECT = '200';

describe('ZitadelUser', () => {
  const claims = {
    sub: '42',
    scope: 'openid profile  email',
    client_id: 'web@acme',
    exp: 1_900_000_000,
    email: 'alice@acme.test',
    email_verified: true,
    preferred_username: 'alice',
    given_name: 42,
    'urn:zitadel:iam:user:resourceowner:id': '7',
    'urn:zitadel:iam:user:resourceowner:name': 'ACME',
    'urn:zitadel:iam:user:resourceowner:primary_domain': 'acme.zitadel.cloud',
    'urn:zitadel:iam:org:project:roles': { admin: { '7': 'acme.zitadel.cloud' }, broken: 'yes' },
    [`urn:zitadel:iam:org:project:${PROJECT}:roles`]: {
      admin: { '9': 'other.zitadel.cloud' },
      viewer: { '9': 'other.zitadel.cloud' },
    },
    'urn:zitadel:iam:org:project:999:roles': { superuser: { '7': 'acme.zitadel.cloud' } },
  };

  it('reads roles from the generic and the project claim, merged per organisation', () => {
    const user = new ZitadelUser({ ...claims }, PROJECT, 'jwt');
    expect(user.roles).toEqual({
      admin: { '7': 'acme.zitadel.cloud', '9': 'other.zitadel.cloud' },
      viewer: { '9': 'other.zitadel.cloud' },
    });
    expect(user.hasRole('admin')).toBe(true);
    expect(user.hasRole('admin', '7')).toBe(true);
    expect(user.hasRole('admin', '9')).toBe(true);
    expect(user.hasRole('viewer', '7')).toBe(false);
    expect(user.hasRole('superuser')).toBe(false);
    expect(user.hasRole('broken')).toBe(false);
    expect(user.hasRole('toString')).toBe(false);
    expect(user.hasRole('__proto__')).toBe(false);
  });

  it('exposes the verified standard claims, the organisation, scopes, and nothing invented', () => {
    const user = new ZitadelUser({ ...claims }, PROJECT, 'introspection');
    expect(user).toMatchObject({
      sub: '42',
      scopes: ['openid', 'profile', 'email'],
      clientId: 'web@acme',
      exp: 1_900_000_000,
      email: 'alice@acme.test',
      email_verified: true,
      preferred_username: 'alice',
      given_name: undefined,
      name: undefined,
      source: 'introspection',
      resourceOwner: { id: '7', name: 'ACME', primaryDomain: 'acme.zitadel.cloud' },
    });
    expect(user.claims['sub']).toBe('42');
    expect(Object.isFrozen(user)).toBe(true);
    expect(Object.isFrozen(user.claims)).toBe(true);
    expect(Object.isFrozen(user.roles['admin'])).toBe(true);
    expect(new ZitadelUser({ sub: '1', username: 'svc' }, PROJECT, 'introspection')).toMatchObject({
      preferred_username: 'svc',
      resourceOwner: undefined,
      scopes: [],
      roles: {},
    });
  });

  it('refuses claims without a subject', () => {
    expect(() => new ZitadelUser({ sub: '' }, PROJECT, 'jwt')).toThrow(TypeError);
    expect(() => new ZitadelUser({}, PROJECT, 'jwt')).toThrow(TypeError);
  });

  it('keeps a role named __proto__ as data, not as a prototype', () => {
    const user = new ZitadelUser(
      JSON.parse('{"sub":"1","urn:zitadel:iam:org:project:roles":{"__proto__":{"7":"x"}}}') as Record<string, unknown>,
      PROJECT,
      'jwt',
    );
    expect(user.hasRole('__proto__', '7')).toBe(true);
    expect(Object.getPrototypeOf(user.roles)).toBeNull();
  });
});
