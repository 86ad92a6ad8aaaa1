import { Roles } from '../auth/roles.decorator.js';
import { bearerScheme, guardAnswers } from './openapi-answers.js';

/** The requirement `@Roles(...)` stores. */
function requirementOf(decorator: ReturnType<typeof Roles>) {
  class Target {}
  decorator(Target);
  return Reflect.getMetadata('zitadel:roles', Target);
}

const forbidden = (decorator: ReturnType<typeof Roles>) => guardAnswers(requirementOf(decorator))['403']?.description;

describe('bearerScheme', () => {
  it('says JWT only when every accepted token is a JWT', () => {
    expect(bearerScheme('jwt')).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const mode of ['auto', 'introspection'] as const) {
      expect(bearerScheme(mode)).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(bearerScheme(mode)).not.toHaveProperty('bearerFormat');
      expect(bearerScheme(mode).description).toContain('opaque');
    }
  });
});

describe('guardAnswers', () => {
  it('answers 401 and 503 on any guarded route, 403 only with roles', () => {
    expect(Object.keys(guardAnswers(undefined)).sort()).toEqual(['401', '503']);
    expect(Object.keys(guardAnswers(requirementOf(Roles('admin')))).sort()).toEqual(['401', '403', '503']);
  });

  it('names the roles, the mode and the organisation source', () => {
    expect(forbidden(Roles('admin'))).toBe('Needs the role "admin", granted by any organisation');
    expect(forbidden(Roles('admin', 'editor'))).toBe(
      'Needs one of the roles "admin", "editor", granted by any organisation',
    );
    expect(forbidden(Roles({ allOf: ['a', 'b'] }))).toBe(
      'Needs the roles "a", "b" (all of them), granted by any organisation',
    );
    expect(forbidden(Roles({ anyOf: ['r'], org: { param: 'orgId' } }))).toContain('the route parameter "orgId"');
    expect(forbidden(Roles({ anyOf: ['r'], org: { header: 'X-Org' } }))).toContain('the header "x-org"');
  });

  it('quotes role keys, so a key cannot write markup into the description', () => {
    expect(guardAnswers(requirementOf(Roles('a"b\n')))['403']?.description).toContain('"a\\"b\\n"');
  });
});
