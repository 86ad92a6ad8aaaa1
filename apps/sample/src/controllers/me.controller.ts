import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type ZitadelUser } from 'nestjs-zitadel';
import { MeDto } from '../dto/me.dto.js';

/** The caller, for any valid access token. */
@ApiTags('me')
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The current user: any valid access token' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() user: ZitadelUser): MeDto {
    return MeDto.from(user);
  }
}
