import { ZitadelUser } from './zitadel-user.js';

describe('ZitadelUser.actor', () => {
  it('is undefined for the user’s own token', () => {
    expect(new ZitadelUser({ sub: '42' }, '200', 'jwt').actor).toBeUndefined();
  });

  it('names who acts for the user, with issuer and a nested actor, frozen', () => {
    const user = new ZitadelUser(
      { sub: '42', act: { iss: 'https://acme.zitadel.cloud', sub: '7', act: { sub: '3' } } },
      '200',
      'introspection',
    );
    expect(user.actor).toEqual({
      sub: '7',
      issuer: 'https://acme.zitadel.cloud',
      actor: { sub: '3', issuer: undefined, actor: undefined },
    });
    expect(Object.isFrozen(user.actor)).toBe(true);
  });
});
