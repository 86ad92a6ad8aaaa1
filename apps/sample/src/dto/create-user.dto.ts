import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const FIELDS = ['userName', 'email', 'firstName', 'lastName'] as const;

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

  /**
   * Checks a request body: exactly the known fields (an unknown one, e.g. `isAdmin`, is refused
   * rather than silently dropped), each a non-empty string of at most 200 characters, `email` an
   * address.
   *
   * @throws {BadRequestException} listing every problem.
   */
  static parse(body: unknown): CreateUserDto {
    const input =
      typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const problems: string[] = [];
    const unknown = Object.keys(input).filter((name) => !(FIELDS as readonly string[]).includes(name));
    if (unknown.length > 0)
      problems.push(
        `unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((name) => JSON.stringify(name.slice(0, 50))).join(', ')}: only ${FIELDS.join(', ')} are accepted`,
      );
    const field = (name: keyof CreateUserDto): string => {
      const value = input[name];
      if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
        problems.push(`${name} must be a non-empty string of at most 200 characters`);
        return '';
      }
      return value.trim();
    };
    const dto = {
      userName: field('userName'),
      email: field('email'),
      firstName: field('firstName'),
      lastName: field('lastName'),
    };
    if (dto.email !== '' && !EMAIL.test(dto.email)) problems.push('email must be an email address');
    if (problems.length > 0) throw new BadRequestException(problems);
    return dto;
  }
}

/** What `POST /users` answers. */
export class CreatedUserDto {
  @ApiProperty({ description: "ZITADEL's id of the new user", example: '299342112230342999' })
  readonly userId!: string;

  @ApiProperty({ example: 'carol' })
  readonly userName!: string;

  @ApiPropertyOptional({
    description: "The organisation it was created in, when ZITADEL_USERS_ORG_ID is set; otherwise the service user's",
  })
  readonly orgId?: string;
}
