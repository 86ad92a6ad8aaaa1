import {
  BadGatewayException,
  Body,
  ConflictException,
  Controller,
  HttpCode,
  Post,
  ServiceUnavailableException,
  BadRequestException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  Roles,
  ZitadelAlreadyExistsError,
  ZitadelApiError,
  ZitadelApiUnavailableError,
  ZitadelInvalidArgumentError,
  ZitadelManagementClient,
  ZitadelPermissionDeniedError,
  ZitadelUnauthenticatedError,
  ZitadelUnavailableError,
} from 'nestjs-zitadel';
import { CreatedUserDto, CreateUserDto } from '../dto/create-user.dto.js';
import { SampleRoles } from '../roles.js';

/** Users, created in ZITADEL through its management API as the app's service user. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  private readonly orgId: string | undefined;

  constructor(
    private readonly management: ZitadelManagementClient,
    config: ConfigService,
  ) {
    const orgId = config.get<string>('ZITADEL_USERS_ORG_ID')?.trim();
    this.orgId = orgId === '' ? undefined : orgId;
  }

  @Roles(SampleRoles.admin)
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: `Creates a human user in ZITADEL; needs "${SampleRoles.admin}"` })
  @ApiBody({ type: CreateUserDto })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiBadRequestResponse({ description: 'A missing or malformed field' })
  @ApiUnauthorizedResponse({ description: 'No token, or an invalid, expired or revoked one' })
  @ApiForbiddenResponse({ description: `The caller lacks "${SampleRoles.admin}"` })
  @ApiConflictResponse({ description: 'The user name is taken' })
  @ApiBadGatewayResponse({
    description: "ZITADEL refused the app's call (e.g. its service user is not a manager of the organisation)",
  })
  @ApiServiceUnavailableResponse({ description: 'ZITADEL is unreachable' })
  async create(@Body() body: unknown): Promise<CreatedUserDto> {
    const user = CreateUserDto.parse(body);
    try {
      const { userId } = await this.management.importHumanUser(
        {
          userName: user.userName,
          profile: { firstName: user.firstName, lastName: user.lastName },
          email: { email: user.email, isEmailVerified: false },
        },
        this.orgId === undefined ? {} : { orgId: this.orgId },
      );
      return { userId, userName: user.userName, ...(this.orgId === undefined ? {} : { orgId: this.orgId }) };
    } catch (error) {
      throw httpErrorOf(error);
    }
  }
}

/** ZITADEL's answer as this API's: the caller's mistakes as 4xx, the app's own set-up or ZITADEL's state as 502 / 503; anything else stays a 500. */
function httpErrorOf(error: unknown): unknown {
  if (error instanceof ZitadelAlreadyExistsError)
    return new ConflictException('A user with this user name exists already');
  if (error instanceof ZitadelInvalidArgumentError)
    return new BadRequestException(`ZITADEL refused the user: ${error.zitadelMessage ?? 'invalid argument'}`);
  if (error instanceof ZitadelPermissionDeniedError || error instanceof ZitadelUnauthenticatedError) {
    return new BadGatewayException(
      "The app's service user may not create users (make it an ORG_OWNER or ORG_USER_MANAGER)",
      { cause: error },
    );
  }
  if (error instanceof ZitadelApiUnavailableError || error instanceof ZitadelUnavailableError)
    return new ServiceUnavailableException('ZITADEL is unavailable', { cause: error });
  if (error instanceof ZitadelApiError)
    return new BadGatewayException(`ZITADEL refused to create the user (${error.kind})`, { cause: error });
  return error;
}
