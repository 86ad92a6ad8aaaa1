import { isActorClaim } from './actor-claim.js';

describe('isActorClaim', () => {
  it('accepts the act claims ZITADEL writes: sub, iss, and a nested act', () => {
    expect(isActorClaim({ sub: '1' })).toBe(true);
    expect(isActorClaim({ iss: 'https://acme.zitadel.cloud', sub: '1' })).toBe(true);
    expect(isActorClaim({ iss: 'https://acme.zitadel.cloud', sub: '1', act: { sub: '2' } })).toBe(true);
  });

  it.each([
    ['not an object', 'someone'],
    ['an array', [{ sub: '1' }]],
    ['no sub', { iss: 'https://acme.zitadel.cloud' }],
    ['an empty sub', { sub: '' }],
    ['a numeric sub', { sub: 1 }],
    ['a non-string iss', { sub: '1', iss: 7 }],
    ['a malformed nested act', { sub: '1', act: { sub: 2 } }],
  ])('refuses %s', (_what, value) => {
    expect(isActorClaim(value)).toBe(false);
  });

  it('refuses actors nested deeper than a few levels', () => {
    let act: Record<string, unknown> = { sub: 'root' };
    for (let i = 0; i < 20; i++) act = { sub: String(i), act };
    expect(isActorClaim(act)).toBe(false);
  });
});
