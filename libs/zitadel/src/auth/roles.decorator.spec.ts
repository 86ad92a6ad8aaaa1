import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ZitadelAuthGuard } from './auth.guard.js';
import {
  getRolesRequirement,
  Roles,
  RolesMetadata,
  type RolesOptions,
  type RolesRequirement,
} from './roles.decorator.js';
import type { ZitadelTokenValidator } from './token-validator.js';
import { ZitadelUser } from './zitadel-user.js';

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

describe('RolesMetadata (internal)', () => {
  it.each([
    ['an empty allOf', { mode: 'allOf', roles: [], org: undefined }],
    ['an empty anyOf', { mode: 'anyOf', roles: [], org: undefined }],
    ['another mode', { mode: 'noneOf', roles: ['a'], org: undefined }],
  ])('refuses %s even when applied directly', (_, requirement) => {
    class Target {}
    expect(() => RolesMetadata(requirement as RolesRequirement)(Target)).toThrow(TypeError);
  });
});

describe('getRolesRequirement', () => {
  const reflector = new Reflector();

  it('reads the first target that has @Roles (handler before class)', () => {
    @Roles('viewer')
    class Controller {
      @Roles({ allOf: ['admin', 'auditor'] })
      handler(): void {}
      plain(): void {}
    }
    const proto = Controller.prototype;
    expect(getRolesRequirement(reflector, proto.handler, Controller)).toEqual({
      mode: 'allOf',
      roles: ['admin', 'auditor'],
      org: undefined,
    });
    expect(getRolesRequirement(reflector, proto.plain, Controller)).toMatchObject({ roles: ['viewer'] });
    expect(getRolesRequirement(reflector, proto.plain)).toBeUndefined();
    expect(Object.isFrozen(getRolesRequirement(reflector, Controller))).toBe(true);
  });

  it('refuses an empty requirement stored around @Roles with SetMetadata', () => {
    @SetMetadata(RolesMetadata.KEY, { mode: 'allOf', roles: [] })
    class Bypass {}
    expect(() => getRolesRequirement(reflector, Bypass)).toThrow(TypeError);
  });
});

describe("the guard's role check", () => {
  /** Exposes the protected check; the validator is never asked for a token here. */
  class Guard extends ZitadelAuthGuard {
    check(user: ZitadelUser, requirement: RolesRequirement): boolean {
      return this.hasRequiredRoles(user, requirement, {} as ExecutionContext);
    }
  }
  const validator = { assertConfigured: () => undefined } as unknown as ZitadelTokenValidator;
  const guard = new Guard(new Reflector(), validator);
  const user = new ZitadelUser(
    { sub: '1', 'urn:zitadel:iam:org:project:roles': { admin: { '7': 'acme' } } },
    '2',
    'jwt',
  );

  it('refuses an empty role list in either mode, whatever stored it', () => {
    expect(guard.check(user, { mode: 'allOf', roles: [], org: undefined })).toBe(false);
    expect(guard.check(user, { mode: 'anyOf', roles: [], org: undefined })).toBe(false);
    expect(guard.check(user, { mode: 'allOf', roles: ['admin'], org: undefined })).toBe(true);
  });
});
