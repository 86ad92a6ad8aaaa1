import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ZitadelUser } from 'nestjs-zitadel';
import { PLAN_CLAIM } from '../actions/zitadel-hooks.controller.js';

/** The user's organisation (ZITADEL's resource owner). */
export class OrganisationDto {
  @ApiProperty({ example: '299342112230342658' })
  readonly id!: string;

  @ApiPropertyOptional({ example: 'Acme' })
  readonly name?: string;

  @ApiPropertyOptional({ example: 'acme.localhost' })
  readonly primaryDomain?: string;
}

/** What `GET /me` answers: the verified caller, as `@CurrentUser()` hands it over. */
export class MeDto {
  @ApiProperty({ description: "ZITADEL's user id", example: '299342112230342661' })
  readonly sub!: string;

  @ApiPropertyOptional({ example: 'alice' })
  readonly userName?: string;

  @ApiPropertyOptional({ example: 'Alice Admin' })
  readonly name?: string;

  @ApiPropertyOptional({ example: 'alice@acme.localhost' })
  readonly email?: string;

  @ApiPropertyOptional({ type: OrganisationDto })
  readonly organisation?: OrganisationDto;

  @ApiProperty({
    description: 'Project roles: role key → id of the granting organisation → its primary domain',
    example: { admin: { '299342112230342658': 'acme.localhost' } },
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
  })
  readonly roles!: ZitadelUser['roles'];

  @ApiProperty({ description: 'How the token was checked', enum: ['introspection', 'jwt'] })
  readonly tokenSource!: ZitadelUser['source'];

  @ApiPropertyOptional({
    description: "The claim `sample:plan`, added by the sample's Actions v2 function (`POST /zitadel/functions`)",
    example: 'demo',
  })
  readonly plan?: string;

  static from(user: ZitadelUser): MeDto {
    const owner = user.resourceOwner;
    return {
      sub: user.sub,
      userName: user.preferred_username,
      name: user.name,
      email: user.email,
      organisation:
        owner === undefined ? undefined : { id: owner.id, name: owner.name, primaryDomain: owner.primaryDomain },
      roles: user.roles,
      tokenSource: user.source,
      plan: typeof user.claims[PLAN_CLAIM] === 'string' ? user.claims[PLAN_CLAIM] : undefined,
    };
  }
}
