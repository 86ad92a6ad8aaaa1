import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, type ZitadelUser } from 'nestjs-zitadel';
import { MeDto } from '../dto/me.dto.js';

/** The caller, for any valid access token. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The current user: any valid access token' })
  @ApiOkResponse({ type: MeDto })
  @ApiUnauthorizedResponse({ description: 'No token, or an invalid, expired or revoked one' })
  me(@CurrentUser() user: ZitadelUser): MeDto {
    return MeDto.from(user);
  }
}
