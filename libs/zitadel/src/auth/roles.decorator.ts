import type { CustomDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * Where an organisation-scoped role check finds the organisation id in the request:
 * `{ param: 'orgId' }` reads a route parameter (in GraphQL: the resolver argument of that name),
 * `{ header: 'x-org-id' }` a request header.
 */
export type OrgSource =
  { readonly param: string; readonly header?: never } | { readonly header: string; readonly param?: never };

/**
 * The object form of {@link Roles}: `anyOf` (one of the roles suffices) or `allOf` (every role is
 * needed), optionally scoped to the organisation the request names (`org`): the role must then
 * have been granted by that organisation.
 */
export type RolesOptions =
  | { readonly anyOf: readonly string[]; readonly allOf?: never; readonly org?: OrgSource }
  | { readonly allOf: readonly string[]; readonly anyOf?: never; readonly org?: OrgSource };

/** What {@link Roles} stores, normalised and checked when the decorator is applied. */
export interface RolesRequirement {
  readonly mode: 'anyOf' | 'allOf';
  readonly roles: readonly string[];
  readonly org: OrgSource | undefined;
}

/**
 * The metadata behind `@Roles`, under the key `zitadel:roles`. Internal (the guard reads it): not
 * exported from the package, because applied directly it could store a requirement that admits
 * everyone (`{ mode: 'allOf', roles: [] }` passes `[].every`). Its transform checks every
 * requirement it stores all the same. Users read the metadata with {@link getRolesRequirement}.
 */
export const RolesMetadata = Reflector.createDecorator<RolesRequirement, RolesRequirement>({
  key: 'zitadel:roles',
  transform: checkedRequirement,
});

/**
 * The `@Roles` requirement of the first target that has one: pass the handler before its class
 * (`context.getHandler(), context.getClass()`), as the guard reads them.
 *
 * @returns the frozen requirement, or `undefined` when no target has `@Roles`.
 * @throws {TypeError} the metadata under `zitadel:roles` is not one `@Roles` could have stored
 *   (e.g. set with `SetMetadata` and an empty role list): refused rather than read as "no roles".
 * @example
 * const requirement = getRolesRequirement(this.reflector, context.getHandler(), context.getClass());
 */
export function getRolesRequirement(
  reflector: Reflector,
  ...targets: readonly [object, ...object[]]
): RolesRequirement | undefined {
  for (const target of targets) {
    const found: unknown = reflector.get(RolesMetadata, target as () => void);
    if (found !== undefined) return checkedRequirement(found);
  }
  return undefined;
}

/**
 * Requires project roles (`ZitadelUser.hasRole`). Without them the guard answers 403.
 *
 * - `@Roles('admin', 'editor')`: any one of them, granted by any organisation;
 * - `@Roles({ allOf: ['admin', 'auditor'] })`: every one of them;
 * - `@Roles({ anyOf: ['admin'], org: { param: 'orgId' } })`: granted by the organisation named
 *   in the route parameter `orgId` (or `org: { header: 'x-org-id' }`); a request naming no
 *   organisation is refused.
 *
 * Handler metadata overrides class metadata; several `@Roles` on one target: the one listed
 * first (outermost) wins.
 *
 * @throws {TypeError} at decoration time, for an empty role list or a malformed option.
 * @example
 * \@Roles('admin') \@Get('all') all() {}
 */
export function Roles(...roles: [string, ...string[]]): CustomDecorator<string>;
export function Roles(options: RolesOptions): CustomDecorator<string>;
export function Roles(...args: readonly (string | RolesOptions)[]): CustomDecorator<string> {
  return RolesMetadata(normaliseRoles(args));
}

function normaliseRoles(args: readonly (string | RolesOptions)[]): RolesRequirement {
  const [first] = args;
  if (args.length === 1 && typeof first === 'object' && first !== null) {
    const hasAny = first.anyOf !== undefined;
    if (hasAny === (first.allOf !== undefined))
      throw new TypeError('@Roles({...}) takes exactly one of "anyOf" and "allOf"');
    const mode = hasAny ? 'anyOf' : 'allOf';
    return Object.freeze({ mode, roles: roleList(first[mode], `"${mode}"`), org: orgSource(first.org) });
  }
  return Object.freeze({ mode: 'anyOf', roles: roleList(args, '@Roles(...)'), org: undefined });
}

function roleList(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((role) => typeof role === 'string' && role !== '')) {
    throw new TypeError(`${name} must be a non-empty list of role keys`);
  }
  return Object.freeze([...(value as string[])]);
}

function orgSource(value: OrgSource | undefined): OrgSource | undefined {
  if (value === undefined) return undefined;
  const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
  const [entry] = entries;
  if (
    entries.length !== 1 ||
    entry === undefined ||
    (entry[0] !== 'param' && entry[0] !== 'header') ||
    typeof entry[1] !== 'string' ||
    entry[1] === ''
  ) {
    throw new TypeError('"org" must be { param: string } or { header: string }');
  }
  return Object.freeze(entry[0] === 'param' ? { param: entry[1] } : { header: entry[1].toLowerCase() });
}

/** A requirement as `@Roles` builds it, or a TypeError: never an empty list, never another mode. */
function checkedRequirement(value: unknown): RolesRequirement {
  const { mode, roles, org } = (typeof value === 'object' && value !== null ? value : {}) as Partial<RolesRequirement>;
  if (mode !== 'anyOf' && mode !== 'allOf') throw new TypeError('A roles requirement needs mode "anyOf" or "allOf"');
  return Object.freeze({ mode, roles: roleList(roles, `"${mode}"`), org: orgSource(org) });
}
