import { Body, Controller, Get, Headers, Param, Put } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { Roles, ZitadelApi } from 'nestjs-zitadel';
import { MetadataEntryDto, parseMetadataKey, SetMetadataDto } from '../dto/user-metadata.dto.js';
import { SampleRoles } from '../roles.js';
import { requireJsonBody } from './json-body.js';
import { httpErrorOf, type ZitadelCall } from './zitadel-http-error.js';

const NOT_FOUND = 'No such user';

/**
 * A user's metadata in ZITADEL (key → bytes, base64 in JSON), through the v2 user service's
 * `SetUserMetadata` and `ListUserMetadata` (Connect) as the app's service user.
 */
@ApiTags('users')
@ApiParam({ name: 'userId', description: "ZITADEL's user id" })
@ApiNotFoundResponse({ description: 'No such user' })
@ApiBadGatewayResponse({
  description: "ZITADEL refused the app's call (e.g. its service user is not a manager of the user's organisation)",
})
@ApiServiceUnavailableResponse({ description: 'ZITADEL is unreachable' })
@Controller('users/:userId/metadata')
export class UserMetadataController {
  constructor(private readonly api: ZitadelApi) {}

  @Roles(SampleRoles.admin)
  @Put(':key')
  @ApiOperation({ summary: `Sets one metadata entry of a user (SetUserMetadata); needs "${SampleRoles.admin}"` })
  @ApiParam({ name: 'key', description: 'The metadata key, 1 to 200 characters' })
  @ApiBody({ type: SetMetadataDto })
  @ApiOkResponse({ type: MetadataEntryDto })
  @ApiBadRequestResponse({ description: 'A malformed key or value' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is not JSON' })
  async set(
    @Param('userId') userId: string,
    @Param('key') key: string,
    @Body() body: unknown,
    @Headers('content-type') contentType?: string,
  ): Promise<MetadataEntryDto> {
    requireJsonBody(contentType);
    const checkedKey = parseMetadataKey(key);
    const value = SetMetadataDto.parse(body);
    const call: ZitadelCall = { action: 'write user metadata', subject: 'the metadata', notFound: NOT_FOUND };
    try {
      const { setDate } = await this.api
        .client(UserService)
        .setUserMetadata({ userId, metadata: [{ key: checkedKey, value }] });
      return {
        key: checkedKey,
        value: Buffer.from(value).toString('base64'),
        ...(setDate === undefined ? {} : { changedAt: timestampDate(setDate).toISOString() }),
      };
    } catch (error) {
      throw httpErrorOf(error, call);
    }
  }

  @Roles(SampleRoles.admin)
  @Get()
  @ApiOperation({ summary: `A user's metadata, sorted by key (ListUserMetadata); needs "${SampleRoles.admin}"` })
  @ApiOkResponse({ type: MetadataEntryDto, isArray: true })
  async list(@Param('userId') userId: string): Promise<MetadataEntryDto[]> {
    const call: ZitadelCall = { action: 'read user metadata', subject: 'the request', notFound: NOT_FOUND };
    try {
      const entries: MetadataEntryDto[] = [];
      // Every page: ZITADEL answers at most 1000 entries per call.
      for await (const entry of this.api.paginate(this.api.client(UserService).listUserMetadata, { userId })) {
        entries.push({
          key: entry.key,
          value: Buffer.from(entry.value).toString('base64'),
          ...(entry.changeDate === undefined ? {} : { changedAt: timestampDate(entry.changeDate).toISOString() }),
        });
      }
      return entries;
    } catch (error) {
      throw httpErrorOf(error, call);
    }
  }
}
