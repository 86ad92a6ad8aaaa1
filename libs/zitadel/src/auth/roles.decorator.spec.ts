import { Reflector } from '@nestjs/core';
import { Roles, RolesMetadata, type RolesOptions } from './roles.decorator.js';

function metadataOf(decorator: MethodDecorator & ClassDecorator) {
  class Target {}
  decorator(Target);
  return new Reflector().get(RolesMetadata, Target);
}

describe('@Roles', () => {
  it('stores any-of, all-of and organisation-scoped requirements under zitadel:roles', () => {
    expect(RolesMetadata.KEY).toBe('zitadel:roles');
    expect(metadataOf(Roles('admin', 'editor'))).toEqual({ mode: 'anyOf', roles: ['admin', 'editor'], org: undefined });
    expect(metadataOf(Roles({ allOf: ['a', 'b'] }))).toEqual({ mode: 'allOf', roles: ['a', 'b'], org: undefined });
    expect(metadataOf(Roles({ anyOf: ['a'], org: { param: 'orgId' } }))).toEqual({
      mode: 'anyOf',
      roles: ['a'],
      org: { param: 'orgId' },
    });
    expect(metadataOf(Roles({ allOf: ['a'], org: { header: 'X-Org-Id' } }))).toEqual({
      mode: 'allOf',
      roles: ['a'],
      org: { header: 'x-org-id' },
    });
  });

  it.each([
    ['an empty role', () => Roles('')],
    ['no roles', () => Roles({ anyOf: [] })],
    ['both anyOf and allOf', () => Roles({ anyOf: ['a'], allOf: ['b'] } as unknown as RolesOptions)],
    ['neither anyOf nor allOf', () => Roles({} as unknown as RolesOptions)],
    ['a non-string role', () => Roles({ anyOf: [1] } as unknown as RolesOptions)],
    [
      'an org with both sources',
      () => Roles({ anyOf: ['a'], org: { param: 'p', header: 'h' } } as unknown as RolesOptions),
    ],
    ['an org with an empty name', () => Roles({ anyOf: ['a'], org: { header: '' } })],
    ['an org of another kind', () => Roles({ anyOf: ['a'], org: { query: 'o' } } as unknown as RolesOptions)],
  ])('refuses %s when applied', (_, apply) => {
    expect(apply).toThrow(TypeError);
  });
});
