import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of `POST /users`: a human user to create in ZITADEL. */
export class CreateUserDto {
  @ApiProperty({ description: 'Login name, unique in the instance', example: 'carol' })
  readonly userName!: string;

  @ApiProperty({ example: 'carol@acme.localhost' })
  readonly email!: string;

  @ApiProperty({ example: 'Carol' })
  readonly firstName!: string;

  @ApiProperty({ example: 'Clerk' })
  readonly lastName!: string;
}

/** What `POST /users` answers. */
export class CreatedUserDto {
  @ApiProperty({ description: "ZITADEL's id of the new user", example: '299342112230342999' })
  readonly userId!: string;

  @ApiProperty({ example: 'carol' })
  readonly userName!: string;

  @ApiPropertyOptional({ description: 'The organisation it was created in, when ZITADEL_USERS_ORG_ID is set; otherwise the service user\'s' })
  readonly orgId?: string;
}
