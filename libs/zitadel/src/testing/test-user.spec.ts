import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { FakeTokenValidator } from './fake-token-validator.js';
import { createTestUser } from './test-user.js';

describe('createTestUser', () => {
  it('builds a user with roles per organisation, from ids or from ZITADEL’s id → domain map', () => {
    const user = createTestUser({
      sub: 'alice',
      roles: { admin: ['org-1'], viewer: { 'org-1': 'acme.test', 'org-2': 'other.test' } },
      claims: { email: 'alice@example.com', scope: 'openid profile' },
    });
    expect(user.sub).toBe('alice');
    expect(user.hasRole('admin')).toBe(true);
    expect(user.hasRole('admin', 'org-1')).toBe(true);
    expect(user.hasRole('admin', 'org-2')).toBe(false);
    expect(user.hasRole('viewer', 'org-2')).toBe(true);
    expect(user.roles).toEqual({ admin: { 'org-1': '' }, viewer: { 'org-1': 'acme.test', 'org-2': 'other.test' } });
    expect(user.email).toBe('alice@example.com');
    expect(user.scopes).toEqual(['openid', 'profile']);
    expect(user.source).toBe('jwt');
  });

  it('has no roles unless given, and `sub` wins over a `sub` claim', () => {
    const user = createTestUser({ sub: 'bob', claims: { sub: 'mallory' }, source: 'introspection' });
    expect(user.sub).toBe('bob');
    expect(user.roles).toEqual({});
    expect(user.hasRole('admin')).toBe(false);
    expect(user.source).toBe('introspection');
  });

  it('reads the project-specific role claim of `projectId` from `claims`', () => {
    const user = createTestUser({
      sub: 'carol',
      projectId: '42',
      claims: { 'urn:zitadel:iam:org:project:42:roles': { auditor: { 'org-3': 'x.test' } } },
    });
    expect(user.hasRole('auditor', 'org-3')).toBe(true);
  });

  it.each([
    [{ sub: '' }, /"sub" must be a non-empty string/],
    [{ sub: 'a', roles: { admin: [] } }, /role "admin" needs at least one granting organisation id/],
    [{ sub: 'a', roles: { admin: {} } }, /role "admin" needs at least one granting organisation id/],
    [{ sub: 'a', roles: { admin: [''] } }, /organisation ids must be non-empty strings/],
    [{ sub: 'a', roles: { '': ['org-1'] } }, /a role key must be a non-empty string/],
  ])('refuses %j with a TypeError', (options, message) => {
    expect(() => createTestUser(options)).toThrow(TypeError);
    expect(() => createTestUser(options)).toThrow(message);
  });
});

describe('FakeTokenValidator', () => {
  const alice = createTestUser({ sub: 'alice' });

  it('answers known tokens with their user, synchronously and not, and refuses others as invalid', async () => {
    const fake = new FakeTokenValidator(new Map([['t1', alice]]));
    expect(fake.validateCached('t1')).toBe(alice);
    await expect(fake.validate('t1')).resolves.toBe(alice);
    expect(fake.validateCached('t2')).toBeUndefined();
    await expect(fake.validate('t2')).rejects.toMatchObject({
      constructor: ZitadelTokenInvalidError,
      reason: 'invalid',
    });
    await expect(fake.validate('')).rejects.toMatchObject({ reason: 'malformed' });
    expect(() => fake.assertConfigured()).not.toThrow();
    expect(fake.realm).toBe('api');
    expect(new FakeTokenValidator({}, { realm: 'shop' }).realm).toBe('shop');
  });

  it('fails validation with the error a token was set to, and never answers it synchronously', async () => {
    const outage = new Error('down');
    const fake = new FakeTokenValidator({ t: outage });
    expect(fake.validateCached('t')).toBeUndefined();
    await expect(fake.validate('t')).rejects.toBe(outage);
  });

  it('refuses test tokens an Authorization header could not carry', () => {
    const fake = new FakeTokenValidator();
    expect(() => fake.set('', alice)).toThrow(TypeError);
    expect(() => fake.set('has space', alice)).toThrow(/RFC 6750 b64token/);
    expect(fake.set('ok-token', alice).validateCached('ok-token')).toBe(alice);
    expect(fake.delete('ok-token')).toBe(true);
    expect(fake.validateCached('ok-token')).toBeUndefined();
  });
});
