import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** ZITADEL's bounds: a key of 1 to 200 characters, a value of 1 to 500000 bytes. */
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_BYTES = 500_000;

/** Standard base64, padded: what ZITADEL's JSON uses for `bytes`. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks a metadata key from the route: 1 to 200 characters, as ZITADEL requires.
 *
 * @throws {BadRequestException} naming the problem.
 */
export function parseMetadataKey(key: string): string {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH)
    throw new BadRequestException([`key must be 1 to ${MAX_KEY_LENGTH} characters`]);
  return key;
}

/** The body of `PUT /users/:userId/metadata/:key`. */
export class SetMetadataDto {
  @ApiProperty({
    description: 'The value: bytes, base64-encoded (standard alphabet, padded), as ZITADEL stores metadata',
    example: 'ZGFyaw==',
    format: 'byte',
  })
  readonly value!: string;

  /**
   * Checks a request body (`value`: base64 of 1 to 500000 bytes) and answers the bytes.
   *
   * @throws {BadRequestException} naming the problem.
   */
  static parse(body: unknown): Uint8Array {
    const value =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)['value']
        : undefined;
    if (typeof value !== 'string' || value === '' || !BASE64.test(value))
      throw new BadRequestException(['value must be a non-empty base64 string (standard alphabet, padded)']);
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length > MAX_VALUE_BYTES)
      throw new BadRequestException([`value must be at most ${MAX_VALUE_BYTES} bytes`]);
    return new Uint8Array(bytes);
  }
}

/** One metadata entry of a user, as `GET /users/:userId/metadata` and `PUT` answer it. */
export class MetadataEntryDto {
  @ApiProperty({ example: 'theme' })
  readonly key!: string;

  @ApiProperty({ description: 'The value, base64-encoded', example: 'ZGFyaw==', format: 'byte' })
  readonly value!: string;

  @ApiPropertyOptional({ description: 'When it was last set (RFC 3339)', example: '2025-01-31T12:00:00.000Z' })
  readonly changedAt?: string;
}
