// Property-based tests of the claim parser behind ZitadelUser: any JSON claim set yields a user
// or the one checked rejection (TypeError: no "sub"), never another exception; roles follow a
// reference model of ZITADEL's role claims, whatever else the claims hold.
import * as fc from 'fast-check';
import { ZitadelUser } from './zitadel-user.js';

const SETTINGS = { seed: 0x5eed_0003, numRuns: 1500 } as const;
const PROJECT = '231848297847848962';
const GENERIC = 'urn:zitadel:iam:org:project:roles';
const SPECIFIC = `urn:zitadel:iam:org:project:${PROJECT}:roles`;
const OTHER_PROJECT = 'urn:zitadel:iam:org:project:999:roles';

/** Keys that trip naive object handling. */
const trickyKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  'admin',
  '7',
  '0',
);
const key = fc.oneof(trickyKey, fc.string({ maxLength: 12 }));

/** A role claim: mostly ZITADEL's shape `{ role: { orgId: domain } }`, sometimes anything at all. */
const roleClaim = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.dictionary(
      key,
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.dictionary(key, fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })), {
            maxKeys: 3,
          }),
        },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      ),
      { maxKeys: 4 },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A claim set as it arrives on the wire: parsed JSON, so `__proto__` is an own key like any other. */
const claims = fc
  .record(
    {
      sub: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(''), fc.jsonValue({ maxDepth: 1 })),
      scope: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
      exp: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
      email_verified: fc.jsonValue({ maxDepth: 0 }),
      email: fc.jsonValue({ maxDepth: 1 }),
      client_id: fc.jsonValue({ maxDepth: 1 }),
      [GENERIC]: roleClaim,
      [SPECIFIC]: roleClaim,
      [OTHER_PROJECT]: roleClaim,
      'urn:zitadel:iam:user:resourceowner:id': fc.jsonValue({ maxDepth: 1 }),
      'urn:zitadel:iam:user:resourceowner:name': fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .chain((known) =>
    fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }).map((extra) => ({ ...extra, ...known })),
  )
  .map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reference model: role → granting organisations, from the generic and this project's claim only. */
function modelRoles(source: Record<string, unknown>): Map<string, Set<string>> {
  const roles = new Map<string, Set<string>>();
  for (const claim of [source[GENERIC], source[SPECIFIC]]) {
    if (!isRecord(claim)) continue;
    for (const [role, grants] of Object.entries(claim)) {
      if (!isRecord(grants)) continue;
      const orgs = roles.get(role) ?? new Set<string>();
      for (const orgId of Object.keys(grants)) orgs.add(orgId);
      roles.set(role, orgs);
    }
  }
  return roles;
}

/** Every object and array in a JSON-like value, the value itself included. */
function objectsIn(value: unknown, found: object[] = []): object[] {
  if (typeof value === 'object' && value !== null) {
    found.push(value);
    for (const child of Object.values(value)) objectsIn(child, found);
  }
  return found;
}

/** Builds a user; the only acceptable failure is the TypeError for a missing or empty `sub`. */
function build(source: Record<string, unknown>): ZitadelUser | 'rejected' {
  try {
    return new ZitadelUser(source, PROJECT, 'introspection');
  } catch (error) {
    if (error instanceof TypeError && error.message === 'verified claims have no "sub"') return 'rejected';
    throw new Error(`ZitadelUser threw something other than its checked rejection: ${String(error)}`, { cause: error });
  }
}

describe('ZitadelUser claim parsing (property-based)', () => {
  it('builds a user from any claim set with a non-empty string sub, and refuses every other one with its TypeError', () => {
    fc.assert(
      fc.property(claims, (source) => {
        const sub = source['sub'];
        const user = build(source);
        expect(user === 'rejected' ? 'rejected' : user.sub).toBe(
          typeof sub === 'string' && sub !== '' ? sub : 'rejected',
        );
      }),
      SETTINGS,
    );
  });

  it('answers hasRole exactly as the model of the generic and project role claims says, for every role and organisation asked', () => {
    const probe = fc.array(fc.tuple(key, fc.option(key, { nil: undefined })), { maxLength: 6 });
    fc.assert(
      fc.property(claims, probe, (source, questions) => {
        const user = build({ ...source, sub: 'u1' });
        if (user === 'rejected') throw new Error('unreachable');
        const model = modelRoles(source);
        const asked = [
          ...questions,
          ...[...model].flatMap(([role, orgs]) => [
            [role, undefined] as const,
            ...[...orgs].map((org) => [role, org] as const),
          ]),
        ];
        for (const [role, orgId] of asked) {
          const orgs = model.get(role);
          const expected = orgs !== undefined && (orgId === undefined || orgs.has(orgId));
          expect(user.hasRole(role, orgId)).toBe(expected);
        }
        const roles = new Map(Object.entries(user.roles).map(([role, orgs]) => [role, new Set(Object.keys(orgs))]));
        expect(roles).toEqual(model);
        expect(
          Object.values(user.roles)
            .flatMap((orgs) => Object.values(orgs))
            .every((domain) => typeof domain === 'string'),
        ).toBe(true);
      }),
      SETTINGS,
    );
  });

  it('types every field it exposes, and freezes the user and everything it keeps', () => {
    fc.assert(
      fc.property(claims, (source) => {
        const user = build({ ...source, sub: 'u1' });
        if (user === 'rejected') throw new Error('unreachable');
        const texts = (['name', 'email', 'preferred_username', 'clientId', 'locale', 'phone_number'] as const).map(
          (field) => user[field],
        );
        expect(texts.every((value) => value === undefined || (typeof value === 'string' && value !== ''))).toBe(true);
        expect([undefined, 'number']).toContain(user.exp === undefined ? undefined : typeof user.exp);
        expect([undefined, 'boolean']).toContain(
          user.email_verified === undefined ? undefined : typeof user.email_verified,
        );
        expect(user.scopes.every((scope) => /^[^ ]+$/.test(scope))).toBe(true);
        expect([undefined, 'string']).toContain(
          user.resourceOwner === undefined ? undefined : typeof user.resourceOwner.id,
        );
        expect(
          [user, user.roles, user.scopes, ...objectsIn(user.claims)].every((value) => Object.isFrozen(value)),
        ).toBe(true);
      }),
      { ...SETTINGS, numRuns: 500 },
    );
  });

  it("never takes roles from another project's role claim", () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.dictionary(key, fc.string({ maxLength: 10 }), { minKeys: 1, maxKeys: 2 }), {
          minKeys: 1,
          maxKeys: 3,
        }),
        (foreign) => {
          const user = build(
            JSON.parse(JSON.stringify({ sub: 'u1', [OTHER_PROJECT]: foreign })) as Record<string, unknown>,
          );
          if (user === 'rejected') throw new Error('unreachable');
          for (const role of Object.keys(foreign)) expect(user.hasRole(role)).toBe(false);
          expect(Object.keys(user.roles)).toEqual([]);
        },
      ),
      { ...SETTINGS, numRuns: 300 },
    );
  });
});
