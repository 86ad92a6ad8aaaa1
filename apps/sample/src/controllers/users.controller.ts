import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { Roles, ZitadelApi } from 'nestjs-zitadel';
import { CreatedUserDto, CreateUserDto } from '../dto/create-user.dto.js';
import { SampleRoles } from '../roles.js';
import { requireJsonBody } from './json-body.js';
import { httpErrorOf } from './zitadel-http-error.js';

/** Users, created in ZITADEL through its v2 user service (Connect) as the app's service user. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  private readonly orgId: string | undefined;

  constructor(
    private readonly api: ZitadelApi,
    config: ConfigService,
  ) {
    const orgId = config.get<string>('ZITADEL_USERS_ORG_ID')?.trim();
    this.orgId = orgId === '' ? undefined : orgId;
  }

  @Roles(SampleRoles.admin)
  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: `Creates a human user in ZITADEL (user service v2, AddHumanUser); needs "${SampleRoles.admin}"`,
  })
  @ApiBody({ type: CreateUserDto })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiBadRequestResponse({ description: 'A missing, malformed or unknown field' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The body is not JSON' })
  @ApiConflictResponse({ description: 'The user name is taken' })
  @ApiBadGatewayResponse({
    description: "ZITADEL refused the app's call (e.g. its service user is not a manager of the organisation)",
  })
  @ApiServiceUnavailableResponse({ description: 'ZITADEL is unreachable' })
  async create(@Body() body: unknown, @Headers('content-type') contentType?: string): Promise<CreatedUserDto> {
    requireJsonBody(contentType);
    const user = CreateUserDto.parse(body);
    try {
      // No email verification option: ZITADEL's default, it mails the user a verification code.
      const { userId } = await this.api.client(UserService).addHumanUser({
        username: user.userName,
        profile: { givenName: user.firstName, familyName: user.lastName },
        email: { email: user.email },
        ...(this.orgId === undefined ? {} : { organization: { org: { case: 'orgId', value: this.orgId } } }),
      });
      return { userId, userName: user.userName, ...(this.orgId === undefined ? {} : { orgId: this.orgId }) };
    } catch (error) {
      throw httpErrorOf(error, {
        action: 'create users',
        subject: 'the user',
        conflict: 'A user with this user name exists already',
      });
    }
  }
}
