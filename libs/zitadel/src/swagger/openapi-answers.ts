import type { TokenValidationMode } from '../config/zitadel-options.interface.js';
import type { ResponseObject, SecuritySchemeObject } from '@nestjs/swagger';
import type { RolesRequirement } from '../auth/roles.decorator.js';

const CHALLENGE = (meaning: string) => ({
  'WWW-Authenticate': { description: meaning, schema: { type: 'string' as const } },
});

/**
 * The bearer scheme of ZITADEL access tokens. `bearerFormat: JWT` only when every accepted token is
 * a JWT (`tokenValidation: 'jwt'`): in `auto` and `introspection` mode opaque tokens are accepted.
 */
export function bearerScheme(mode: TokenValidationMode): SecuritySchemeObject {
  const kind =
    mode === 'jwt'
      ? 'a JWT, verified against its JWKS'
      : mode === 'introspection'
        ? 'opaque or JWT, checked by introspection'
        : 'opaque (introspected) or JWT (verified locally)';
  return {
    type: 'http',
    scheme: 'bearer',
    ...(mode === 'jwt' ? { bearerFormat: 'JWT' } : {}),
    description: `A ZITADEL access token (${kind}) whose audience includes the project`,
  };
}

const quoted = (roles: readonly string[]): string => roles.map((role) => JSON.stringify(role)).join(', ');

/** Where an organisation-scoped requirement reads the organisation from, as prose. */
function orgClause(requirement: RolesRequirement): string {
  const org = requirement.org;
  if (org === undefined) return ', granted by any organisation';
  const source =
    org.param !== undefined
      ? `the route parameter ${JSON.stringify(org.param)}`
      : `the header ${JSON.stringify(org.header)}`;
  return `, granted by the organisation whose id is in ${source} (a request naming none is refused)`;
}

/** 401, 503 and, with `@Roles`, 403: what `ZitadelAuthGuard` can answer on a guarded route. */
export function guardAnswers(roles: RolesRequirement | undefined): Record<string, ResponseObject> {
  const answers: Record<string, ResponseObject> = {
    '401': {
      description: 'No bearer token, or a malformed, expired, revoked or foreign one',
      headers: CHALLENGE('`Bearer realm="..."`, with `error="invalid_token"` when a token was sent'),
    },
    '503': { description: 'ZITADEL cannot be reached or answered something unusable: the token could not be checked' },
  };
  if (roles !== undefined) {
    const needed =
      roles.mode === 'allOf' || roles.roles.length === 1
        ? `Needs the role${roles.roles.length === 1 ? '' : 's'} ${quoted(roles.roles)}${roles.roles.length === 1 ? '' : ' (all of them)'}`
        : `Needs one of the roles ${quoted(roles.roles)}`;
    answers['403'] = {
      description: `${needed}${orgClause(roles)}`,
      headers: CHALLENGE('`Bearer realm="...", error="insufficient_scope"`'),
    };
  }
  return answers;
}
